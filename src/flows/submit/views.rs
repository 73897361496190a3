//! What the filing's pages show, and the order sent: built from the flow's state, with
//! personal data masked wherever the screen would otherwise show it whole.

use std::collections::BTreeMap;

use super::{Effect, SubmitFlow};
use crate::domain::catalog::Text;
use crate::domain::privacy::mask_id;
use crate::domain::{MaterialStatus, PrintOutcome, SubmissionOrder};
use crate::flows::form::{self, Field, Kind, Prefill, Problem};

/// The flow's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Pick,
    Card,
    Form,
    Materials,
    Review,
    Sending,
    Done,
    Failed,
}

/// Why the card on the reader cannot identify the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardProblem {
    ReadFailed,
    ReaderOffline,
    Expired,
}

/// Why the materials page does not go on to the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaterialsProblem {
    /// A required material is marked missing.
    Missing,
    /// Something is to come later under commitment, and the commitment is not accepted.
    Commitment,
    /// By post, with no address.
    Address,
}

/// Why nothing was filed, as the citizen is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The matter cannot be filed here (unknown, or its form is unusable): ask at a window.
    Broken,
    /// Not committed on the kiosk.
    Store,
    Refused,
}

/// What became of the receipt slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintState {
    Printed,
    PaperOut,
    Failed,
}

/// The keys the on-screen keyboard opens with for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    Pinyin,
    Letters,
    Digits,
}

/// A matter on the list to pick from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub name: Text,
}

/// One visible field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    pub key: String,
    pub label: String,
    pub kind: Kind,
    /// As shown: an ID number from the card is masked.
    pub value: String,
    /// None until the value can be judged, or "Next" was pressed.
    pub problem: Option<Problem>,
    pub from_card: bool,
    pub required: bool,
    /// The choices of a choice field; empty for the others.
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialRow {
    pub name: Text,
    /// What the commitment allows, when the material may come later.
    pub note: Text,
    pub status: MaterialStatus,
    pub can_commit: bool,
}

/// The materials page as a whole: the rows, the commitment, the delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialsView {
    pub materials: Vec<MaterialRow>,
    /// Something comes later, so the commitment must be read and accepted.
    pub commitment_needed: bool,
    pub commitment_accepted: bool,
    pub mail: bool,
    pub address: String,
    pub problem: Option<MaterialsProblem>,
    pub focused: String,
}

/// A line of the review page; the screen puts the kiosk's own words around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewRow {
    /// A form field and what the citizen gave (an ID number masked).
    Field { label: String, value: String },
    /// A material and how it is supplied.
    Material { name: Text, status: MaterialStatus },
    /// Picked up at the window, or posted to `address`.
    Delivery { mail: bool, address: String },
}

/// Whether a field's value came from the card and is shown, not typed. The address is
/// prefilled but editable: people move.
pub(super) fn from_card(f: &Field) -> bool {
    matches!(f.prefill, Some(Prefill::Name | Prefill::IdNumber))
}

/// Paper running low still printed the receipt; the citizen need not hear of it.
pub(super) fn print_state(outcome: PrintOutcome) -> PrintState {
    match outcome {
        PrintOutcome::Printed | PrintOutcome::PrintedPaperLow => PrintState::Printed,
        PrintOutcome::PaperOut => PrintState::PaperOut,
        PrintOutcome::PrinterOffline => PrintState::Failed,
    }
}

impl SubmitFlow {
    pub(super) fn form_view(&self) -> Effect {
        let fields = self
            .fields
            .iter()
            .filter(|f| form::visible(f, &self.values))
            .map(|f| {
                let value = self.values.get(&f.key).cloned().unwrap_or_default();
                let problem = if self.shown.contains(&f.key) {
                    form::check(f, &value)
                } else {
                    None
                };
                let value = if f.kind == Kind::IdNumber && from_card(f) {
                    mask_id(&value)
                } else {
                    value
                };
                FieldRow {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    kind: f.kind.clone(),
                    value,
                    problem,
                    from_card: from_card(f),
                    required: f.required,
                    choices: match &f.kind {
                        Kind::Choice(c) => c.clone(),
                        _ => Vec::new(),
                    },
                }
            })
            .collect();
        Effect::Form {
            fields,
            focused: self.focused.clone(),
        }
    }

    pub(super) fn materials_view(&self) -> Effect {
        Effect::Materials(MaterialsView {
            materials: self
                .materials
                .iter()
                .map(|m| MaterialRow {
                    name: m.name.clone(),
                    note: m.note.clone(),
                    status: m.status,
                    can_commit: m.can_commit,
                })
                .collect(),
            commitment_needed: self
                .materials
                .iter()
                .any(|m| m.status == MaterialStatus::Commitment),
            commitment_accepted: self.commitment,
            mail: self.mail,
            address: self.address.clone(),
            problem: self.materials_problem,
            focused: self.focused.clone(),
        })
    }

    pub(super) fn review_rows(&self) -> Vec<ReviewRow> {
        let mut rows: Vec<ReviewRow> = self
            .fields
            .iter()
            .filter(|f| form::visible(f, &self.values))
            .map(|f| {
                let v = self.values.get(&f.key).cloned().unwrap_or_default();
                // Someone may read over the citizen's shoulder: no ID number whole.
                let v = if f.kind == Kind::IdNumber {
                    mask_id(&v)
                } else {
                    v
                };
                ReviewRow::Field {
                    label: f.label.clone(),
                    value: v,
                }
            })
            .collect();
        rows.extend(self.materials.iter().map(|m| ReviewRow::Material {
            name: m.name.clone(),
            status: m.status,
        }));
        rows.push(ReviewRow::Delivery {
            mail: self.mail,
            address: if self.mail {
                self.address.clone()
            } else {
                String::new()
            },
        });
        rows
    }

    /// The order as filed; None before a matter and a card holder are known.
    pub(super) fn order(&self) -> Option<SubmissionOrder> {
        let (item, holder) = (self.item.as_ref()?, self.holder.clone()?);
        // A field hidden by a later choice may still hold what was typed before; it is
        // not part of what the citizen files.
        let form: BTreeMap<String, String> = self
            .fields
            .iter()
            .filter(|f| form::visible(f, &self.values))
            .filter_map(|f| self.values.get(&f.key).map(|v| (f.key.clone(), v.clone())))
            .collect();
        let phone = self
            .fields
            .iter()
            .find(|f| f.kind == Kind::Phone)
            .and_then(|f| self.values.get(&f.key).cloned())
            .unwrap_or_default();
        Some(SubmissionOrder {
            item_code: item.code.clone(),
            item_name: item.name.clone(),
            holder,
            phone,
            form,
            materials: self
                .materials
                .iter()
                .map(|m| (m.name.zh.clone(), m.status))
                .collect(),
            commitment_accepted: self.commitment,
            mail_to: self.mail.then(|| self.address.trim().to_string()),
        })
    }
}
