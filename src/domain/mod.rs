//! The kiosk's own types and rules: no Slint, no I/O. Everything above (flows, services,
//! controllers) speaks in these words; the conversions to and from the hall interface's
//! types live in `crate::services::convert`.
//!
//! - tickets, check-ins and queue figures; cards; scanned codes; print outcomes;
//!   submissions and progress; ratings and complaints; status lines;
//! - [`AppEvent`]: what reaches the UI thread; [`Desk`] and [`StaffActions`]: what the
//!   controllers ask of the services (the services implement them);
//! - [`catalog`]: the hall's service catalog (guides, materials, search);
//! - [`booking`]: the hall's working days, slots and appointments booked at the kiosk;
//! - [`payment`]: fees paid at the kiosk and where an order stands;
//! - [`hours`]: opening hours; [`privacy`]: masking of names and ID numbers;
//! - [`voice`]: what the kiosk says aloud (prompts, spoken ticket numbers) and when;
//! - [`update`]: when a software update may be installed and the kiosk restarted into it.

pub mod booking;
pub mod catalog;
mod catalog_text;
pub mod hours;
pub mod payment;
pub mod privacy;
pub mod update;
pub mod voice;

mod card;
mod events;
mod feedback;
mod ports;
mod print;
mod scan;
mod status;
mod submission;
mod ticket;

pub use card::CardHolder;
pub use events::AppEvent;
pub use feedback::{
    ComplaintKind, ComplaintOrder, RatingOrder, RatingResult, RecentService, ServiceRef,
};
pub use ports::{Desk, NoServices, StaffActions};
pub use print::{PrintOutcome, TibetanNames, TicketNames};
pub use scan::{ScannedCode, StaffRefusal};
pub use status::{Level, Phrase, StatusLine};
pub use submission::{
    Case, MaterialStatus, ProgressFailure, ProgressFound, ProgressKey, SubmissionOrder,
    SubmitFailure, SubmitReceipt,
};
pub use ticket::{
    CheckinFailure, CheckinKey, IssuedTicket, Priority, QueueFigures, Source, TicketFailure,
    TicketOrder,
};
