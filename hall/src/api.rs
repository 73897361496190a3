//! Interface v1 between the kiosk and the hall backend (docs/hall-api.yaml): request and
//! answer bodies. Unknown fields in answers are ignored, so a newer backend does not break
//! an older kiosk.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    WalkIn,
    IdCard,
    Appointment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Elderly,
    Disabled,
    Pregnant,
    Other,
}

/// A card holder as the backend needs it. `Debug` masks the ID number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub id_number: String,
}

impl std::fmt::Debug for Applicant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Applicant")
            .field("name", &"***")
            .field("id_number", &mask(&self.id_number))
            .finish()
    }
}

/// `110***********1542`: first 3 and last 4 characters.
pub fn mask(id: &str) -> String {
    let c: Vec<char> = id.chars().collect();
    if c.len() < 8 {
        return "*".repeat(c.len());
    }
    let mut s: String = c[..3].iter().collect();
    s.push_str(&"*".repeat(c.len() - 7));
    s.extend(&c[c.len() - 4..]);
    s
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRequest {
    pub category: String,
    pub source: Source,
    pub priority: Option<Priority>,
    pub applicant: Option<Applicant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub ticket_no: String,
    pub category: String,
    pub waiting_ahead: u32,
    pub est_wait_min: u32,
    /// RFC 3339 with offset.
    pub issued_at: String,
    pub track_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub item: String,
    pub slot: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInAnswer {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub appointment: Appointment,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CheckInRequest {
    Code { code: String },
    IdNumber { id_number: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketBlockRequest {
    pub category: String,
    pub size: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketBlock {
    pub block_id: String,
    pub category: String,
    pub numbers: Vec<String>,
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineTicketReport {
    pub block_id: String,
    pub ticket_no: String,
    pub category: String,
    pub source: Source,
    pub priority: Option<Priority>,
    pub applicant: Option<Applicant>,
    pub issued_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCategory {
    pub code: String,
    pub waiting: u32,
    pub est_wait_min: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStatus {
    pub updated_at: String,
    pub categories: Vec<QueueCategory>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub kiosk_id: String,
    pub version: String,
    pub uptime_s: u64,
    pub devices: serde_json::Value,
    pub outbox: OutboxFigures,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxFigures {
    pub pending: u64,
    pub dead: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpRequest {
    pub screen: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ServiceRef {
    Ticket { ticket_no: String },
    Receipt { receipt_no: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRequest {
    #[serde(rename = "ref")]
    pub reference: ServiceRef,
    pub level: u8,
    pub reasons: Vec<String>,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintRequest {
    pub kind: String,
    pub text: String,
    pub phone: Option<String>,
    #[serde(rename = "ref")]
    pub reference: Option<ServiceRef>,
}

/// `{"error": "code", "message": "text"}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    #[serde(default)]
    pub message: String,
}
