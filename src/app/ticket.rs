//! 取号 and 预约签到 controller: turns the `TicketFlow` and `Checkin` globals' callbacks and
//! the devices' events into inputs of the flow (`crate::flows::ticket`), and carries out
//! what it asks: property writes, screens, desk orders and timers. The rules live in the
//! flow; this file only knows Slint.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, Timer, TimerMode, VecModel};

use super::{Kiosk, KioskLink};
use crate::domain::catalog::{Category, Guides, Text};
use crate::domain::hours::OpeningHours;
use crate::domain::privacy::{mask_id, mask_name};
use crate::domain::{
    AppEvent, CheckinFailure, Desk, IssuedTicket, Priority, QueueFigures, TicketFailure,
    TicketNames,
};
use crate::flows::ticket::rules::ticketing_open;
use crate::flows::ticket::{self as flow, Context, Effect, Input, TicketFlow as Flow, View};
use crate::ui::{
    CardProblem, CategoryRow, Checkin, CheckinState, Language, NoTicketReason, PrintState, Screen,
    Shell, Theme, TicketFlow, TicketPriority,
};

pub struct TicketController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    flow: RefCell<Flow>,
    queue: RefCell<Vec<QueueFigures>>,
    guides: RefCell<Rc<Guides>>,
    hours: OpeningHours,
    countdown: Timer,
    /// The card wait or the issue timeout: one at a time, as the flow asks.
    wait: Timer,
}

