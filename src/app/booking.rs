//! 预约办理 controller: the `Booking` global's callbacks and the desk's answers become
//! inputs of the booking flow (`crate::flows::booking`); its effects become property
//! writes, screens, desk calls and timers.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, Timer, TimerMode, VecModel};

use super::{Kiosk, KioskLink};
use crate::domain::booking::HallCalendar;
use crate::domain::catalog::{Guides, Text};
use crate::domain::privacy::{mask_id, mask_name};
use crate::domain::{AppEvent, Desk};
use crate::flows::booking::{self as flow, BookingFlow, Context, Effect, Input, View};
use crate::flows::ticket::CardProblem as FlowCardProblem;
use crate::ui::{
    BookFailure, Booking, CardProblem, Checkin, DayChoice, Feature, Guide, ItemChoice, PrintState,
    Screen, SlotRow,
};

pub struct BookingController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    flow: RefCell<BookingFlow>,
    guides: RefCell<Rc<Guides>>,
    calendar: HallCalendar,
    /// The matter's name, for the slip.
    item_name: RefCell<String>,
    countdown: Timer,
    wait: Timer,
}

impl BookingController {
    pub fn new(kiosk: Weak<Kiosk>, calendar: HallCalendar) -> Rc<Self> {
        Rc::new(BookingController {
            kiosk,
            desk: RefCell::default(),
            flow: RefCell::default(),
            guides: RefCell::default(),
            calendar,
            item_name: RefCell::default(),
            countdown: Timer::default(),
            wait: Timer::default(),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    pub fn set_guides(&self, guides: Rc<Guides>) {
        let rows: Vec<ItemChoice> = guides
            .items
            .iter()
            .map(|i| ItemChoice {
                code: i.code.clone().into(),
                name: i.name_text().into(),
            })
            .collect();
        *self.guides.borrow_mut() = guides;
        self.kiosk.ui(|w| {
            w.global::<Booking>()
                .set_items(ModelRc::new(VecModel::from(rows)))
        });
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let ui = window.global::<Booking>();
        let me = Rc::downgrade(self);
        ui.on_pick(move |code| {
            if let Some(me) = me.upgrade() {
                me.send(Input::PickItem(code.to_string()));
            }
        });
        let me = Rc::downgrade(self);
        ui.on_choose_day(move |date| {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            if let (Some(me), Ok(d)) = (me.upgrade(), time::Date::parse(&date, &format)) {
                me.send(Input::ChooseDate(d));
            }
        });
        let me = Rc::downgrade(self);
        ui.on_choose_slot(move |id| {
            if let Some(me) = me.upgrade() {
                me.send(Input::ChooseSlot(id.to_string()));
            }
        });
        let me = Rc::downgrade(self);
        ui.on_confirm(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::Confirm);
            }
        });
        let me = Rc::downgrade(self);
        ui.on_back(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::Back);
            }
        });
        let me = Rc::downgrade(self);
        ui.on_take_ticket(move || {
            if let Some(k) = me.upgrade().and_then(|me| me.kiosk.upgrade()) {
                k.open(Feature::Ticket);
            }
        });
        let me = Rc::downgrade(self);
        ui.on_to_progress(move || {
            if let Some(k) = me.upgrade().and_then(|me| me.kiosk.upgrade()) {
                k.open(Feature::Progress);
            }
        });
        let me = Rc::downgrade(self);
        window.global::<Checkin>().on_book(move || {
            if let Some(me) = me.upgrade() {
                me.start(None);
            }
        });
        let me = Rc::downgrade(self);
        window.global::<Guide>().on_book(move || {
            let Some(me) = me.upgrade() else { return };
            let item = me.kiosk.upgrade().and_then(|k| k.guide().current());
            if item.is_some() {
                me.start(item);
            }
        });
    }

    /// 预约办理, for a matter (a guide page) or with the pick list first (check-in).
    pub fn start(self: &Rc<Self>, item: Option<String>) {
        self.send(Input::Start { item });
    }

    /// Wipes everything personal and every pending wait (home, idle timeout).
    pub fn reset(self: &Rc<Self>) {
        self.send(Input::Reset);
    }

    /// Handles an event; returns false when it is not this flow's.
    pub fn handle(self: &Rc<Self>, event: &AppEvent) -> bool {
        let input = match event {
            AppEvent::CardPresented(h) => Input::Card(h.clone()),
            AppEvent::CardUnreadable(_) => Input::CardUnreadable,
            AppEvent::ReaderOffline => Input::ReaderOffline,
            AppEvent::Slots { request, result } => Input::Slots {
                request: *request,
                result: result.clone(),
            },
            AppEvent::Booked { request, result } => Input::Booked {
                request: *request,
                result: result.clone(),
            },
            AppEvent::AppointmentPrinted { request, outcome } => Input::Printed {
                request: *request,
                outcome: *outcome,
            },
            _ => return false,
        };
        self.send(input);
        true
    }

    fn send(self: &Rc<Self>, input: Input) {
        let Some(kiosk) = self.kiosk.upgrade() else {
            return;
        };
        let guides = self.guides.borrow().clone();
        // Only a start asks whether the backend answers (it reads the link's state from
        // the store); the flow reads `online` at its start alone.
        let online = matches!(input, Input::Start { .. })
            && self.desk.borrow().as_ref().is_some_and(|d| d.online());
        let ctx = Context {
            now: kiosk.now(),
            calendar: &self.calendar,
            guides: &guides,
            online,
        };
        let effects = self.flow.borrow_mut().handle(input, &ctx);
        for effect in effects {
            self.apply(effect);
        }
    }

    fn apply(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::Show(view) => self.kiosk.show(screen_of(view)),
            Effect::ItemChosen {
                code,
                name,
                windows,
            } => {
                let text = self
                    .guides
                    .borrow()
                    .item(&code)
                    .map(|i| i.name_text())
                    .unwrap_or_else(|| Text::zh(name.clone()));
                *self.item_name.borrow_mut() = name;
                self.kiosk.ui(|w| {
                    let ui = w.global::<Booking>();
                    ui.set_item(text.into());
                    ui.set_windows(windows.into());
                });
            }
            Effect::CardProblem(p) => self
                .kiosk
                .ui(|w| w.global::<Booking>().set_card_problem(card_problem(p))),
            Effect::Holder(h) => self.kiosk.ui(|w| {
                let ui = w.global::<Booking>();
                ui.set_holder_name(mask_name(&h.name).into());
                ui.set_holder_id(mask_id(&h.id_number).into());
            }),
            Effect::Dates(days) => {
                let rows: Vec<DayChoice> = days.into_iter().map(day_choice).collect();
                self.kiosk.ui(|w| {
                    w.global::<Booking>()
                        .set_days(ModelRc::new(VecModel::from(rows)))
                });
            }
            Effect::DateChosen(d) => self
                .kiosk
                .ui(|w| w.global::<Booking>().set_day(day_choice(d))),
            Effect::Slots(slots) => self.kiosk.ui(|w| {
                let ui = w.global::<Booking>();
                ui.set_slots_loading(slots.is_none());
                let rows: Vec<SlotRow> = slots
                    .unwrap_or_default()
                    .iter()
                    .map(|s| SlotRow {
                        id: s.slot_id.clone().into(),
                        label: s.label().into(),
                        left: i32::try_from(s.left).unwrap_or(i32::MAX),
                    })
                    .collect();
                ui.set_slots(ModelRc::new(VecModel::from(rows)));
            }),
            Effect::SlotChosen(s) => self.kiosk.ui(|w| {
                let ui = w.global::<Booking>();
                ui.set_slot(s.label().into());
                ui.set_slot_taken(false);
            }),
            Effect::SlotTaken => self
                .kiosk
                .ui(|w| w.global::<Booking>().set_slot_taken(true)),
            Effect::Failed(f) => self.kiosk.ui(|w| {
                w.global::<Booking>().set_failure(match f {
                    flow::Failure::Offline => BookFailure::Offline,
                    flow::Failure::AlreadyBooked => BookFailure::AlreadyBooked,
                    flow::Failure::Refused => BookFailure::Refused,
                })
            }),
            Effect::ListSlots {
                request,
                item,
                date,
            } => {
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.list_slots(request, &item, date);
                }
            }
            Effect::Book { request, order } => {
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.book(request, order);
                }
            }
            Effect::ShowBooked(b) => {
                let hall_id = self
                    .kiosk
                    .upgrade()
                    .map(|k| k.options().hall_id.clone())
                    .unwrap_or_default();
                let payload = crate::domain::booking::checkin_payload(&hall_id, &b.code);
                self.kiosk.ui(|w| {
                    let ui = w.global::<Booking>();
                    ui.set_appointment_no(b.appointment_no.clone().into());
                    ui.set_code(b.code.clone().into());
                    ui.set_qr(super::qr::qr_image(&payload, 8));
                    if !b.windows.is_empty() {
                        ui.set_windows(b.windows.join(", ").into());
                    }
                });
            }
            Effect::PrintSlip {
                request,
                booked,
                holder,
            } => {
                let item = self.item_name.borrow().clone();
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.print_appointment(request, &booked, &holder, &item);
                }
            }
            Effect::PrintState(s) => self.kiosk.ui(|w| {
                w.global::<Booking>()
                    .set_print_state(super::ticket::ui_print_state(s))
            }),
            Effect::HomeIn(seconds) => super::count_home(
                &self.kiosk,
                &self.countdown,
                seconds as i32,
                |w| w.global::<Booking>().get_home_in(),
                |w, s| w.global::<Booking>().set_home_in(s),
            ),
            Effect::StartCardWait(after) => {
                let me = Rc::downgrade(self);
                self.wait.start(TimerMode::SingleShot, after, move || {
                    if let Some(me) = me.upgrade() {
                        me.send(Input::CardWaitElapsed);
                    }
                });
            }
            Effect::StartTimeout { request, after } => {
                let me = Rc::downgrade(self);
                self.wait.start(TimerMode::SingleShot, after, move || {
                    if let Some(me) = me.upgrade() {
                        me.send(Input::TimedOut { request });
                    }
                });
            }
            Effect::StopTimers => {
                self.wait.stop();
                self.countdown.stop();
            }
            Effect::Cleared => self.clear(),
            Effect::BackToGuide => self.kiosk.show(Screen::GuideDetail),
        }
    }

    fn clear(&self) {
        self.kiosk.ui(|w| {
            let ui = w.global::<Booking>();
            ui.set_card_problem(CardProblem::None);
            ui.set_holder_name("".into());
            ui.set_holder_id("".into());
            ui.set_slots(ModelRc::default());
            ui.set_slot("".into());
            ui.set_slot_taken(false);
            ui.set_appointment_no("".into());
            ui.set_code("".into());
            ui.set_qr(slint::Image::default());
            ui.set_print_state(PrintState::None);
            ui.set_home_in(0);
            ui.set_failure(BookFailure::None);
        });
    }
}

fn day_choice(d: time::Date) -> DayChoice {
    DayChoice {
        date: format!("{d}").into(),
        month: i32::from(u8::from(d.month())),
        day: i32::from(d.day()),
        weekday: i32::from(d.weekday().number_days_from_monday()),
    }
}

fn card_problem(p: Option<FlowCardProblem>) -> CardProblem {
    match p {
        None => CardProblem::None,
        Some(FlowCardProblem::NoCard) => CardProblem::NoCard,
        Some(FlowCardProblem::ReadFailed) => CardProblem::ReadFailed,
        Some(FlowCardProblem::ReaderOffline) => CardProblem::ReaderOffline,
        Some(FlowCardProblem::Unreadable) => CardProblem::Unreadable,
        Some(FlowCardProblem::Expired) => CardProblem::Expired,
    }
}

fn screen_of(view: View) -> Screen {
    match view {
        View::Pick => Screen::BookPick,
        View::Card => Screen::BookCard,
        View::Date => Screen::BookDate,
        View::Slot => Screen::BookSlot,
        View::Confirm => Screen::BookConfirm,
        View::Booking => Screen::BookBooking,
        View::Done => Screen::BookDone,
        View::Failed => Screen::BookFailed,
    }
}
