//! The one place where the kiosk's own types meet the hall interface's (`hall_link::api`)
//! and the drivers' (cards, scanned codes).

use hall_link::api;
use kiosk_drivers::idcard::{IdCard, Validity};
use kiosk_drivers::scanner::payload::KioskCode;

use crate::domain::{
    CardHolder, Case, CheckinKey, ComplaintOrder, IssuedTicket, MaterialStatus, Priority,
    ProgressKey, RatingOrder, RecentService, ScannedCode, ServiceRef, Source, SubmissionOrder,
    TicketOrder,
};

impl From<Priority> for api::Priority {
    fn from(p: Priority) -> Self {
        match p {
            Priority::Elderly => api::Priority::Elderly,
            Priority::Disabled => api::Priority::Disabled,
            Priority::Pregnant => api::Priority::Pregnant,
            Priority::Other => api::Priority::Other,
        }
    }
}

impl From<Source> for api::Source {
    fn from(s: Source) -> Self {
        match s {
            Source::WalkIn => api::Source::WalkIn,
            Source::IdCard => api::Source::IdCard,
            Source::Appointment => api::Source::Appointment,
        }
    }
}

impl From<&CardHolder> for api::Applicant {
    fn from(h: &CardHolder) -> Self {
        api::Applicant {
            name: h.name.clone(),
            id_number: h.id_number.clone(),
        }
    }
}

impl From<&TicketOrder> for api::TicketRequest {
    fn from(o: &TicketOrder) -> Self {
        api::TicketRequest {
            category: o.category.clone(),
            source: o.source.into(),
            priority: o.priority.map(Into::into),
            applicant: o.applicant.as_ref().map(Into::into),
        }
    }
}

