//! What the controllers ask of the services: the hall's desk and the staff's tools. The
//! services implement these (`crate::services`); the controllers see only the traits, so
//! screenshots and tests can run a kiosk with none.

use super::catalog::GuideItem;
use super::*;

/// The hall backend and the printer, as the citizen flows use them. Each call returns at
/// once; its answer arrives as an [`AppEvent`] carrying the `request` number given here.
pub trait Desk {
    /// Issues a ticket (backend, or an offline number); answers with `AppEvent::Ticket`.
    fn take_ticket(&self, request: u64, order: TicketOrder);
    /// Checks in an appointment; answers with `AppEvent::Checkin`.
    fn check_in(&self, request: u64, key: CheckinKey);
    /// Prints a ticket; answers with `AppEvent::Printed`.
    fn print_ticket(&self, request: u64, ticket: &IssuedTicket, names: &TicketNames);
    /// Reprints a ticket the card holder already holds, known by its number; answers with
    /// `AppEvent::Printed`.
    fn reprint_held(&self, request: u64, ticket_no: &str, names: &TicketNames);
    /// Whether the backend answered lately (booking and payments are not offered offline).
    fn online(&self) -> bool;
    /// Lists the slots of a matter on a day; answers with `AppEvent::Slots`.
    fn list_slots(&self, request: u64, item: &str, date: time::Date);
    /// Cancels an appointment; answers with `AppEvent::AppointmentCancelled`.
    fn cancel_appointment(&self, request: u64, appointment_no: &str);
    /// Books an appointment; answers with `AppEvent::Booked`.
    fn book(&self, request: u64, order: super::booking::BookingOrder);
    /// Prints an appointment slip; answers with `AppEvent::AppointmentPrinted`.
    fn print_appointment(
        &self,
        request: u64,
        booked: &super::booking::Booked,
        holder: &CardHolder,
        item: &str,
    );
    /// Makes a payment order (its key committed first); answers with `AppEvent::PayCreated`.
    fn pay_create(&self, request: u64, order: super::payment::PayOrder);
    /// Asks where an order stands; answers with `AppEvent::PayPolled`.
    fn pay_poll(&self, request: u64, key: &str);
    /// Cancels an order (a paid one stays paid); answers with `AppEvent::PayCancelled`.
    fn pay_cancel(&self, request: u64, key: &str);
    /// Prints a paid order's receipt; answers with `AppEvent::PaymentPrinted`.
    fn print_payment(&self, request: u64, receipt: super::payment::PaidReceipt);
    /// Commits a self-service submission and prints its receipt; answers with
    /// `AppEvent::Submitted`.
    fn submit(&self, request: u64, order: SubmissionOrder);
    /// Looks up cases; answers with `AppEvent::Progress`.
    fn progress(&self, request: u64, key: ProgressKey);
    /// Prints a service's material checklist; answers with `AppEvent::ChecklistPrinted`.
    fn print_checklist(&self, request: u64, item: &GuideItem, windows: &str);
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

/// What staff actions do; the services implement it.
pub trait StaffActions {
    /// The current status lines.
    fn status(&self) -> Vec<StatusLine>;
    /// Runs an action ("test-print", "paper-replaced", "reprint", "flush"); returns a short
    /// notice for the screen.
    fn act(&self, action: &str) -> Phrase;
    /// Records a staff action for the audit log and the backend; `who` is "pin" or the
    /// staff id of a signed code.
    fn audit(&self, who: &str, what: &str);
    /// The kiosk was taken out of service (with the reason's code) or back; the status lamp
    /// and heartbeat follow, and the state outlives a restart.
    fn set_out_of_service(&self, _on: bool, _reason: &str) {}
    /// Staff mode was locked after wrong PINs (an alert until staff next sign in).
    fn set_staff_locked(&self, _on: bool) {}
    /// The PIN gate's state kept across restarts (none: a fresh gate).
    fn load_gate(&self) -> Option<crate::flows::staff::GateState> {
        None
    }
    /// Keeps the PIN gate's state, so a restart is no free reset for a PIN guesser.
    fn save_gate(&self, _state: crate::flows::staff::GateState) {}
    /// A citizen's help call is open at this kiosk.
    fn help_open(&self) -> bool {
        false
    }
    /// Dead letters: (key, kind, why the backend refused it).
    fn dead_letters(&self) -> Vec<(String, String, Phrase)> {
        Vec::new()
    }
    /// Retries ("retry") or discards ("discard") a dead letter; a notice for the screen.
    fn dead_letter(&self, _key: &str, _action: &str) -> Phrase {
        Phrase::new("not-available")
    }
}

/// A kiosk without services (screenshots, early start): status unknown, actions refused.
pub struct NoServices;

impl StaffActions for NoServices {
    fn status(&self) -> Vec<StatusLine> {
        Vec::new()
    }
    fn act(&self, _action: &str) -> Phrase {
        Phrase::new("not-available")
    }
    fn audit(&self, who: &str, what: &str) {
        tracing::info!(target: "audit", message_id = hall_link::journal::AUDIT, staff = who, "staff: {what}");
    }
}
