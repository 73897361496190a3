//! 预约办理 as a state machine without I/O: a citizen books a later slot for a matter by
//! ID card (the card first, so a second booking is refused before any choosing), then a
//! day among the hall's next working days, a slot with seats left, and a confirmation;
//! the slip with the check-in QR code prints. Offline, booking is not offered (the screen
//! says why): an appointment only the kiosk believes in would send a citizen on a wasted
//! trip.

use std::time::Duration;

use time::{Date, OffsetDateTime};

use crate::domain::booking::{BookSlot, Booked, BookingFailure, BookingOrder, HallCalendar};
use crate::domain::catalog::Guides;
use crate::domain::{CardHolder, PrintOutcome};
use crate::flows::ticket::rules::card_expired;
use crate::flows::ticket::{CardProblem, PrintState};

/// Days offered (the 甘南 plan's "next week").
pub const DAYS_OFFERED: usize = 7;
/// How long to wait for a card before saying none was placed.
pub const CARD_WAIT: Duration = Duration::from_secs(30);
/// A backend that has not answered in this time is taken as unreachable.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);
/// How long the done screen stays after the slip printed, and when it did not.
pub const SHOW_PRINTED_S: u32 = 15;
pub const SHOW_ON_SCREEN_S: u32 = 60;

/// The flow's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Which matter (from the check-in tile; a guide page names its matter itself).
    Pick,
    Card,
    Date,
    Slot,
    Confirm,
    Booking,
    Done,
    Failed,
}

/// Why the citizen cannot go on, as the screen explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Offline,
    AlreadyBooked,
    Refused,
}

/// What the citizen and the world did.
#[derive(Debug, Clone)]
pub enum Input {
    /// 预约办理: from a guide page (`item`: its code) or the check-in tile (None).
    Start {
        item: Option<String>,
    },
    PickItem(String),
    Card(CardHolder),
    CardUnreadable,
    ReaderOffline,
    CardWaitElapsed,
    ChooseDate(Date),
    Slots {
        request: u64,
        result: Result<Vec<BookSlot>, BookingFailure>,
    },
    ChooseSlot(String),
    Confirm,
    Booked {
        request: u64,
        result: Result<Booked, BookingFailure>,
    },
    Printed {
        request: u64,
        outcome: PrintOutcome,
    },
    TimedOut {
        request: u64,
    },
    /// The screen's back button: one step back, never out of the flow by surprise.
    Back,
    /// Home, idle timeout: forget everything.
    Reset,
}

/// What the controller is asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(View),
    ItemChosen {
        code: String,
        name: String,
        windows: String,
    },
    CardProblem(Option<CardProblem>),
    /// The card was read: its holder, shown masked.
    Holder(CardHolder),
    Dates(Vec<Date>),
    DateChosen(Date),
    /// Slots of the chosen day; `None` while they are being fetched.
    Slots(Option<Vec<BookSlot>>),
    SlotChosen(BookSlot),
    Failed(Failure),
    /// The slot filled up meanwhile: said on the slot screen, with the list fetched again.
    SlotTaken,
    ListSlots {
        request: u64,
        item: String,
        date: Date,
    },
    Book {
        request: u64,
        order: BookingOrder,
    },
    ShowBooked(Booked),
    PrintSlip {
        request: u64,
        booked: Booked,
        holder: CardHolder,
    },
    PrintState(PrintState),
    HomeIn(u32),
    StartCardWait(Duration),
    StartTimeout {
        request: u64,
        after: Duration,
    },
    StopTimers,
    Cleared,
    /// Leave the flow for the guide page it was started from.
    BackToGuide,
}

/// What the flow needs to know of the world for one input.
pub struct Context<'a> {
    /// The hall's local time.
    pub now: OffsetDateTime,
    pub calendar: &'a HallCalendar,
    pub guides: &'a Guides,
    /// The backend answered lately; false: booking is not offered. Read at `Start` only.
    pub online: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Stage {
    #[default]
    Idle,
    Pick,
    Card,
    Date,
    Slot,
    Confirm,
    Booking,
    Done,
    Failed,
}

/// One citizen's way through 预约办理.
#[derive(Debug, Default)]
pub struct BookingFlow {
    stage: Stage,
    request: u64,
    /// Where Back from the card screen goes: the pick list, or out (a guide page).
    picked_here: bool,
    item: String,
    holder: Option<CardHolder>,
    date: Option<Date>,
    slots: Vec<BookSlot>,
    slot: Option<BookSlot>,
}

