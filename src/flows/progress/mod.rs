//! 进度查询 as a state machine without I/O: the controller feeds it the card, the scanner
//! and the desk's answers ([`Input`]) and carries out what it asks ([`Effect`]): ask the
//! desk, show a state, list the cases as a timeline.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use crate::domain::booking::{BookingFailure, OpenAppointment};
use crate::domain::{Case, ProgressFailure, ProgressFound, ProgressKey, ScannedCode};

/// The flow's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Place a card or scan a receipt.
    Ask,
    Result,
}

/// What the progress screens say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressState {
    Ask,
    Looking,
    Found,
    None,
    Offline,
    Failed,
}

/// A case's status. "WaitingToSend" is the kiosk's own, for what is still in its outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    WaitingToSend,
    Received,
    Accepted,
    InReview,
    Approved,
    Rejected,
    ReadyForPickup,
    Mailed,
    Completed,
}

impl CaseStatus {
    /// A status as the hall's API spells it. One this build does not know is shown as the
    /// end of the timeline, as a finished case.
    pub fn parse(status: &str) -> CaseStatus {
        match status {
            "waiting_to_send" => CaseStatus::WaitingToSend,
            "received" => CaseStatus::Received,
            "accepted" => CaseStatus::Accepted,
            "in_review" => CaseStatus::InReview,
            "approved" => CaseStatus::Approved,
            "rejected" => CaseStatus::Rejected,
            "ready_for_pickup" => CaseStatus::ReadyForPickup,
            "mailed" => CaseStatus::Mailed,
            _ => CaseStatus::Completed,
        }
    }

    /// Where the status sits on the five-step timeline (0..=4); None: not at the backend
    /// yet.
    pub fn step(self) -> Option<u8> {
        match self {
            CaseStatus::WaitingToSend => None,
            CaseStatus::Received => Some(0),
            CaseStatus::Accepted => Some(1),
            CaseStatus::InReview => Some(2),
            CaseStatus::Approved => Some(3),
            CaseStatus::Rejected
            | CaseStatus::ReadyForPickup
            | CaseStatus::Mailed
            | CaseStatus::Completed => Some(4),
        }
    }
}

/// One case as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub receipt_no: String,
    pub item_name: String,
    pub status: CaseStatus,
    /// Last change in the hall's time ("2026-11-24 10:05"); empty when unreadable.
    pub updated: String,
    pub next_step: String,
    /// The pickup window, or the parcel's tracking number.
    pub whereabouts: String,
}

/// An open appointment as the result lists it, with its cancel button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRow {
    pub appointment_no: String,
    pub item_name: String,
    /// "2026-12-07 09:00-09:30" in the hall's time.
    pub when: String,
}

/// What became of a cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelNote {
    None,
    Cancelling,
    Cancelled,
    Failed,
}

/// What the citizen, the devices and the desk did.
#[derive(Debug, Clone)]
pub enum Input {
    /// The 进度查询 tile or "ask again".
    Start,
    /// A card was read: its holder's ID number.
    Card(String),
    CardRemoved,
    Scanned(ScannedCode),
    Answer {
        request: u64,
        result: Result<ProgressFound, ProgressFailure>,
    },
    /// Cancel one of the card holder's appointments listed.
    CancelAppointment(String),
    Cancelled {
        request: u64,
        result: Result<(), BookingFailure>,
    },
    /// Home, idle timeout: forget everything.
    Reset,
}

/// What the controller is asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(View),
    State(ProgressState),
    /// The cases to list; `offline`: only what this kiosk still holds could be listed.
    Cases {
        rows: Vec<Row>,
        offline: bool,
    },
    /// The card holder's open appointments, each with a cancel button.
    Appointments(Vec<AppointmentRow>),
    CancelNote(CancelNote),
    /// The appointment whose cancel waits for a second tap (None: none).
    ConfirmCancel(Option<String>),
    CancelAppointment {
        request: u64,
        appointment_no: String,
    },
    /// Look up cases; a kiosk without a desk answers `Err(ProgressFailure::Failed)`.
    Ask {
        request: u64,
        key: ProgressKey,
    },
    /// The cases shown are gone (they name the citizen's matters).
    Cleared,
}

/// What the flow needs to know of the world for one input.
pub struct Context {
    /// The hall's offset from UTC, for the times shown.
    pub offset: UtcOffset,
}

/// The state of one citizen's progress query.
#[derive(Debug, Default)]
pub struct ProgressFlow {
    active: bool,
    /// The open appointments listed (only for a query by ID card: a receipt's QR code
    /// must not cancel someone's appointment).
    appointments: Vec<AppointmentRow>,
    /// The appointment a cancel is on its way for.
    cancelling: Option<String>,
    /// The appointment whose cancel button was tapped once (a second tap cancels).
    confirming: Option<String>,
    /// Answers carry the request they belong to; a late one for an abandoned query is
    /// ignored.
    request: u64,
}

