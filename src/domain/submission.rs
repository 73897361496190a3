//! Self-service submissions (自助申报) and progress queries (进度查询).

use std::collections::BTreeMap;

use super::card::CardHolder;
use super::privacy::mask_id;
use super::PrintOutcome;

/// How a material is handed in with a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaterialStatus {
    /// The citizen has it with them / uploads it.
    Provided,
    /// Shared electronically between departments (免提交).
    Shared,
    /// Brought later under a written commitment (容缺受理).
    Commitment,
    Missing,
}

/// A self-service submission, as the citizen filled it in.
#[derive(Clone, PartialEq, Eq)]
pub struct SubmissionOrder {
    pub item_code: String,
    pub item_name: String,
    pub holder: CardHolder,
    pub phone: String,
    pub form: BTreeMap<String, String>,
    pub materials: Vec<(String, MaterialStatus)>,
    pub commitment_accepted: bool,
    /// None: pickup at the window.
    pub mail_to: Option<String>,
}

/// Written by hand: the form holds personal data; logs get the item and sizes only.
impl std::fmt::Debug for SubmissionOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubmissionOrder")
            .field("item_code", &self.item_code)
            .field("holder", &self.holder)
            .field("fields", &self.form.len())
            .field("materials", &self.materials.len())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitReceipt {
    pub receipt_no: String,
    /// The backend was unreachable: the number is the kiosk's own until it is delivered.
    pub provisional: bool,
    pub promised_date: Option<String>,
    pub printed: PrintOutcome,
}

/// Why a submission was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitFailure {
    /// The backend refused it; the interface's error code (e.g. `invalid_form`).
    #[error("refused by the backend: {0}")]
    Refused(String),
    /// It could not be committed on the kiosk.
    #[error("could not be saved on the kiosk")]
    Store,
}

/// How a citizen asks for progress.
#[derive(Clone, PartialEq, Eq)]
pub enum ProgressKey {
    /// A receipt number, or the key on a provisional receipt's QR code.
    Receipt(String),
    IdNumber(String),
}

impl std::fmt::Debug for ProgressKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProgressKey::Receipt(r) => write!(f, "Receipt({r})"),
            ProgressKey::IdNumber(i) => write!(f, "IdNumber({})", mask_id(i)),
        }
    }
}

/// One case of a progress answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub receipt_no: String,
    pub item_name: String,
    /// received | accepted | in_review | approved | rejected | ready_for_pickup | mailed |
    /// completed, or waiting_to_send for what is still on this kiosk.
    pub status: String,
    pub updated_at: String,
    pub next_step: Option<String>,
    pub pickup_window: Option<String>,
    pub tracking_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressFound {
    pub cases: Vec<Case>,
    /// The card holder's open appointments (a query by ID card only).
    pub appointments: Vec<super::booking::OpenAppointment>,
    /// Only what this kiosk still holds could be listed.
    pub offline: bool,
}

/// Why no cases could be listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProgressFailure {
    /// The backend could not be asked and the kiosk holds nothing for this key.
    #[error("backend unreachable")]
    Offline,
    /// The backend answered with an error.
    #[error("query failed")]
    Failed,
}
