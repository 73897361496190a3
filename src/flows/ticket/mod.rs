//! 取号 and 预约签到 as a state machine without I/O: the controller feeds it what the citizen
//! and the devices did ([`Input`]) and carries out what it asks ([`Effect`]): show a
//! screen, place an order with the desk, print, start a timer. Every rule of the flow is
//! tested here without a window, a backend or a device.

mod messages;
pub mod rules;

pub use messages::{CardProblem, CheckinState, Effect, Failure, Input, PrintState, View};

use std::time::Duration;

use time::OffsetDateTime;

use crate::domain::catalog::Guides;
use crate::domain::hours::OpeningHours;
use crate::domain::{
    CardHolder, CheckinFailure, CheckinKey, IssuedTicket, Priority, ScannedCode, Source,
    TicketFailure, TicketOrder,
};
use rules::{card_expired, priority_for, ticketing_open};

/// How long to wait for a card before saying none was placed.
pub const CARD_WAIT: Duration = Duration::from_secs(30);
/// An answer slower than this shows the "cannot issue" screen rather than a spinner forever.
pub const ISSUE_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the ticket stays on screen after it printed.
pub const SHOW_PRINTED_S: u32 = 10;
/// Longer when the citizen must photograph the on-screen code.
pub const SHOW_ON_SCREEN_S: u32 = 60;

/// What the flow needs to know of the world for one input.
pub struct Context<'a> {
    /// The hall's local time.
    pub now: OffsetDateTime,
    pub hours: &'a OpeningHours,
    pub guides: &'a Guides,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Idle,
    Categories,
    Method,
    CardWait,
    Issuing,
    Issued,
    /// Refused: the card holder already holds a ticket of this category.
    Held,
    Checkin,
    CheckinLookup,
}

/// The state of one citizen's way through 取号 or 预约签到.
#[derive(Debug)]
pub struct TicketFlow {
    stage: Stage,
    /// Answers carry the request they belong to; a late one for an abandoned flow is
    /// ignored.
    request: u64,
    category: String,
    chosen: Option<Priority>,
    holder: Option<CardHolder>,
    ticket: Option<IssuedTicket>,
    /// The number the card holder already holds, when the backend said so.
    held: Option<String>,
}

impl Default for TicketFlow {
    fn default() -> Self {
        TicketFlow {
            stage: Stage::Idle,
            request: 0,
            category: String::new(),
            chosen: None,
            holder: None,
            ticket: None,
            held: None,
        }
    }
}

impl TicketFlow {
    /// The last ticket issued in this session, for staff's "reprint".
    pub fn last_ticket(&self) -> Option<&IssuedTicket> {
        self.ticket.as_ref()
    }

    /// Whether the flow is waiting for a card or a code (the reader and scanner are its).
    pub fn wants_card(&self) -> bool {
        matches!(self.stage, Stage::CardWait | Stage::Checkin)
    }

