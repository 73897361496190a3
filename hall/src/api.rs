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

/// One staff action at the kiosk, for the hall's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAction {
    /// RFC 3339, the kiosk's clock when it happened (delivery may come later).
    pub at: String,
    /// "pin" (the shared staff PIN) or the staff id from a signed staff QR code.
    pub staff: String,
    /// What was done, e.g. "signed in", "paper-replaced", "out of service: on (paper jam)".
    pub action: String,
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

/// The applicant of a self-service submission. `Debug` masks the ID number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionApplicant {
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

impl std::fmt::Debug for SubmissionApplicant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubmissionApplicant")
            .field("name", &"***")
            .field("id_number", &mask(&self.id_number))
            .field("phone", &"***")
            .finish()
    }
}

/// What the citizen says of one material of the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialStatus {
    /// Brought to the window with the pickup, or already held by the hall.
    Provided,
    /// Shared electronically between departments (免提交).
    Shared,
    /// To be supplied later under a signed commitment (容缺受理 / 告知承诺).
    Commitment,
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedMaterial {
    pub name: String,
    pub status: MaterialStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    Pickup,
    Mail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub method: DeliveryMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// POST /submissions
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionRequest {
    pub item_code: String,
    pub applicant: SubmissionApplicant,
    pub form: serde_json::Map<String, serde_json::Value>,
    pub materials: Vec<SubmittedMaterial>,
    pub commitment_accepted: bool,
    pub delivery: Delivery,
}

/// 201 answer of POST /submissions
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionAnswer {
    pub receipt_no: String,
    pub status: String,
    #[serde(default)]
    pub promised_date: Option<String>,
    #[serde(default)]
    pub track_url: String,
}

/// POST /progress: by receipt number, by the idempotency key printed on a provisional
/// receipt, or by ID number (a POST so the number never sits in a URL or an access log).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProgressQuery {
    Receipt { receipt_no: String },
    Key { key: String },
    IdNumber { id_number: String },
}

impl std::fmt::Debug for ProgressQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProgressQuery::Receipt { receipt_no } => write!(f, "Receipt({receipt_no})"),
            ProgressQuery::Key { key } => write!(f, "Key({key})"),
            ProgressQuery::IdNumber { id_number } => write!(f, "IdNumber({})", mask(id_number)),
        }
    }
}

/// One case in a progress answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub receipt_no: String,
    pub item_name: String,
    /// received | accepted | in_review | approved | rejected | ready_for_pickup | mailed |
    /// completed; the kiosk adds "waiting_to_send" for what is still in its outbox.
    pub status: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub next_step: Option<String>,
    #[serde(default)]
    pub pickup_window: Option<String>,
    #[serde(default)]
    pub tracking_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressAnswer {
    pub cases: Vec<Case>,
    /// A card holder's open appointments (queried by ID number only).
    #[serde(default)]
    pub appointments: Vec<OpenAppointment>,
}

/// An appointment booked and not yet checked in or cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAppointment {
    pub appointment_no: String,
    pub item_code: String,
    pub item_name: String,
    /// RFC 3339 with offset.
    pub start: String,
    pub end: String,
}

/// POST /services/recent: what a card holder was served recently, to rate one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentService {
    #[serde(rename = "ref")]
    pub reference: ServiceRef,
    /// The category or item, as the citizen knows it.
    pub name: String,
    /// YYYY-MM-DD
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentServices {
    pub services: Vec<RecentService>,
}

// ---- booking and payments (issue 22) ----------------------------------------------------

/// One bookable slot of an item on a day (GET /slots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub slot_id: String,
    /// RFC 3339 with offset.
    pub start: String,
    pub end: String,
    /// Seats left.
    pub left: u32,
}

/// GET /slots?item=CODE&date=YYYY-MM-DD
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slots {
    pub item_code: String,
    /// YYYY-MM-DD
    pub date: String,
    pub slots: Vec<Slot>,
}

/// The card holder booking an appointment. `Debug` masks the ID number and the phone.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingApplicant {
    pub name: String,
    pub id_number: String,
    /// Always sent; null when none.
    pub phone: Option<String>,
}

impl std::fmt::Debug for BookingApplicant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookingApplicant")
            .field("name", &"***")
            .field("id_number", &mask(&self.id_number))
            .field("phone", &self.phone.as_ref().map(|_| "***"))
            .finish()
    }
}

/// POST /appointments
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentRequest {
    pub item_code: String,
    pub slot_id: String,
    pub applicant: BookingApplicant,
}

/// 201 answer of POST /appointments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booked {
    pub appointment_no: String,
    /// The check-in code (the slip's QR carries `hk:appt:v1:<hall_id>:<code>`).
    pub code: String,
    pub item_code: String,
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub windows: Vec<String>,
}

/// What a payment is for: `{"receipt_no": ".."}`, `{"appointment_no": ".."}` or
/// `{"item_code": ".."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentRef {
    ReceiptNo(String),
    AppointmentNo(String),
    ItemCode(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentItem {
    pub name: String,
    pub amount_fen: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    /// The kiosk shows the order's QR code; the citizen scans it with a wallet (主扫).
    Qr,
    /// The kiosk's scanner reads the wallet's payment code (被扫).
    Paycode,
}

/// POST /payments. `Debug` never shows the paycode: it is a bearer credential for the
/// citizen's money.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    #[serde(rename = "ref")]
    pub reference: PaymentRef,
    pub amount_fen: u64,
    pub items: Vec<PaymentItem>,
    pub method: PayMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paycode: Option<String>,
}

impl std::fmt::Debug for PaymentRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentRequest")
            .field("reference", &self.reference)
            .field("amount_fen", &self.amount_fen)
            .field("items", &self.items)
            .field("method", &self.method)
            .field("paycode", &self.paycode.as_ref().map(|_| "***"))
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    Paid,
    Failed,
    Expired,
    Cancelled,
}

/// 201 answer of POST /payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentOrder {
    pub payment_no: String,
    pub status: PaymentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_url: Option<String>,
    pub expires_at: String,
}

/// GET /payments/{payment_no}
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentState {
    pub payment_no: String,
    pub status: PaymentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub einvoice_url: Option<String>,
}
