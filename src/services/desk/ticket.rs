//! Issuing a queue ticket and checking in an appointment: the backend, or (for walk-ins)
//! a number from the offline block; either way committed before the citizen sees it.

use hall_link::{CheckInError, HallLink, TicketError};

use crate::domain::{CheckinFailure, CheckinKey, IssuedTicket, TicketFailure, TicketOrder};
use crate::health::Metrics;
use crate::services::convert::issued;

/// Issues a ticket; the touch screen and `kiosk ticket take` both come here.
pub async fn issue(
    link: &HallLink,
    metrics: &Metrics,
    order: &TicketOrder,
) -> Result<IssuedTicket, TicketFailure> {
    let started = std::time::Instant::now();
    match link.take_ticket(order.into()).await {
        Ok(t) => {
            tracing::info!(ticket = %t.ticket.ticket_no, offline = t.offline, "ticket issued");
            metrics
                .ticket_seconds
                .observe(started.elapsed().as_secs_f64());
            metrics
                .tickets
                .get_or_create(&vec![(
                    "mode",
                    if t.offline { "offline" } else { "online" },
                )])
                .inc();
            Ok(issued(&t.ticket, t.offline, order.priority, None))
        }
        Err(TicketError::NoOfflineNumbers(_)) => Err(TicketFailure::NoOfflineNumbers),
        Err(TicketError::Refused(why)) => Err(TicketFailure::Refused(why)),
        Err(TicketError::Limit { open_ticket }) => Err(TicketFailure::Limit { open_ticket }),
        Err(e) => Err(TicketFailure::Unavailable(e.to_string())),
    }
}

/// Checks in an appointment: the backend issues its ticket. There is no offline path, since
/// only the backend knows the appointment.
pub async fn check_in(link: &HallLink, key: CheckinKey) -> Result<IssuedTicket, CheckinFailure> {
    match link.check_in(key.into()).await {
        Ok(c) => Ok(issued(
            &c.answer.ticket,
            false,
            None,
            Some((c.answer.appointment.item, c.answer.appointment.slot)),
        )),
        Err(CheckInError::NotFound) => Err(CheckinFailure::NotFound),
        Err(CheckInError::AlreadyUsed) => Err(CheckinFailure::AlreadyUsed),
        Err(CheckInError::OtherHall) => Err(CheckinFailure::OtherHall),
        Err(_) => Err(CheckinFailure::Offline),
    }
}
