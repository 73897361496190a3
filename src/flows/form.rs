//! Self-service forms: the item's form schema from the catalog, which fields show, what the
//! ID card fills in, and whether each value is acceptable, checked as the citizen types.
//!
//! The schema itself is read by hall-link (it is part of the catalog); a broken form makes
//! that one item "please ask at the window", never a crash.

pub use hall_link::form::{parse, visible, Field, Kind, Prefill, SchemaError, Values};

use super::validate;

/// Why a value is not acceptable; the UI words each code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    Phone,
    IdNumber,
    Uscc,
    Date,
    Number,
    Choice,
}

/// Checks one value. An empty optional field is fine.
pub fn check(field: &Field, value: &str) -> Option<Problem> {
    let v = value.trim();
    if v.is_empty() {
        return field.required.then_some(Problem::Required);
    }
    match &field.kind {
        Kind::Text => None,
        Kind::Phone => (!validate::mobile(v)).then_some(Problem::Phone),
        Kind::IdNumber => (!validate::id_number(v)).then_some(Problem::IdNumber),
        Kind::Uscc => (!validate::uscc(v)).then_some(Problem::Uscc),
        Kind::Date => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(v, fmt).is_err().then_some(Problem::Date)
        }
        Kind::Number => v.parse::<f64>().is_err().then_some(Problem::Number),
        Kind::Choice(choices) => (!choices.iter().any(|c| c == v)).then_some(Problem::Choice),
    }
}

/// Problems of every visible field, in form order.
pub fn problems(fields: &[Field], values: &Values) -> Vec<(String, Problem)> {
    fields
        .iter()
        .filter(|f| visible(f, values))
        .filter_map(|f| {
            check(f, values.get(&f.key).map(String::as_str).unwrap_or(""))
                .map(|p| (f.key.clone(), p))
        })
        .collect()
}

/// Keeps only what the citizen character-by-character may type into a field of this kind
/// (digits for a phone; digits and X for an ID number; the code alphabet for a USCC).
pub fn sanitize(kind: &Kind, typed: &str) -> String {
    let keep: Box<dyn Fn(char) -> bool> = match kind {
        Kind::Phone => Box::new(|c: char| c.is_ascii_digit()),
        Kind::IdNumber => Box::new(|c: char| c.is_ascii_digit() || c == 'X' || c == 'x'),
        Kind::Uscc => Box::new(|c: char| c.is_ascii_alphanumeric()),
        Kind::Date => Box::new(|c: char| c.is_ascii_digit() || c == '-'),
        Kind::Number => Box::new(|c: char| c.is_ascii_digit() || c == '.'),
        Kind::Text | Kind::Choice(_) => Box::new(|c: char| !c.is_control()),
    };
    let s: String = typed.chars().filter(|c| keep(*c)).collect();
    let s = match kind {
        Kind::IdNumber | Kind::Uscc => s.to_ascii_uppercase(),
        _ => s,
    };
    s.chars().take(kind.max_len()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Vec<Field> {
        parse(&json!([
            {"key": "name", "label": "姓名", "type": "text", "required": true, "prefill": "card.name"},
            {"key": "id_number", "label": "公民身份号码", "type": "id_number", "required": true, "prefill": "card.id_number"},
            {"key": "credit_code", "label": "统一社会信用代码", "type": "uscc", "required": true},
            {"key": "phone", "label": "联系电话", "type": "phone", "required": true},
            {"key": "delivery", "label": "领取方式", "type": "choice", "required": true, "choices": ["窗口领取", "邮寄送达"]},
            {"key": "mail_address", "label": "邮寄地址", "type": "text", "required": true, "when": {"delivery": "邮寄送达"}}
        ]))
        .unwrap()
    }

    #[test]
    fn the_sample_catalogs_forms_all_parse() {
        let catalog: serde_json::Value =
            serde_json::from_str(hall_link::sim::SAMPLE_CATALOG).unwrap();
        let mut n = 0;
        for item in catalog["items"].as_array().unwrap() {
            if let Some(form) = item.get("form").filter(|f| !f.is_null()) {
                parse(form).unwrap_or_else(|e| panic!("{}: {e}", item["code"]));
                n += 1;
            }
        }
        assert!(n >= 3);
    }

    #[test]
    fn broken_schemas_are_errors_not_panics() {
        assert!(matches!(
            parse(&json!({"a": 1})),
            Err(SchemaError::Shape(_))
        ));
        assert_eq!(parse(&json!([])), Err(SchemaError::Empty));
        assert!(matches!(
            parse(&json!([{"key": "a", "type": "colour"}])),
            Err(SchemaError::UnknownType(..))
        ));
        assert!(matches!(
            parse(&json!([{"key": "a", "type": "choice"}])),
            Err(SchemaError::NoChoices(_))
        ));
        assert!(matches!(
            parse(&json!([{"key": "a", "type": "text"}, {"key": "a", "type": "text"}])),
            Err(SchemaError::Duplicate(_))
        ));
    }

    #[test]
    fn conditional_fields_follow_the_choice() {
        let f = sample();
        let mut v = Values::new();
        assert!(!visible(&f[5], &v));
        v.insert("delivery".into(), "邮寄送达".into());
        assert!(visible(&f[5], &v));
        // Hidden fields are not checked.
        v.insert("delivery".into(), "窗口领取".into());
        assert!(!problems(&f, &v).iter().any(|(k, _)| k == "mail_address"));
    }

    #[test]
    fn each_kind_is_checked() {
        let f = sample();
        assert_eq!(check(&f[0], ""), Some(Problem::Required));
        assert_eq!(check(&f[1], "110101195003071543"), Some(Problem::IdNumber));
        assert_eq!(check(&f[1], "110101195003071542"), None);
        assert_eq!(check(&f[2], "91350100M000100Y43"), None);
        assert_eq!(check(&f[2], "91350100M000100Y44"), Some(Problem::Uscc));
        assert_eq!(check(&f[3], "12812345678"), Some(Problem::Phone));
        assert_eq!(check(&f[4], "自取"), Some(Problem::Choice));
    }

    #[test]
    fn typing_keeps_only_what_the_field_takes() {
        assert_eq!(sanitize(&Kind::Phone, "139-1234 5678 9"), "13912345678");
        assert_eq!(
            sanitize(&Kind::IdNumber, "11010119500307154x"),
            "11010119500307154X"
        );
        assert_eq!(
            sanitize(&Kind::Uscc, "91350100m000100y43"),
            "91350100M000100Y43"
        );
    }
}
