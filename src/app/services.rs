//! What the controllers need from the world, as the app sees it: the hall backend's
//! ticket desk, the printer, and the events of the card reader and the scanner. The
//! implementations (src/runtime.rs) drive the real drivers and hall-link on tokio; results
//! come back to the UI thread as [`AppEvent`]s.

use time::{Date, OffsetDateTime};

use crate::flows::ticket::Priority;

/// How a ticket was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    WalkIn,
    IdCard,
    Appointment,
}

/// An ID card as the flows need it; the ID number stays whole only in memory for the
/// backend request and is wiped with the session.
#[derive(Clone, PartialEq, Eq)]
pub struct CardHolder {
    pub name: String,
    pub id_number: String,
    pub birth: Option<Date>,
    /// None: 长期 (long-term).
    pub valid_until: Option<Date>,
    /// False for a card type the hall cannot take (e.g. unknown type).
    pub usable: bool,
    /// The address on the card (residence cards); prefills forms, never shown whole.
    pub address: String,
}

impl std::fmt::Debug for CardHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardHolder")
            .field("name", &crate::flows::privacy::mask_name(&self.name))
            .field(
                "id_number",
                &crate::flows::privacy::mask_id(&self.id_number),
            )
            .field("birth", &self.birth)
            .field("valid_until", &self.valid_until)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct TicketOrder {
    pub category: String,
    pub source: Source,
    pub priority: Option<Priority>,
    pub applicant: Option<CardHolder>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTicket {
    pub ticket_no: String,
    pub category: String,
    pub waiting_ahead: u32,
    pub est_wait_min: u32,
    pub issued_at: OffsetDateTime,
    pub track_url: String,
    pub offline: bool,
    /// (item, slot) for appointment tickets.
    pub appointment: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketFailure {
    /// Backend unreachable and no reserved offline number left.
    NoOfflineNumbers,
    /// The backend refused (unknown category, closed); the text is for the log.
    Refused(String),
    /// The kiosk cannot issue tickets at all (auth failure, store broken).
    Unavailable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinKey {
    /// The bare code of an `hk:appt:v1:<hall>:<code>` QR payload.
    Code(String),
    IdNumber(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinFailure {
    NotFound,
    OtherHall,
    AlreadyUsed,
    Offline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintOutcome {
    Printed,
    PrintedPaperLow,
    PaperOut,
    PrinterOffline,
}

/// Live waiting figures of one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFigures {
    pub category: String,
    pub waiting: u32,
    pub est_wait_min: u32,
}

/// A QR code seen by the scanner, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannedCode {
    Appointment(String),
    OtherHallAppointment,
    Ticket {
        date: String,
        ticket_no: String,
    },
    Receipt(String),
    /// A staff code with a valid signature; `expires` is Unix seconds.
    Staff {
        staff_id: String,
        expires: i64,
    },
    BadSignature,
    Unknown,
}

/// What a rating or complaint refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceRef {
    Ticket { date: String, ticket_no: String },
    Receipt(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingOrder {
    pub reference: ServiceRef,
    /// 1 (非常不满意) ..= 5 (非常满意)
    pub level: u8,
    pub reasons: Vec<String>,
    pub comment: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingResult {
    Accepted,
    /// Committed on the kiosk; delivered when the link returns.
    Queued,
    AlreadyRated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintOrder {
    /// "complaint" | "suggestion" | "not_done"
    pub kind: String,
    pub text: String,
    pub phone: Option<String>,
    pub reference: Option<ServiceRef>,
}

/// Everything that reaches the UI thread from elsewhere.
#[derive(Debug, Clone)]
pub enum AppEvent {
    CardPresented(CardHolder),
    CardUnreadable(String),
    CardRemoved,
    ReaderOffline,
    ReaderBack,
    Scanned(ScannedCode),
    Ticket {
        request: u64,
        result: Result<IssuedTicket, TicketFailure>,
    },
    Checkin {
        request: u64,
        result: Result<IssuedTicket, CheckinFailure>,
    },
    Printed {
        request: u64,
        outcome: PrintOutcome,
    },
    Queue(Vec<QueueFigures>),
    Catalog(serde_json::Value),
    /// A help call was registered (request number from the backend, or None offline), or
    /// staff cleared it (`cleared`).
    Help {
        request: u64,
        request_no: Option<String>,
        cleared: bool,
    },
    Rated {
        request: u64,
        result: RatingResult,
    },
    Complained {
        request: u64,
        complaint_no: String,
        provisional: bool,
        /// The slip with the number; None when there was nothing to print.
        slip: Option<PrintOutcome>,
    },
    /// A self-service submission was committed (and its receipt printed), or refused.
    Submitted {
        request: u64,
        result: Result<SubmitReceipt, String>,
    },
    /// The cases found for a progress query; Err: the backend could not be asked and the
    /// kiosk holds nothing for this key.
    Progress {
        request: u64,
        result: Result<ProgressFound, String>,
    },
    /// A card holder's recent services, to rate one; Err when the backend cannot say.
    RecentServices {
        request: u64,
        result: Result<Vec<RecentService>, String>,
    },
    /// A material checklist was printed, or why not.
    ChecklistPrinted {
        request: u64,
        outcome: PrintOutcome,
    },
    /// The physical help button was pressed.
    HelpButton,
    /// The presence sensor (PIR) saw someone come up to the kiosk.
    Presence,
    /// The demo's control keys act on the simulators.
    DemoStatus(String),
}

/// A self-service submission, as the citizen filled it in.
#[derive(Clone)]
pub struct SubmissionOrder {
    pub item_code: String,
    pub item_name: String,
    pub holder: CardHolder,
    pub phone: String,
    pub form: std::collections::BTreeMap<String, String>,
    /// (material name, "provided" | "shared" | "commitment" | "missing")
    pub materials: Vec<(String, String)>,
    pub commitment_accepted: bool,
    /// None: pickup at the window.
    pub mail_to: Option<String>,
}

impl std::fmt::Debug for SubmissionOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubmissionOrder")
            .field("item_code", &self.item_code)
            .field("holder", &self.holder)
            .field("fields", &self.form.len())
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
            ProgressKey::IdNumber(i) => {
                write!(f, "IdNumber({})", crate::flows::privacy::mask_id(i))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressFound {
    pub cases: Vec<hall_link::api::Case>,
    /// Only what this kiosk still holds could be listed.
    pub offline: bool,
}

/// A service a card holder was given recently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentService {
    pub reference: ServiceRef,
    pub name: String,
    pub date: String,
}

/// The hall backend, as the ticket flows use it. Answers arrive as [`AppEvent`]s carrying
/// the `request` number given here, so a late answer for an abandoned flow is ignored.
pub trait Desk {
    fn take_ticket(&self, request: u64, order: TicketOrder);
    fn check_in(&self, request: u64, key: CheckinKey, holder: Option<CardHolder>);
    /// Prints a ticket; answers with `AppEvent::Printed`.
    fn print_ticket(&self, request: u64, ticket: &IssuedTicket, category_name: &str, windows: &str);
    /// Commits a self-service submission and prints its receipt; answers with
    /// `AppEvent::Submitted`.
    fn submit(&self, request: u64, order: SubmissionOrder);
    /// Looks up cases; answers with `AppEvent::Progress`.
    fn progress(&self, request: u64, key: ProgressKey);
    /// Prints a service's material checklist; answers with `AppEvent::ChecklistPrinted`.
    fn print_checklist(&self, request: u64, item: &crate::flows::guide::GuideItem, windows: &str);
    /// Asks for fresh queue figures; answers with `AppEvent::Queue`.
    fn refresh_queue(&self);
    /// Calls staff to the kiosk (help lamp, buzzer, backend request) or, with `on` false,
    /// ends the call. Answers with `AppEvent::Help`.
    fn call_help(&self, request: u64, screen: &str, on: bool);
    /// The card holder's recent services; answers with `AppEvent::RecentServices`.
    fn recent_services(&self, request: u64, id_number: String);
    /// Rates a service; answers with `AppEvent::Rated`.
    fn rate(&self, request: u64, order: RatingOrder);
    /// Files a complaint and prints its slip; answers with `AppEvent::Complained`.
    fn complain(&self, request: u64, order: ComplaintOrder);
}