impl TicketController {
    pub fn new(kiosk: Weak<Kiosk>, hours: OpeningHours) -> Rc<Self> {
        Rc::new(TicketController {
            kiosk,
            desk: RefCell::default(),
            flow: RefCell::default(),
            queue: RefCell::default(),
            guides: RefCell::default(),
            hours,
            countdown: Timer::default(),
            wait: Timer::default(),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    /// A category's name in the catalog's languages; `name` (the backend's) when the
    /// catalog does not know the code.
    fn category_text(&self, code: &str, name: &str) -> Text {
        self.guides
            .borrow()
            .category(code)
            .map(Category::name_text)
            .unwrap_or_else(|| Text::zh(name))
    }

    pub fn set_guides(&self, guides: Rc<Guides>) {
        *self.guides.borrow_mut() = guides;
        self.show_categories();
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let ui = window.global::<TicketFlow>();
        let me = Rc::downgrade(self);
        ui.on_choose_category(move |c| {
            if let Some(me) = me.upgrade() {
                me.send(Input::ChooseCategory(c.to_string()));
            }
        });
        let me = Rc::downgrade(self);
        ui.on_choose_priority(move |p| {
            if let Some(me) = me.upgrade() {
                me.send(Input::ChoosePriority(priority_of(p)));
            }
        });
        let me = Rc::downgrade(self);
        ui.on_with_card(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::WithCard);
            }
        });
        let me = Rc::downgrade(self);
        ui.on_without_card(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::WithoutCard);
            }
        });
        let me = Rc::downgrade(self);
        ui.on_cancel_card(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::CancelCard);
            }
        });
        let me = Rc::downgrade(self);
        ui.on_reprint_held(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::ReprintHeld);
            }
        });
        let me = Rc::downgrade(self);
        window.global::<Checkin>().on_take_ordinary(move || {
            if let Some(me) = me.upgrade() {
                me.start();
            }
        });
    }

    /// The 取号 tile.
    pub fn start(self: &Rc<Self>) {
        self.send(Input::Start);
    }

    /// The 预约签到 tile.
    pub fn start_checkin(self: &Rc<Self>) {
        self.send(Input::StartCheckin);
    }

    /// Wipes everything personal and every pending wait (home, idle timeout).
    pub fn reset(self: &Rc<Self>) {
        self.send(Input::Reset);
    }

    /// The last ticket, for staff's "reprint".
    pub fn last_ticket(&self) -> Option<IssuedTicket> {
        self.flow.borrow().last_ticket().cloned()
    }

    /// Handles an event; returns false when the event is not for this flow.
    pub fn handle(self: &Rc<Self>, event: &AppEvent) -> bool {
        let input = match event {
            AppEvent::CardPresented(holder) => Input::Card(holder.clone()),
            AppEvent::CardUnreadable(_) => Input::CardUnreadable,
            AppEvent::ReaderOffline => Input::ReaderOffline,
            AppEvent::CardRemoved => Input::CardRemoved,
            AppEvent::Scanned(code) => Input::Scanned(code.clone()),
            AppEvent::Ticket { request, result } => Input::Issued {
                request: *request,
                result: result.clone(),
            },
            AppEvent::Checkin { request, result } => Input::CheckedIn {
                request: *request,
                result: result.clone(),
            },
            AppEvent::Printed { request, outcome } => Input::Printed {
                request: *request,
                outcome: *outcome,
            },
            AppEvent::Queue(figures) => {
                *self.queue.borrow_mut() = figures.clone();
                self.show_categories();
                return true;
            }
            _ => return false,
        };
        self.send(input);
        true
    }

    /// Feeds one input to the flow and carries out its effects, in order.
    fn send(self: &Rc<Self>, input: Input) {
        let Some(kiosk) = self.kiosk.upgrade() else {
            return;
        };
        let guides = self.guides.borrow().clone();
        let ctx = Context {
            now: kiosk.now(),
            hours: &self.hours,
            guides: &guides,
        };
        let effects = self.flow.borrow_mut().handle(input, &ctx);
        for effect in effects {
            self.apply(effect);
        }
    }

    fn apply(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::Show(view) => self.kiosk.show(screen_of(view)),
            Effect::ShowCategories => self.show_categories(),
            Effect::AskForQueueFigures => {
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.refresh_queue();
                }
            }
            Effect::CategoryChosen {
                code,
                name,
                windows,
            } => self.kiosk.ui(|w| {
                let ui = w.global::<TicketFlow>();
                ui.set_category(self.category_text(&code, &name).into());
                ui.set_category_code(code.into());
                ui.set_windows(windows.into());
            }),
            Effect::Priority {
                priority,
                from_card,
            } => self.kiosk.ui(|w| {
                let ui = w.global::<TicketFlow>();
                ui.set_priority(ui_priority(priority));
                ui.set_priority_from_card(from_card);
                if from_card && !w.global::<Theme>().get_elderly() {
                    // 适老化: a card holder of 65+ is offered 长辈模式, one tap away; some
                    // read small type well and would rather keep every choice.
                    w.global::<Shell>().set_elderly_offer(true);
                }
            }),
            Effect::CardProblem(p) => {
                self.kiosk.ui(|w| {
                    w.global::<TicketFlow>()
                        .set_card_problem(ui_card_problem(p))
                });
                if p == Some(flow::CardProblem::ReaderOffline) {
                    if let Some(k) = self.kiosk.upgrade() {
                        k.voice().fault("fault-card-reader");
                    }
                }
            }
            Effect::Failed(failure) => self.kiosk.ui(|w| {
                let ui = w.global::<TicketFlow>();
                match failure {
                    flow::Failure::Closed { next_opening } => {
                        ui.set_failure(NoTicketReason::Closed);
                        ui.set_next_opening(next_opening.into());
                    }
                    flow::Failure::NoOfflineNumbers => {
                        ui.set_failure(NoTicketReason::NoOfflineNumbers)
                    }
                    flow::Failure::Unavailable => ui.set_failure(NoTicketReason::Unavailable),
                    flow::Failure::AlreadyHeld { ticket_no } => {
                        ui.set_failure(NoTicketReason::AlreadyHeld);
                        ui.set_ticket_no(ticket_no.into());
                    }
                }
            }),
            Effect::Checkin(state) => self
                .kiosk
                .ui(|w| w.global::<Checkin>().set_state(ui_checkin(state))),
            Effect::ShowTicket {
                ticket,
                category_name,
                windows,
                holder,
            } => self.show_ticket(&ticket, category_name, windows, holder),
            Effect::PrintState(state) => {
                self.kiosk.ui(|w| {
                    w.global::<TicketFlow>()
                        .set_print_state(ui_print_state(state))
                });
                let fault = match state {
                    flow::PrintState::PaperOut => Some("fault-paper-out"),
                    flow::PrintState::PrinterOffline => Some("fault-printer"),
                    _ => None,
                };
                if let (Some(id), Some(k)) = (fault, self.kiosk.upgrade()) {
                    k.voice().fault(id);
                }
            }
            Effect::HomeIn(seconds) => super::count_home(
                &self.kiosk,
                &self.countdown,
                seconds as i32,
                |w| w.global::<TicketFlow>().get_home_in(),
                |w, s| w.global::<TicketFlow>().set_home_in(s),
            ),
            Effect::ForgetHolder => self.kiosk.ui(|w| {
                let ui = w.global::<TicketFlow>();
                ui.set_holder_name("".into());
                ui.set_holder_id("".into());
            }),
            Effect::TakeTicket { request, order } => {
                let desk = self.desk.borrow().clone();
                match desk {
                    Some(desk) => desk.take_ticket(request, order),
                    None => self.send(Input::Issued {
                        request,
                        result: Err(TicketFailure::Unavailable("no backend".into())),
                    }),
                }
            }
            Effect::CheckIn { request, key } => {
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.check_in(request, key);
                }
            }
            Effect::PrintTicket {
                request,
                ticket,
                category_name,
                windows,
            } => {
                let mut names = self.names(&ticket.category, &category_name);
                if !windows.is_empty() {
                    names.windows = windows;
                }
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.print_ticket(request, &ticket, &names);
                }
            }
            Effect::ReprintHeld {
                request,
                ticket_no,
                category,
                category_name,
                windows,
            } => {
                let mut names = self.names(&category, &category_name);
                if !windows.is_empty() {
                    names.windows = windows;
                }
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.reprint_held(request, &ticket_no, &names);
                }
            }
            Effect::StartCardWait(after) => {
                let me = Rc::downgrade(self);
                self.wait.start(TimerMode::SingleShot, after, move || {
                    if let Some(me) = me.upgrade() {
                        me.send(Input::CardWaitElapsed);
                    }
                });
            }
            Effect::StartIssueTimeout { request, after } => {
                // A request that never answers must not leave the citizen at a spinner.
                let me = Rc::downgrade(self);
                self.wait.start(TimerMode::SingleShot, after, move || {
                    if let Some(me) = me.upgrade() {
                        me.send(Input::IssueTimedOut { request });
                    }
                });
            }
            Effect::StopTimers => {
                self.wait.stop();
                self.countdown.stop();
            }
            Effect::Cleared => self.clear(),
        }
    }

    /// The names on a category's slip; a citizen who read the screen in Tibetan gets a
    /// slip in both scripts.
    fn names(&self, category: &str, category_name: &str) -> TicketNames {
        let tibetan = self
            .kiosk
            .upgrade()
            .is_some_and(|k| k.window().global::<Shell>().get_language() == Language::Bo);
        TicketNames::of(&self.guides.borrow(), category, category_name, tibetan)
    }

    fn show_categories(&self) {
        let guides = self.guides.borrow().clone();
        let queue = self.queue.borrow().clone();
        let now = self.kiosk.upgrade().map(|k| k.now());
        let rows: Vec<CategoryRow> = guides
            .categories
            .iter()
            .map(|c| {
                let figures = queue.iter().find(|q| q.category == c.code);
                let open = now.is_none_or(|n| {
                    ticketing_open(&self.hours, c.hours.as_deref(), n.weekday(), n.time()).is_ok()
                });
                CategoryRow {
                    code: c.code.clone().into(),
                    name: c.name_text().into(),
                    windows: c.windows.join(", ").into(),
                    waiting: figures.map_or(0, |f| f.waiting as i32),
                    est_wait_min: figures.map_or(0, |f| f.est_wait_min as i32),
                    open,
                    hours: c.hours.clone().unwrap_or_default().into(),
                }
            })
            .collect();
        let live = !queue.is_empty();
        self.kiosk.ui(|w| {
            let ui = w.global::<TicketFlow>();
            ui.set_categories(ModelRc::new(VecModel::from(rows)));
            ui.set_queue_live(live);
        });
    }

    fn show_ticket(
        &self,
        ticket: &IssuedTicket,
        category_name: String,
        windows: String,
        holder: Option<crate::domain::CardHolder>,
    ) {
        let issued = ticket.issued_at;
        self.kiosk.ui(|w| {
            let ui = w.global::<TicketFlow>();
            ui.set_category(self.category_text(&ticket.category, &category_name).into());
            ui.set_windows(windows.into());
            ui.set_ticket_no(ticket.ticket_no.clone().into());
            ui.set_waiting_ahead(ticket.waiting_ahead as i32);
            ui.set_est_wait_min(ticket.est_wait_min as i32);
            ui.set_issued_time(
                format!(
                    "{} {:02}:{:02}",
                    issued.date(),
                    issued.hour(),
                    issued.minute()
                )
                .into(),
            );
            ui.set_offline(ticket.offline);
            ui.set_home_in(0);
            ui.set_qr(super::qr::qr_image(&ticket.track_url, 8));
            let (item, slot) = ticket.appointment.clone().unwrap_or_default();
            ui.set_appointment_item(item.into());
            ui.set_appointment_slot(slot.into());
            let (name, id) = holder
                .map(|h| (mask_name(&h.name), mask_id(&h.id_number)))
                .unwrap_or_default();
            ui.set_holder_name(name.into());
            ui.set_holder_id(id.into());
        });
    }

    fn clear(&self) {
        self.kiosk.ui(|w| {
            let ui = w.global::<TicketFlow>();
            ui.set_priority(TicketPriority::None);
            ui.set_priority_from_card(false);
            ui.set_holder_name("".into());
            ui.set_holder_id("".into());
            ui.set_card_problem(CardProblem::None);
            ui.set_ticket_no("".into());
            ui.set_offline(false);
            ui.set_print_state(PrintState::None);
            ui.set_home_in(0);
            ui.set_qr(slint::Image::default());
            ui.set_appointment_item("".into());
            ui.set_appointment_slot("".into());
            ui.set_failure(NoTicketReason::None);
        });
    }
}

