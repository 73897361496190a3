//! 好差评 and 投诉建议 as state machines without I/O: the controller feeds them what the
//! citizen and the devices did and carries out what they ask (show a screen, write a
//! field, ask the desk). Two machines, because a rating and a complaint share nothing but
//! the way a scanned code names a service; a citizen is in one or the other.

pub mod complaint;
pub mod rating;

use crate::domain::{ScannedCode, ServiceRef};

/// The service a scanned ticket or receipt names; other codes name none.
pub fn reference_of(code: &ScannedCode) -> Option<ServiceRef> {
    match code {
        ScannedCode::Ticket { date, ticket_no } => Some(ServiceRef::Ticket {
            date: date.clone(),
            ticket_no: ticket_no.clone(),
        }),
        ScannedCode::Receipt(no) => Some(ServiceRef::Receipt(no.clone())),
        _ => None,
    }
}

/// The ticket number or receipt number, as a list row or a complaint shows it.
pub fn short_text(reference: &ServiceRef) -> String {
    match reference {
        ServiceRef::Ticket { ticket_no, .. } => ticket_no.clone(),
        ServiceRef::Receipt(no) => no.clone(),
    }
}

#[cfg(test)]
mod complaint_tests;
#[cfg(test)]
mod rating_tests;