/// A ticket the backend (or the offline block) issued, with what the kiosk adds to it.
/// A time in the interface's RFC 3339 form; None when the backend garbled it.
pub fn rfc3339(s: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

pub fn issued(
    t: &api::Ticket,
    offline: bool,
    priority: Option<Priority>,
    appointment: Option<(String, String)>,
) -> IssuedTicket {
    IssuedTicket {
        ticket_no: t.ticket_no.clone(),
        category: t.category.clone(),
        waiting_ahead: t.waiting_ahead,
        est_wait_min: t.est_wait_min,
        // A time the backend garbled is shown as now rather than refusing the ticket.
        issued_at: rfc3339(&t.issued_at).unwrap_or_else(hall_link::clock::now_utc),
        track_url: t.track_url.clone(),
        offline,
        priority,
        appointment,
    }
}

impl From<CheckinKey> for api::CheckInRequest {
    fn from(k: CheckinKey) -> Self {
        match k {
            CheckinKey::Code(code) => api::CheckInRequest::Code { code },
            CheckinKey::IdNumber(id_number) => api::CheckInRequest::IdNumber { id_number },
        }
    }
}

impl From<&ServiceRef> for api::ServiceRef {
    fn from(r: &ServiceRef) -> Self {
        match r {
            ServiceRef::Ticket { ticket_no, .. } => api::ServiceRef::Ticket {
                ticket_no: ticket_no.clone(),
            },
            ServiceRef::Receipt(no) => api::ServiceRef::Receipt {
                receipt_no: no.clone(),
            },
        }
    }
}

impl From<api::RecentService> for RecentService {
    fn from(s: api::RecentService) -> Self {
        RecentService {
            reference: match s.reference {
                api::ServiceRef::Ticket { ticket_no } => ServiceRef::Ticket {
                    date: s.date.replace('-', ""),
                    ticket_no,
                },
                api::ServiceRef::Receipt { receipt_no } => ServiceRef::Receipt(receipt_no),
            },
            name: s.name,
            date: s.date,
        }
    }
}

impl From<&RatingOrder> for api::RatingRequest {
    fn from(o: &RatingOrder) -> Self {
        api::RatingRequest {
            reference: (&o.reference).into(),
            level: o.level,
            reasons: o.reasons.clone(),
            comment: o.comment.clone(),
        }
    }
}

impl From<&ComplaintOrder> for api::ComplaintRequest {
    fn from(o: &ComplaintOrder) -> Self {
        api::ComplaintRequest {
            kind: o.kind.code().to_string(),
            text: o.text.clone(),
            phone: o.phone.clone(),
            reference: o.reference.as_ref().map(Into::into),
        }
    }
}

impl From<MaterialStatus> for api::MaterialStatus {
    fn from(s: MaterialStatus) -> Self {
        match s {
            MaterialStatus::Provided => api::MaterialStatus::Provided,
            MaterialStatus::Shared => api::MaterialStatus::Shared,
            MaterialStatus::Commitment => api::MaterialStatus::Commitment,
            MaterialStatus::Missing => api::MaterialStatus::Missing,
        }
    }
}

impl From<&SubmissionOrder> for api::SubmissionRequest {
    fn from(o: &SubmissionOrder) -> Self {
        api::SubmissionRequest {
            item_code: o.item_code.clone(),
            applicant: api::SubmissionApplicant {
                name: o.holder.name.clone(),
                id_number: o.holder.id_number.clone(),
                phone: o.phone.clone(),
            },
            form: o
                .form
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect(),
            materials: o
                .materials
                .iter()
                .map(|(name, status)| api::SubmittedMaterial {
                    name: name.clone(),
                    status: (*status).into(),
                })
                .collect(),
            commitment_accepted: o.commitment_accepted,
            delivery: api::Delivery {
                method: if o.mail_to.is_some() {
                    api::DeliveryMethod::Mail
                } else {
                    api::DeliveryMethod::Pickup
                },
                address: o.mail_to.clone(),
            },
        }
    }
}

impl From<ProgressKey> for api::ProgressQuery {
    fn from(k: ProgressKey) -> Self {
        match k {
            ProgressKey::IdNumber(id_number) => api::ProgressQuery::IdNumber { id_number },
            // A provisional receipt's QR code carries the outbox key, not a number.
            ProgressKey::Receipt(r) if uuid::Uuid::try_parse(&r).is_ok() => {
                api::ProgressQuery::Key { key: r }
            }
            ProgressKey::Receipt(receipt_no) => api::ProgressQuery::Receipt { receipt_no },
        }
    }
}

impl From<api::Case> for Case {
    fn from(c: api::Case) -> Self {
        Case {
            receipt_no: c.receipt_no,
            item_name: c.item_name,
            status: c.status,
            updated_at: c.updated_at,
            next_step: c.next_step,
            pickup_window: c.pickup_window,
            tracking_no: c.tracking_no,
        }
    }
}

impl From<&IdCard> for CardHolder {
    fn from(card: &IdCard) -> Self {
        CardHolder {
            name: if card.name.is_empty() {
                card.english_name.clone()
            } else {
                card.name.clone()
            },
            id_number: card.id_number.clone(),
            birth: card.birth_date,
            valid_until: match card.valid_until {
                Some(Validity::Until(d)) => Some(d),
                _ => None,
            },
            usable: true,
            address: card.address.clone(),
        }
    }
}

impl From<KioskCode> for ScannedCode {
    fn from(code: KioskCode) -> Self {
        match code {
            KioskCode::Appointment { code } => ScannedCode::Appointment(code),
            KioskCode::OtherHallAppointment { .. } => ScannedCode::OtherHallAppointment,
            KioskCode::Ticket { date, ticket_no } => ScannedCode::Ticket {
                date: format!(
                    "{:04}{:02}{:02}",
                    date.year(),
                    date.month() as u8,
                    date.day()
                ),
                ticket_no,
            },
            KioskCode::Receipt { receipt_no } => ScannedCode::Receipt(receipt_no),
            KioskCode::ProvisionalReceipt { key } => ScannedCode::Receipt(key.to_string()),
            KioskCode::Staff {
                staff_id, expires, ..
            } => ScannedCode::Staff {
                staff_id,
                expires: expires.unix_timestamp(),
                refused: None,
            },
            KioskCode::BadSignature => ScannedCode::BadSignature,
            KioskCode::PaymentCode(code) => {
                ScannedCode::PaymentCode(crate::domain::payment::PayCode(code))
            }
            KioskCode::HallUrl(_) | KioskCode::Unknown(_) => ScannedCode::Unknown,
        }
    }
}

/// A code's kind for the log: never its payload.
pub fn code_kind(code: &KioskCode) -> &'static str {
    match code {
        KioskCode::Appointment { .. } => "appointment",
        KioskCode::OtherHallAppointment { .. } => "appointment of another hall",
        KioskCode::Ticket { .. } => "ticket",
        KioskCode::Receipt { .. } | KioskCode::ProvisionalReceipt { .. } => "receipt",
        KioskCode::Staff { .. } => "staff",
        KioskCode::HallUrl(_) => "hall url",
        KioskCode::PaymentCode(_) => "payment code",
        KioskCode::BadSignature => "bad signature",
        KioskCode::Unknown(_) => "unknown",
    }
}
