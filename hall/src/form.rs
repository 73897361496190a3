//! Self-service form schemas of the catalog (`items[].form`, interface v1): the fields of a
//! matter's form, their types, what the ID card fills in, and when a field shows.
//!
//! The schema comes from the backend, so it is read defensively: a broken form is an error
//! for that one item, never a panic (fuzzed by `form_schema`).

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Text,
    Phone,
    IdNumber,
    /// 统一社会信用代码
    Uscc,
    /// YYYY-MM-DD
    Date,
    Number,
    Choice(Vec<String>),
}

impl Kind {
    /// The code the UI uses to pick a keyboard and a widget.
    pub fn code(&self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Phone => "phone",
            Kind::IdNumber => "id_number",
            Kind::Uscc => "uscc",
            Kind::Date => "date",
            Kind::Number => "number",
            Kind::Choice(_) => "choice",
        }
    }

    /// Longest value the keyboard lets in.
    pub fn max_len(&self) -> usize {
        match self {
            Kind::Phone => 11,
            Kind::IdNumber | Kind::Uscc => 18,
            Kind::Date => 10,
            Kind::Number => 12,
            Kind::Text | Kind::Choice(_) => 100,
        }
    }
}

/// What the card fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefill {
    Name,
    IdNumber,
    Address,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub kind: Kind,
    pub required: bool,
    pub prefill: Option<Prefill>,
    /// Shown only when each of these fields has this value.
    pub when: Vec<(String, String)>,
}

/// Why a form schema cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("the form is not a list of fields: {0}")]
    Shape(String),
    #[error("field {0}: unknown type {1:?}")]
    UnknownType(String, String),
    #[error("field {0}: a choice needs at least one choice")]
    NoChoices(String),
    #[error("field {0} appears twice")]
    Duplicate(String),
    #[error("field {0}: unknown prefill {1:?}")]
    UnknownPrefill(String, String),
    #[error("the form has no fields")]
    Empty,
}

#[derive(Deserialize)]
struct RawField {
    key: String,
    #[serde(default)]
    label: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    choices: Vec<String>,
    #[serde(default)]
    prefill: Option<String>,
    #[serde(default)]
    when: BTreeMap<String, String>,
}

/// Reads an item's `form`.
pub fn parse(form: &serde_json::Value) -> Result<Vec<Field>, SchemaError> {
    let raw: Vec<RawField> =
        serde_json::from_value(form.clone()).map_err(|e| SchemaError::Shape(e.to_string()))?;
    if raw.is_empty() {
        return Err(SchemaError::Empty);
    }
    let mut fields: Vec<Field> = Vec::with_capacity(raw.len());
    for r in raw {
        if r.key.is_empty() || fields.iter().any(|f| f.key == r.key) {
            return Err(SchemaError::Duplicate(r.key));
        }
        let kind = match r.kind.as_str() {
            "text" => Kind::Text,
            "phone" => Kind::Phone,
            "id_number" => Kind::IdNumber,
            "uscc" => Kind::Uscc,
            "date" => Kind::Date,
            "number" => Kind::Number,
            "choice" if r.choices.is_empty() => return Err(SchemaError::NoChoices(r.key)),
            "choice" => Kind::Choice(r.choices),
            other => return Err(SchemaError::UnknownType(r.key, other.into())),
        };
        let prefill = match r.prefill.as_deref() {
            None => None,
            Some("card.name") => Some(Prefill::Name),
            Some("card.id_number") => Some(Prefill::IdNumber),
            Some("card.address") => Some(Prefill::Address),
            Some(other) => return Err(SchemaError::UnknownPrefill(r.key, other.into())),
        };
        let label = if r.label.is_empty() {
            r.key.clone()
        } else {
            r.label
        };
        fields.push(Field {
            key: r.key,
            label,
            kind,
            required: r.required,
            prefill,
            when: r.when.into_iter().collect(),
        });
    }
    Ok(fields)
}

/// Values typed so far, by field key.
pub type Values = BTreeMap<String, String>;

/// Whether a field shows, given the values so far.
pub fn visible(field: &Field, values: &Values) -> bool {
    field
        .when
        .iter()
        .all(|(k, v)| values.get(k).is_some_and(|x| x == v))
}
