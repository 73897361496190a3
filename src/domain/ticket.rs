//! Queue tickets and appointment check-ins as the kiosk knows them.

use time::OffsetDateTime;

use super::card::CardHolder;

/// The priority a ticket carries, sent to the backend and printed on the slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Elderly,
    Disabled,
    Pregnant,
    Other,
}

impl Priority {
    pub fn code(self) -> &'static str {
        match self {
            Priority::Elderly => "elderly",
            Priority::Disabled => "disabled",
            Priority::Pregnant => "pregnant",
            Priority::Other => "other",
        }
    }

    /// The words on the printed slip (the layout puts them in 【】). Paper is read at the window in Chinese whatever
    /// language the citizen chose on screen, so it is not translated.
    pub fn slip_label(self) -> &'static str {
        match self {
            Priority::Elderly => "老年人优先",
            Priority::Disabled => "残疾人优先",
            Priority::Pregnant => "孕妇优先",
            Priority::Other => "优先服务",
        }
    }
}

/// How a ticket was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    WalkIn,
    IdCard,
    Appointment,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The priority the ticket was issued with; it goes on the slip.
    pub priority: Option<Priority>,
    /// (item, slot) for appointment tickets.
    pub appointment: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketFailure {
    /// Backend unreachable and no reserved offline number left.
    #[error("backend unreachable and no offline numbers left")]
    NoOfflineNumbers,
    /// The backend refused (unknown category, closed); the text is for the log.
    #[error("refused by the backend: {0}")]
    Refused(String),
    /// The kiosk cannot issue tickets at all (auth failure, store broken, no answer).
    #[error("tickets unavailable: {0}")]
    Unavailable(String),
    /// The card holder already holds an open ticket in this category (one per person).
    #[error("an open ticket in this category is already held")]
    Limit { open_ticket: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinKey {
    /// The bare code of an `hk:appt:v1:<hall>:<code>` QR payload.
    Code(String),
    IdNumber(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckinFailure {
    #[error("no appointment found")]
    NotFound,
    #[error("appointment of another hall")]
    OtherHall,
    #[error("appointment already used")]
    AlreadyUsed,
    #[error("backend unreachable")]
    Offline,
}

/// Live waiting figures of one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFigures {
    pub category: String,
    pub waiting: u32,
    pub est_wait_min: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_priority_has_its_own_code_and_a_slip_label() {
        for p in [
            Priority::Elderly,
            Priority::Disabled,
            Priority::Pregnant,
            Priority::Other,
        ] {
            assert!(!p.slip_label().is_empty());
        }
        let codes: std::collections::BTreeSet<_> = [
            Priority::Elderly,
            Priority::Disabled,
            Priority::Pregnant,
            Priority::Other,
        ]
        .map(Priority::code)
        .into();
        assert_eq!(codes.len(), 4, "the interface tells them apart");
        assert_eq!(Priority::Elderly.slip_label(), "老年人优先");
    }
}