fn screen_of(view: View) -> Screen {
    match view {
        View::Categories => Screen::TicketCategories,
        View::Method => Screen::TicketMethod,
        View::CardWait => Screen::TicketCardWait,
        View::Printing => Screen::TicketPrinting,
        View::Issued => Screen::TicketIssued,
        View::Failed => Screen::TicketFailed,
        View::Checkin => Screen::Checkin,
        View::CheckinFailed => Screen::CheckinNotFound,
    }
}

fn priority_of(p: TicketPriority) -> Option<Priority> {
    match p {
        TicketPriority::None => None,
        TicketPriority::Elderly => Some(Priority::Elderly),
        TicketPriority::Disabled => Some(Priority::Disabled),
        TicketPriority::Pregnant => Some(Priority::Pregnant),
        TicketPriority::Other => Some(Priority::Other),
    }
}

fn ui_priority(p: Option<Priority>) -> TicketPriority {
    match p {
        None => TicketPriority::None,
        Some(Priority::Elderly) => TicketPriority::Elderly,
        Some(Priority::Disabled) => TicketPriority::Disabled,
        Some(Priority::Pregnant) => TicketPriority::Pregnant,
        Some(Priority::Other) => TicketPriority::Other,
    }
}

fn ui_card_problem(p: Option<flow::CardProblem>) -> CardProblem {
    match p {
        None => CardProblem::None,
        Some(flow::CardProblem::NoCard) => CardProblem::NoCard,
        Some(flow::CardProblem::ReadFailed) => CardProblem::ReadFailed,
        Some(flow::CardProblem::ReaderOffline) => CardProblem::ReaderOffline,
        Some(flow::CardProblem::Unreadable) => CardProblem::Unreadable,
        Some(flow::CardProblem::Expired) => CardProblem::Expired,
    }
}

fn ui_checkin(state: flow::CheckinState) -> CheckinState {
    match state {
        flow::CheckinState::Waiting => CheckinState::Waiting,
        flow::CheckinState::LookingUp => CheckinState::LookingUp,
        flow::CheckinState::BadCode => CheckinState::BadCode,
        flow::CheckinState::Failed(f) => match f {
            CheckinFailure::NotFound => CheckinState::NotFound,
            CheckinFailure::OtherHall => CheckinState::OtherHall,
            CheckinFailure::AlreadyUsed => CheckinState::Used,
            CheckinFailure::Offline => CheckinState::Offline,
        },
    }
}

/// A slip's printing as the screens show it; the ticket, booking and payment screens share it.
pub(crate) fn ui_print_state(state: flow::PrintState) -> PrintState {
    match state {
        flow::PrintState::Printing => PrintState::Printing,
        flow::PrintState::Printed => PrintState::Printed,
        flow::PrintState::PaperOut => PrintState::PaperOut,
        flow::PrintState::PrinterOffline => PrintState::PrinterOffline,
    }
}