impl ProgressFlow {
    /// Whether the flow takes `input`. What it does not take goes on to the other flows,
    /// as before the flow was open: a card or code while it is closed, a code that is not a
    /// receipt's, a stale answer.
    pub fn takes(&self, input: &Input) -> bool {
        match input {
            Input::Start | Input::Reset => true,
            _ if !self.active => false,
            Input::Card(_) | Input::CardRemoved => true,
            Input::Scanned(code) => matches!(code, ScannedCode::Receipt(_)),
            Input::Answer { request, .. } | Input::Cancelled { request, .. } => {
                *request == self.request
            }
            Input::CancelAppointment(_) => true,
        }
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input, ctx: &Context) -> Vec<Effect> {
        let mut fx = Vec::new();
        if !self.takes(&input) {
            return fx;
        }
        match input {
            Input::Start => {
                self.reset(&mut fx);
                self.active = true;
                fx.push(Effect::Show(View::Ask));
            }
            Input::Card(id_number) => self.ask(ProgressKey::IdNumber(id_number), &mut fx),
            Input::Scanned(ScannedCode::Receipt(no)) => self.ask(ProgressKey::Receipt(no), &mut fx),
            // The card's number only goes to the desk and is never shown: its removal has
            // nothing to wipe.
            Input::CardRemoved | Input::Scanned(_) => {}
            Input::Answer { result, .. } => match result {
                Ok(found) => {
                    let rows: Vec<Row> = found.cases.iter().map(|c| row(c, ctx)).collect();
                    self.appointments = found
                        .appointments
                        .iter()
                        .map(|a| appointment_row(a, ctx))
                        .collect();
                    let state = if rows.is_empty() && self.appointments.is_empty() {
                        ProgressState::None
                    } else {
                        ProgressState::Found
                    };
                    fx.extend([
                        Effect::Cases {
                            rows,
                            offline: found.offline,
                        },
                        Effect::Appointments(self.appointments.clone()),
                        Effect::CancelNote(CancelNote::None),
                        Effect::State(state),
                        Effect::Show(View::Result),
                    ]);
                }
                Err(ProgressFailure::Offline) => fx.push(Effect::State(ProgressState::Offline)),
                Err(ProgressFailure::Failed) => fx.push(Effect::State(ProgressState::Failed)),
            },
            Input::CancelAppointment(no) => {
                if !self.appointments.iter().any(|a| a.appointment_no == no) {
                    return fx;
                }
                // A cancel cannot be taken back: the first tap asks, the second cancels.
                if self.confirming.as_ref() != Some(&no) {
                    self.confirming = Some(no.clone());
                    fx.push(Effect::ConfirmCancel(Some(no)));
                    return fx;
                }
                self.confirming = None;
                self.request += 1;
                self.cancelling = Some(no.clone());
                fx.extend([
                    Effect::ConfirmCancel(None),
                    Effect::CancelNote(CancelNote::Cancelling),
                    Effect::CancelAppointment {
                        request: self.request,
                        appointment_no: no,
                    },
                ]);
            }
            Input::Cancelled { result, .. } => {
                let no = self.cancelling.take();
                match result {
                    Ok(()) => {
                        self.appointments
                            .retain(|a| Some(&a.appointment_no) != no.as_ref());
                        fx.extend([
                            Effect::Appointments(self.appointments.clone()),
                            Effect::CancelNote(CancelNote::Cancelled),
                        ]);
                    }
                    Err(_) => fx.push(Effect::CancelNote(CancelNote::Failed)),
                }
            }
            Input::Reset => self.reset(&mut fx),
        }
        fx
    }

    fn ask(&mut self, key: ProgressKey, fx: &mut Vec<Effect>) {
        self.request += 1;
        fx.extend([
            Effect::State(ProgressState::Looking),
            Effect::Ask {
                request: self.request,
                key,
            },
        ]);
    }

    fn reset(&mut self, fx: &mut Vec<Effect>) {
        self.active = false;
        self.appointments.clear();
        self.cancelling = None;
        self.confirming = None;
        self.request += 1;
        fx.push(Effect::Cleared);
    }
}

fn appointment_row(a: &OpenAppointment, ctx: &Context) -> AppointmentRow {
    let start = a.start.to_offset(ctx.offset);
    let end = a.end.to_offset(ctx.offset);
    AppointmentRow {
        appointment_no: a.appointment_no.clone(),
        item_name: a.item_name.clone(),
        when: format!(
            "{} {:02}:{:02}-{:02}:{:02}",
            start.date(),
            start.hour(),
            start.minute(),
            end.hour(),
            end.minute()
        ),
    }
}

fn row(case: &Case, ctx: &Context) -> Row {
    Row {
        receipt_no: case.receipt_no.clone(),
        item_name: case.item_name.clone(),
        status: CaseStatus::parse(&case.status),
        updated: local_time(&case.updated_at, ctx.offset),
        next_step: case.next_step.clone().unwrap_or_default(),
        whereabouts: case
            .pickup_window
            .clone()
            .or_else(|| case.tracking_no.as_ref().map(|t| format!("快递单号 {t}")))
            .unwrap_or_default(),
    }
}

/// An RFC 3339 time in the hall's time, to the minute.
fn local_time(rfc3339: &str, offset: UtcOffset) -> String {
    OffsetDateTime::parse(rfc3339, &Rfc3339)
        .ok()
        .and_then(|t| {
            t.to_offset(offset)
                .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