    fn next_request(&mut self) -> u64 {
        self.request += 1;
        self.request
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input, ctx: &Context) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::Start => {
                self.reset(&mut fx);
                self.stage = Stage::Categories;
                fx.extend([
                    Effect::ShowCategories,
                    Effect::AskForQueueFigures,
                    Effect::Show(View::Categories),
                ]);
            }
            Input::StartCheckin => {
                self.reset(&mut fx);
                self.stage = Stage::Checkin;
                fx.extend([
                    Effect::Checkin(CheckinState::Waiting),
                    Effect::Show(View::Checkin),
                ]);
            }
            Input::ChooseCategory(code) => self.choose_category(code, ctx, &mut fx),
            Input::ChoosePriority(p) => {
                self.chosen = p;
                fx.push(Effect::Priority {
                    priority: p,
                    from_card: false,
                });
            }
            Input::WithCard => {
                self.stage = Stage::CardWait;
                fx.extend([
                    Effect::CardProblem(None),
                    Effect::Show(View::CardWait),
                    Effect::StartCardWait(CARD_WAIT),
                ]);
            }
            Input::WithoutCard => self.issue(Source::WalkIn, None, ctx, &mut fx),
            Input::CancelCard => {
                self.stage = Stage::Method;
                fx.extend([Effect::StopTimers, Effect::Show(View::Method)]);
            }
            Input::CardWaitElapsed => {
                if self.stage == Stage::CardWait {
                    fx.push(Effect::CardProblem(Some(CardProblem::NoCard)));
                }
            }
            Input::Card(holder) => self.card(holder, ctx, &mut fx),
            Input::CardUnreadable => {
                if self.wants_card() {
                    fx.push(Effect::CardProblem(Some(CardProblem::ReadFailed)));
                }
            }
            Input::ReaderOffline => {
                if self.wants_card() {
                    fx.push(Effect::CardProblem(Some(CardProblem::ReaderOffline)));
                }
            }
            Input::CardRemoved => {
                self.holder = None;
                fx.push(Effect::ForgetHolder);
            }
            Input::Scanned(code) => self.scanned(code, &mut fx),
            Input::Issued { request, result } => {
                if request == self.request && self.stage == Stage::Issuing {
                    match result {
                        Ok(t) => self.issued(t, ctx, &mut fx),
                        Err(f) => self.failed(f, &mut fx),
                    }
                }
            }
            Input::CheckedIn { request, result } => {
                if request == self.request && self.stage == Stage::CheckinLookup {
                    match result {
                        Ok(t) => self.issued(t, ctx, &mut fx),
                        Err(f) => self.checkin_failed(f, &mut fx),
                    }
                }
            }
            Input::ReprintHeld => self.reprint_held(ctx, &mut fx),
            Input::Printed { request, outcome } => {
                if request == self.request {
                    let (state, seconds) =
                        PrintState::after(outcome, SHOW_PRINTED_S, SHOW_ON_SCREEN_S);
                    fx.extend([Effect::PrintState(state), Effect::HomeIn(seconds)]);
                }
            }
            Input::IssueTimedOut { request } => {
                if request == self.request
                    && matches!(self.stage, Stage::Issuing | Stage::CheckinLookup)
                {
                    self.failed(TicketFailure::Unavailable("no answer".into()), &mut fx);
                }
            }
            Input::Reset => self.reset(&mut fx),
        }
        fx
    }

    fn reset(&mut self, fx: &mut Vec<Effect>) {
        let request = self.request + 1;
        *self = TicketFlow {
            request,
            ..TicketFlow::default()
        };
        fx.extend([Effect::StopTimers, Effect::Cleared]);
    }

    fn choose_category(&mut self, code: String, ctx: &Context, fx: &mut Vec<Effect>) {
        let Some(category) = ctx.guides.category(&code) else {
            return;
        };
        self.category = code.clone();
        let now = ctx.now;
        if let Err(next) = ticketing_open(
            ctx.hours,
            category.hours.as_deref(),
            now.weekday(),
            now.time(),
        ) {
            let next_opening = next
                .map(|(days, t)| match days {
                    0 => format!("{:02}:{:02}", t.hour(), t.minute()),
                    d => {
                        let date = now.date() + time::Duration::days(i64::from(d));
                        format!("{} {:02}:{:02}", date, t.hour(), t.minute())
                    }
                })
                .unwrap_or_default();
            fx.extend([
                Effect::Failed(Failure::Closed { next_opening }),
                Effect::Show(View::Failed),
            ]);
            return;
        }
        self.stage = Stage::Method;
        fx.extend([
            Effect::CategoryChosen {
                code,
                name: category.name.clone(),
                windows: category.windows.join(", "),
            },
            Effect::CardProblem(None),
            Effect::Show(View::Method),
        ]);
    }

    fn issue(
        &mut self,
        source: Source,
        holder: Option<CardHolder>,
        ctx: &Context,
        fx: &mut Vec<Effect>,
    ) {
        let birth = holder.as_ref().and_then(|h| h.birth);
        let (priority, from_card) = priority_for(self.chosen, birth, ctx.now.date());
        let request = self.next_request();
        self.stage = Stage::Issuing;
        fx.extend([
            Effect::StopTimers,
            Effect::Priority {
                priority,
                from_card,
            },
            Effect::Show(View::Printing),
            Effect::StartIssueTimeout {
                request,
                after: ISSUE_TIMEOUT,
            },
            Effect::TakeTicket {
                request,
                order: TicketOrder {
                    category: self.category.clone(),
                    source,
                    priority,
                    applicant: holder,
                },
            },
        ]);
    }

    fn issued(&mut self, ticket: IssuedTicket, ctx: &Context, fx: &mut Vec<Effect>) {
        self.stage = Stage::Issued;
        let category = ctx.guides.category(&ticket.category);
        let category_name = category.map(|c| c.name.clone()).unwrap_or_default();
        let windows = category.map(|c| c.windows.join(", ")).unwrap_or_default();
        let request = self.next_request();
        fx.extend([
            Effect::StopTimers,
            Effect::ShowTicket {
                ticket: ticket.clone(),
                category_name: category_name.clone(),
                windows: windows.clone(),
                holder: self.holder.clone(),
            },
            Effect::PrintState(PrintState::Printing),
            Effect::Show(View::Issued),
            Effect::PrintTicket {
                request,
                ticket: ticket.clone(),
                category_name,
                windows,
            },
        ]);
        self.ticket = Some(ticket);
    }

    fn failed(&mut self, failure: TicketFailure, fx: &mut Vec<Effect>) {
        let failure = match failure {
            TicketFailure::Limit { open_ticket } => {
                // Not a fault: the rule of one ticket per person, with the way on.
                tracing::info!("ticket refused: an open one is held in this category");
                self.stage = Stage::Held;
                self.held = Some(open_ticket.clone());
                Failure::AlreadyHeld {
                    ticket_no: open_ticket,
                }
            }
            other => {
                tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "no ticket issued: {other}");
                self.stage = Stage::Idle;
                match other {
                    TicketFailure::NoOfflineNumbers => Failure::NoOfflineNumbers,
                    _ => Failure::Unavailable,
                }
            }
        };
        fx.extend([
            Effect::StopTimers,
            Effect::Failed(failure),
            Effect::Show(View::Failed),
        ]);
    }

    fn reprint_held(&mut self, ctx: &Context, fx: &mut Vec<Effect>) {
        let (Stage::Held, Some(ticket_no)) = (self.stage, self.held.clone()) else {
            return;
        };
        let category = ctx.guides.category(&self.category);
        let request = self.next_request();
        fx.extend([
            Effect::PrintState(PrintState::Printing),
            Effect::ReprintHeld {
                request,
                ticket_no,
                category: self.category.clone(),
                category_name: category.map(|c| c.name.clone()).unwrap_or_default(),
                windows: category.map(|c| c.windows.join(", ")).unwrap_or_default(),
            },
        ]);
    }

    fn look_up(&mut self, key: CheckinKey, fx: &mut Vec<Effect>) {
        let request = self.next_request();
        self.stage = Stage::CheckinLookup;
        fx.extend([
            Effect::Checkin(CheckinState::LookingUp),
            Effect::StartIssueTimeout {
                request,
                after: ISSUE_TIMEOUT,
            },
            Effect::CheckIn { request, key },
        ]);
    }

    fn checkin_failed(&mut self, failure: CheckinFailure, fx: &mut Vec<Effect>) {
        self.stage = Stage::Idle;
        fx.extend([
            Effect::StopTimers,
            Effect::Checkin(CheckinState::Failed(failure)),
            Effect::Show(View::CheckinFailed),
        ]);
    }

    fn card(&mut self, holder: CardHolder, ctx: &Context, fx: &mut Vec<Effect>) {
        if !self.wants_card() {
            return;
        }
        let problem = if !holder.usable {
            Some(CardProblem::Unreadable)
        } else if card_expired(holder.valid_until, ctx.now.date()) {
            Some(CardProblem::Expired)
        } else {
            None
        };
        if problem.is_some() {
            fx.push(Effect::CardProblem(problem));
            return;
        }
        self.holder = Some(holder.clone());
        if self.stage == Stage::CardWait {
            self.issue(Source::IdCard, Some(holder), ctx, fx);
        } else {
            self.look_up(CheckinKey::IdNumber(holder.id_number), fx);
        }
    }

    fn scanned(&mut self, code: ScannedCode, fx: &mut Vec<Effect>) {
        if self.stage != Stage::Checkin {
            return;
        }
        match code {
            ScannedCode::Appointment(c) => self.look_up(CheckinKey::Code(c), fx),
            ScannedCode::OtherHallAppointment => self.checkin_failed(CheckinFailure::OtherHall, fx),
            _ => fx.push(Effect::Checkin(CheckinState::BadCode)),
        }
    }
}

#[cfg(test)]
mod tests;
