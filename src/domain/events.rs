//! Everything that reaches the UI thread from the devices and the services.

use super::*;

/// An event for the UI thread. Answers carry the `request` number their order was given,
/// so a late answer for a flow the citizen left is ignored.
#[derive(Debug, Clone)]
pub enum AppEvent {
    CardPresented(CardHolder),
    /// The card could not be read; the driver's error kind, for the log.
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
    /// The complaint could not be committed on the kiosk: nothing was kept.
    ComplaintNotSaved {
        request: u64,
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
        result: Result<SubmitReceipt, SubmitFailure>,
    },
    Progress {
        request: u64,
        result: Result<ProgressFound, ProgressFailure>,
    },
    /// A card holder's recent services, to rate one; Err when the backend cannot say.
    RecentServices {
        request: u64,
        result: Result<Vec<RecentService>, ProgressFailure>,
    },
    /// A material checklist was printed, or why not.
    ChecklistPrinted {
        request: u64,
        outcome: PrintOutcome,
    },
    Slots {
        request: u64,
        result: Result<Vec<super::booking::BookSlot>, super::booking::BookingFailure>,
    },
    Booked {
        request: u64,
        result: Result<super::booking::Booked, super::booking::BookingFailure>,
    },
    AppointmentCancelled {
        request: u64,
        result: Result<(), super::booking::BookingFailure>,
    },
    AppointmentPrinted {
        request: u64,
        outcome: PrintOutcome,
    },
    PayCreated {
        request: u64,
        result: Result<super::payment::Payment, super::payment::PayFailure>,
    },
    PayPolled {
        request: u64,
        result: Result<super::payment::Payment, super::payment::PayFailure>,
    },
    PayCancelled {
        request: u64,
        result: Result<super::payment::Payment, super::payment::PayFailure>,
    },
    PaymentPrinted {
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