impl BookingFlow {
    /// Whether the flow is waiting for a card (the reader is its).
    pub fn wants_card(&self) -> bool {
        self.stage == Stage::Card
    }

    fn next_request(&mut self) -> u64 {
        self.request += 1;
        self.request
    }

    pub fn handle(&mut self, input: Input, ctx: &Context) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::Start { item } => {
                self.reset(&mut fx);
                if !ctx.online {
                    self.fail(Failure::Offline, &mut fx);
                    return fx;
                }
                match item {
                    Some(code) => self.pick(code, ctx, &mut fx),
                    None => {
                        self.stage = Stage::Pick;
                        self.picked_here = true;
                        fx.push(Effect::Show(View::Pick));
                    }
                }
            }
            Input::PickItem(code) if self.stage == Stage::Pick => self.pick(code, ctx, &mut fx),
            Input::Card(holder) if self.stage == Stage::Card => self.card(holder, ctx, &mut fx),
            Input::CardUnreadable if self.stage == Stage::Card => {
                fx.push(Effect::CardProblem(Some(CardProblem::ReadFailed)))
            }
            Input::ReaderOffline if self.stage == Stage::Card => {
                fx.push(Effect::CardProblem(Some(CardProblem::ReaderOffline)))
            }
            Input::CardWaitElapsed if self.stage == Stage::Card => {
                fx.push(Effect::CardProblem(Some(CardProblem::NoCard)))
            }
            Input::ChooseDate(date) if self.stage == Stage::Date => self.list(date, &mut fx),
            Input::Slots { request, result }
                if request == self.request && self.stage == Stage::Slot =>
            {
                self.slots_came(result, ctx, &mut fx)
            }
            Input::ChooseSlot(id) if self.stage == Stage::Slot => {
                let slot = self.slots.iter().find(|s| s.slot_id == id).cloned();
                if let Some(slot) = slot.filter(|s| s.bookable(ctx.now)) {
                    self.stage = Stage::Confirm;
                    self.slot = Some(slot.clone());
                    fx.extend([Effect::SlotChosen(slot), Effect::Show(View::Confirm)]);
                }
            }
            Input::Confirm if self.stage == Stage::Confirm => self.book(&mut fx),
            Input::Booked { request, result }
                if request == self.request && self.stage == Stage::Booking =>
            {
                self.booked(result, &mut fx)
            }
            Input::Printed { request, outcome } if request == self.request => {
                let (state, seconds) = PrintState::after(outcome, SHOW_PRINTED_S, SHOW_ON_SCREEN_S);
                fx.extend([Effect::PrintState(state), Effect::HomeIn(seconds)]);
            }
            Input::TimedOut { request } if request == self.request => match self.stage {
                Stage::Slot | Stage::Booking => self.fail(Failure::Offline, &mut fx),
                _ => {}
            },
            Input::Back => self.back(ctx, &mut fx),
            Input::Reset => self.reset(&mut fx),
            _ => {}
        }
        fx
    }

    fn reset(&mut self, fx: &mut Vec<Effect>) {
        let request = self.request + 1;
        *self = BookingFlow {
            request,
            ..BookingFlow::default()
        };
        fx.extend([Effect::StopTimers, Effect::Cleared]);
    }

    fn fail(&mut self, failure: Failure, fx: &mut Vec<Effect>) {
        self.stage = Stage::Failed;
        // The request number moves on: a late answer changes nothing.
        self.next_request();
        fx.extend([
            Effect::StopTimers,
            Effect::Failed(failure),
            Effect::Show(View::Failed),
        ]);
    }

    /// The matter `code` as the screens name it; None when the catalog does not know it.
    fn item_chosen(code: &str, ctx: &Context) -> Option<Effect> {
        let item = ctx.guides.item(code)?;
        Some(Effect::ItemChosen {
            code: code.to_string(),
            name: item.name.clone(),
            windows: ctx
                .guides
                .category(&item.category)
                .map(|c| c.windows.join(", "))
                .unwrap_or_default(),
        })
    }

    fn pick(&mut self, code: String, ctx: &Context, fx: &mut Vec<Effect>) {
        let Some(chosen) = Self::item_chosen(&code, ctx) else {
            return;
        };
        self.item = code;
        self.stage = Stage::Card;
        fx.extend([
            chosen,
            Effect::CardProblem(None),
            Effect::Show(View::Card),
            Effect::StartCardWait(CARD_WAIT),
        ]);
    }

    fn card(&mut self, holder: CardHolder, ctx: &Context, fx: &mut Vec<Effect>) {
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
        self.stage = Stage::Date;
        fx.extend([
            Effect::StopTimers,
            Effect::CardProblem(None),
            Effect::Holder(holder),
            Effect::Dates(
                ctx.calendar
                    .working_days_after(ctx.now.date(), DAYS_OFFERED),
            ),
            Effect::Show(View::Date),
        ]);
    }

    fn list(&mut self, date: Date, fx: &mut Vec<Effect>) {
        let request = self.next_request();
        self.stage = Stage::Slot;
        self.date = Some(date);
        self.slots.clear();
        fx.extend([
            Effect::DateChosen(date),
            Effect::Slots(None),
            Effect::Show(View::Slot),
            Effect::StartTimeout {
                request,
                after: ANSWER_TIMEOUT,
            },
            Effect::ListSlots {
                request,
                item: self.item.clone(),
                date,
            },
        ]);
    }

    fn slots_came(
        &mut self,
        result: Result<Vec<BookSlot>, BookingFailure>,
        ctx: &Context,
        fx: &mut Vec<Effect>,
    ) {
        fx.push(Effect::StopTimers);
        match result {
            Ok(mut slots) => {
                // Slots already begun are of no use to anyone; full ones stay, greyed,
                // so the citizen sees the day is busy rather than empty.
                slots.retain(|s| s.start > ctx.now);
                slots.sort_by_key(|s| s.start);
                self.slots = slots.clone();
                fx.push(Effect::Slots(Some(slots)));
            }
            Err(BookingFailure::Offline) => self.fail(Failure::Offline, fx),
            Err(_) => self.fail(Failure::Refused, fx),
        }
    }

    fn book(&mut self, fx: &mut Vec<Effect>) {
        let (Some(holder), Some(slot)) = (self.holder.clone(), self.slot.clone()) else {
            return;
        };
        let request = self.next_request();
        self.stage = Stage::Booking;
        fx.extend([
            Effect::Show(View::Booking),
            Effect::StartTimeout {
                request,
                after: ANSWER_TIMEOUT,
            },
            Effect::Book {
                request,
                order: BookingOrder {
                    item_code: self.item.clone(),
                    slot_id: slot.slot_id,
                    applicant: holder,
                },
            },
        ]);
    }

    fn booked(&mut self, result: Result<Booked, BookingFailure>, fx: &mut Vec<Effect>) {
        match result {
            Ok(booked) => {
                let Some(holder) = self.holder.clone() else {
                    return;
                };
                let request = self.next_request();
                self.stage = Stage::Done;
                fx.extend([
                    Effect::StopTimers,
                    Effect::ShowBooked(booked.clone()),
                    Effect::PrintState(PrintState::Printing),
                    Effect::Show(View::Done),
                    Effect::PrintSlip {
                        request,
                        booked,
                        holder,
                    },
                ]);
            }
            Err(BookingFailure::SlotFull) => {
                // Someone else took the last seat: back to the day's slots, fetched again.
                if let Some(date) = self.date {
                    self.slot = None;
                    fx.push(Effect::SlotTaken);
                    self.list(date, fx);
                }
            }
            Err(BookingFailure::AlreadyBooked) => self.fail(Failure::AlreadyBooked, fx),
            Err(BookingFailure::Offline) => self.fail(Failure::Offline, fx),
            Err(BookingFailure::Refused(_)) => self.fail(Failure::Refused, fx),
        }
    }

    fn back(&mut self, ctx: &Context, fx: &mut Vec<Effect>) {
        let to = match self.stage {
            Stage::Card if self.picked_here => {
                self.stage = Stage::Pick;
                View::Pick
            }
            // Started from a guide page: back to it (in 长辈模式 this is the screen's only
            // way back).
            Stage::Card => {
                self.reset(fx);
                fx.push(Effect::BackToGuide);
                return;
            }
            Stage::Slot => {
                self.next_request();
                self.stage = Stage::Date;
                fx.push(Effect::StopTimers);
                View::Date
            }
            Stage::Confirm => {
                self.stage = Stage::Slot;
                self.slot = None;
                View::Slot
            }
            Stage::Date => {
                // A different card, or none: the holder is forgotten.
                self.holder = None;
                self.stage = Stage::Card;
                fx.extend([Effect::Cleared, Effect::StartCardWait(CARD_WAIT)]);
                fx.extend(Self::item_chosen(&self.item, ctx));
                View::Card
            }
            _ => return,
        };
        fx.push(Effect::Show(to));
    }
}

#[cfg(test)]
mod tests;
