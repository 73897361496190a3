//! Printing slips for the flows. Each call blocks on the printer's wire, so callers run it
//! on the blocking pool.

use crate::domain::catalog::GuideItem;
use crate::domain::{IssuedTicket, PrintOutcome, TicketNames};
use crate::health::Metrics;
use crate::printing::PrintService;

/// Prints a ticket; the touch screen and `kiosk ticket take` both come here.
pub fn ticket(
    printer: Option<&PrintService>,
    metrics: &Metrics,
    ticket: &IssuedTicket,
    names: &TicketNames,
) -> PrintOutcome {
    let outcome = printer.map_or(PrintOutcome::PrinterOffline, |p| p.ticket(ticket, names));
    metrics.count_print("ticket", outcome);
    outcome
}

/// Reprints a ticket the citizen already holds (one per person and category).
pub fn reprint_held(
    printer: Option<&PrintService>,
    metrics: &Metrics,
    ticket_no: &str,
    names: &TicketNames,
) -> PrintOutcome {
    let outcome = printer.map_or(PrintOutcome::PrinterOffline, |p| {
        p.reprint_held(ticket_no, names)
    });
    metrics.count_print("ticket", outcome);
    outcome
}

pub fn checklist(
    printer: Option<&PrintService>,
    metrics: &Metrics,
    item: &GuideItem,
    windows: &str,
) -> PrintOutcome {
    let outcome = printer.map_or(PrintOutcome::PrinterOffline, |p| p.checklist(item, windows));
    metrics.count_print("checklist", outcome);
    outcome
}
