//! 取号 and 预约签到 controller: categories, with or without a card, priority, issuing,
//! printing, and every fault a citizen can meet on the way (paper out, backend down, no
//! offline numbers, card errors, expired cards).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, Timer, TimerMode, VecModel};

use super::{Kiosk, KioskLink};
use crate::domain::catalog::Guides;
use crate::domain::hours::OpeningHours;
use crate::domain::privacy::{mask_id, mask_name};
use crate::domain::Priority;
use crate::domain::{
    AppEvent, CardHolder, CheckinFailure, CheckinKey, Desk, IssuedTicket, PrintOutcome,
    QueueFigures, ScannedCode, Source, TicketFailure, TicketOrder,
};
use crate::flows::ticket::rules::{card_expired, priority_for, ticketing_open};
use crate::ui::{
    CardProblem, CategoryRow, Checkin, CheckinState, NoTicketReason, PrintState, Screen, Theme,
    TicketFlow, TicketPriority,
};

/// How long the ticket stays on screen after it printed.
const SHOW_PRINTED_S: i32 = 10;
/// Longer when the citizen must photograph the on-screen code.
const SHOW_ON_SCREEN_S: i32 = 60;
/// How long to wait for a card before saying none was placed.
const CARD_WAIT_S: u64 = 30;
/// An answer slower than this shows the "cannot issue" screen rather than a spinner forever.
const ISSUE_TIMEOUT_S: u64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Idle,
    Categories,
    Method,
    CardWait,
    Issuing,
    Issued,
    Checkin,
    CheckinLookup,
}

pub struct TicketController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    stage: Cell<Stage>,
    request: Cell<u64>,
    category: RefCell<String>,
    priority: Cell<Option<Priority>>,
    holder: RefCell<Option<CardHolder>>,
    ticket: RefCell<Option<IssuedTicket>>,
    queue: RefCell<Vec<QueueFigures>>,
    guides: RefCell<Rc<Guides>>,
    hours: OpeningHours,
    countdown: Timer,
    wait: Timer,
}

impl TicketController {
    pub fn new(kiosk: Weak<Kiosk>, hours: OpeningHours) -> Rc<Self> {
        Rc::new(TicketController {
            kiosk,
            desk: RefCell::default(),
            stage: Cell::new(Stage::Idle),
            request: Cell::new(0),
            category: RefCell::default(),
            priority: Cell::new(None),
            holder: RefCell::default(),
            ticket: RefCell::default(),
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

    pub fn set_guides(&self, guides: Rc<Guides>) {
        *self.guides.borrow_mut() = guides;
        self.show_categories_model();
    }

    fn kiosk(&self) -> Option<Rc<Kiosk>> {
        self.kiosk.upgrade()
    }

    fn next_request(&self) -> u64 {
        self.request.set(self.request.get() + 1);
        self.request.get()
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let flow = window.global::<TicketFlow>();
        let me = Rc::downgrade(self);
        flow.on_choose_category(move |c| {
            if let Some(me) = me.upgrade() {
                me.choose_category(&c);
            }
        });
        let me = Rc::downgrade(self);
        flow.on_choose_priority(move |p| {
            if let Some(me) = me.upgrade() {
                me.priority.set(match p {
                    TicketPriority::None => None,
                    TicketPriority::Elderly => Some(Priority::Elderly),
                    TicketPriority::Disabled => Some(Priority::Disabled),
                    TicketPriority::Pregnant => Some(Priority::Pregnant),
                    TicketPriority::Other => Some(Priority::Other),
                });
                me.kiosk.ui(|w| w.global::<TicketFlow>().set_priority(p));
            }
        });
        let me = Rc::downgrade(self);
        flow.on_with_card(move || {
            if let Some(me) = me.upgrade() {
                me.wait_for_card();
            }
        });
        let me = Rc::downgrade(self);
        flow.on_without_card(move || {
            if let Some(me) = me.upgrade() {
                me.issue(Source::WalkIn, None);
            }
        });
        let me = Rc::downgrade(self);
        flow.on_cancel_card(move || {
            if let Some(me) = me.upgrade() {
                me.wait.stop();
                me.stage.set(Stage::Method);
                me.kiosk.show(Screen::TicketMethod);
            }
        });
        let me = Rc::downgrade(self);
        window.global::<Checkin>().on_take_ordinary(move || {
            if let Some(me) = me.upgrade() {
                me.start();
            }
        });
    }

    // ---- taking a ticket -------------------------------------------------------------

    /// The 取号 tile.
    pub fn start(&self) {
        self.reset();
        self.stage.set(Stage::Categories);
        self.show_categories_model();
        if let Some(desk) = self.desk.borrow().as_ref() {
            desk.refresh_queue();
        }
        self.kiosk.show(Screen::TicketCategories);
    }

    fn show_categories_model(&self) {
        let guides = self.guides.borrow().clone();
        let queue = self.queue.borrow().clone();
        let now = self.kiosk().map(|k| k.now());
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
                    name: c.name.clone().into(),
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
            let flow = w.global::<TicketFlow>();
            flow.set_categories(ModelRc::new(VecModel::from(rows)));
            flow.set_queue_live(live);
        });
    }

    pub fn choose_category(&self, code: &str) {
        let guides = self.guides.borrow().clone();
        let Some(category) = guides.category(code) else {
            return;
        };
        *self.category.borrow_mut() = code.to_string();
        let now = self.kiosk().map(|k| k.now());
        if let Some(now) = now {
            if let Err(next) = ticketing_open(
                &self.hours,
                category.hours.as_deref(),
                now.weekday(),
                now.time(),
            ) {
                let next = next
                    .map(|(days, t)| match days {
                        0 => format!("{:02}:{:02}", t.hour(), t.minute()),
                        d => {
                            let date = now.date() + time::Duration::days(i64::from(d));
                            format!("{} {:02}:{:02}", date, t.hour(), t.minute())
                        }
                    })
                    .unwrap_or_default();
                self.kiosk.ui(|w| {
                    let flow = w.global::<TicketFlow>();
                    flow.set_failure(NoTicketReason::Closed);
                    flow.set_next_opening(next.into());
                });
                self.kiosk.show(Screen::TicketFailed);
                return;
            }
        }
        self.kiosk.ui(|w| {
            let flow = w.global::<TicketFlow>();
            flow.set_category_code(code.into());
            flow.set_category_name(category.name.clone().into());
            flow.set_windows(category.windows.join(", ").into());
            flow.set_card_problem(CardProblem::None);
        });
        self.stage.set(Stage::Method);
        self.kiosk.show(Screen::TicketMethod);
    }

    fn wait_for_card(self: &Rc<Self>) {
        self.stage.set(Stage::CardWait);
        self.kiosk
            .ui(|w| w.global::<TicketFlow>().set_card_problem(CardProblem::None));
        self.kiosk.show(Screen::TicketCardWait);
        let me = Rc::downgrade(self);
        self.wait.start(
            TimerMode::SingleShot,
            Duration::from_secs(CARD_WAIT_S),
            move || {
                if let Some(me) = me.upgrade() {
                    if me.stage.get() == Stage::CardWait {
                        me.kiosk.ui(|w| {
                            w.global::<TicketFlow>()
                                .set_card_problem(CardProblem::NoCard)
                        });
                    }
                }
            },
        );
    }

    fn issue(self: &Rc<Self>, source: Source, holder: Option<CardHolder>) {
        self.wait.stop();
        let today = self.kiosk().map(|k| k.now().date());
        let birth = holder.as_ref().and_then(|h| h.birth);
        let (priority, from_card) = match today {
            Some(t) => priority_for(self.priority.get(), birth, t),
            None => (self.priority.get(), false),
        };
        self.kiosk.ui(|w| {
            let flow = w.global::<TicketFlow>();
            flow.set_priority(match priority {
                None => TicketPriority::None,
                Some(Priority::Elderly) => TicketPriority::Elderly,
                Some(Priority::Disabled) => TicketPriority::Disabled,
                Some(Priority::Pregnant) => TicketPriority::Pregnant,
                Some(Priority::Other) => TicketPriority::Other,
            });
            flow.set_priority_from_card(from_card);
            if from_card {
                // 适老化: a card holder of 65+ gets the larger type without asking.
                w.global::<Theme>().set_elderly(true);
            }
        });
        let order = TicketOrder {
            category: self.category.borrow().clone(),
            source,
            priority,
            applicant: holder,
        };
        let request = self.next_request();
        self.stage.set(Stage::Issuing);
        self.kiosk.show(Screen::TicketPrinting);
        self.guard_timeout(request);
        match self.desk.borrow().as_ref() {
            Some(desk) => desk.take_ticket(request, order),
            None => self.ticket_failed(TicketFailure::Unavailable("no backend".into())),
        }
    }

    /// A request that never answers must not leave the citizen at a spinner.
    fn guard_timeout(self: &Rc<Self>, request: u64) {
        let me = Rc::downgrade(self);
        self.wait.start(
            TimerMode::SingleShot,
            Duration::from_secs(ISSUE_TIMEOUT_S),
            move || {
                if let Some(me) = me.upgrade() {
                    if me.request.get() == request
                        && matches!(me.stage.get(), Stage::Issuing | Stage::CheckinLookup)
                    {
                        me.ticket_failed(TicketFailure::Unavailable("no answer".into()));
                    }
                }
            },
        );
    }

    fn ticket_issued(self: &Rc<Self>, ticket: IssuedTicket) {
        self.wait.stop();
        self.stage.set(Stage::Issued);
        let guides = self.guides.borrow().clone();
        let category = guides.category(&ticket.category);
        let name = category.map(|c| c.name.clone()).unwrap_or_default();
        let windows = category.map(|c| c.windows.join(", ")).unwrap_or_default();
        let holder = self.holder.borrow().clone();
        let issued = ticket.issued_at;
        self.kiosk.ui(|w| {
            let flow = w.global::<TicketFlow>();
            flow.set_category_name(name.clone().into());
            flow.set_windows(windows.clone().into());
            flow.set_ticket_no(ticket.ticket_no.clone().into());
            flow.set_waiting_ahead(ticket.waiting_ahead as i32);
            flow.set_est_wait_min(ticket.est_wait_min as i32);
            flow.set_issued_time(
                format!(
                    "{} {:02}:{:02}",
                    issued.date(),
                    issued.hour(),
                    issued.minute()
                )
                .into(),
            );
            flow.set_offline(ticket.offline);
            flow.set_print_state(PrintState::Printing);
            flow.set_home_in(0);
            flow.set_qr(super::qr::qr_image(&ticket.track_url, 8));
            let (item, slot) = ticket.appointment.clone().unwrap_or_default();
            flow.set_appointment_item(item.into());
            flow.set_appointment_slot(slot.into());
            match &holder {
                Some(h) => {
                    flow.set_holder_name(mask_name(&h.name).into());
                    flow.set_holder_id(mask_id(&h.id_number).into());
                }
                None => {
                    flow.set_holder_name("".into());
                    flow.set_holder_id("".into());
                }
            }
        });
        self.kiosk.show(Screen::TicketIssued);
        let request = self.next_request();
        if let Some(desk) = self.desk.borrow().as_ref() {
            desk.print_ticket(request, &ticket, &name, &windows);
        }
        *self.ticket.borrow_mut() = Some(ticket);
    }

    fn printed(self: &Rc<Self>, outcome: PrintOutcome) {
        let (state, seconds) = match outcome {
            PrintOutcome::Printed | PrintOutcome::PrintedPaperLow => {
                (PrintState::Printed, SHOW_PRINTED_S)
            }
            PrintOutcome::PaperOut => (PrintState::PaperOut, SHOW_ON_SCREEN_S),
            PrintOutcome::PrinterOffline => (PrintState::PrinterOffline, SHOW_ON_SCREEN_S),
        };
        self.kiosk
            .ui(|w| w.global::<TicketFlow>().set_print_state(state));
        self.count_home(seconds);
    }

    fn count_home(self: &Rc<Self>, seconds: i32) {
        self.kiosk
            .ui(|w| w.global::<TicketFlow>().set_home_in(seconds));
        let me = Rc::downgrade(self);
        self.countdown
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                let Some(me) = me.upgrade() else { return };
                let mut left = 0;
                me.kiosk.ui(|w| {
                    let flow = w.global::<TicketFlow>();
                    left = (flow.get_home_in() - 1).max(0);
                    flow.set_home_in(left);
                });
                if left == 0 {
                    me.countdown.stop();
                    if let Some(k) = me.kiosk() {
                        k.go_home();
                    }
                }
            });
    }

    fn ticket_failed(&self, failure: TicketFailure) {
        self.wait.stop();
        tracing::warn!(target: "alert", "no ticket issued: {failure:?}");
        let reason = match failure {
            TicketFailure::NoOfflineNumbers => NoTicketReason::NoOfflineNumbers,
            TicketFailure::Refused(_) | TicketFailure::Unavailable(_) => {
                NoTicketReason::Unavailable
            }
        };
        self.stage.set(Stage::Idle);
        self.kiosk
            .ui(|w| w.global::<TicketFlow>().set_failure(reason));
        self.kiosk.show(Screen::TicketFailed);
    }

    // ---- appointment check-in --------------------------------------------------------

    /// The 预约签到 tile.
    pub fn start_checkin(&self) {
        self.reset();
        self.stage.set(Stage::Checkin);
        self.kiosk
            .ui(|w| w.global::<Checkin>().set_state(CheckinState::Waiting));
        self.kiosk.show(Screen::Checkin);
    }

    fn look_up(self: &Rc<Self>, key: CheckinKey) {
        let request = self.next_request();
        self.stage.set(Stage::CheckinLookup);
        self.kiosk
            .ui(|w| w.global::<Checkin>().set_state(CheckinState::LookingUp));
        self.guard_timeout(request);
        if let Some(desk) = self.desk.borrow().as_ref() {
            desk.check_in(request, key);
        }
    }

    fn checkin_failed(&self, failure: CheckinFailure) {
        self.wait.stop();
        let state = match failure {
            CheckinFailure::NotFound => CheckinState::NotFound,
            CheckinFailure::OtherHall => CheckinState::OtherHall,
            CheckinFailure::AlreadyUsed => CheckinState::Used,
            CheckinFailure::Offline => CheckinState::Offline,
        };
        self.stage.set(Stage::Idle);
        self.kiosk.ui(|w| w.global::<Checkin>().set_state(state));
        self.kiosk.show(Screen::CheckinNotFound);
    }

    // ---- events ------------------------------------------------------------------------

    /// Handles an event; returns false when the event is not for this flow.
    pub fn handle(self: &Rc<Self>, event: &AppEvent) -> bool {
        match event {
            AppEvent::CardPresented(holder) => self.card(holder.clone()),
            AppEvent::CardUnreadable(_) => {
                if matches!(self.stage.get(), Stage::CardWait | Stage::Checkin) {
                    self.kiosk.ui(|w| {
                        w.global::<TicketFlow>()
                            .set_card_problem(CardProblem::ReadFailed)
                    });
                }
            }
            AppEvent::ReaderOffline => {
                if matches!(self.stage.get(), Stage::CardWait | Stage::Checkin) {
                    self.kiosk.ui(|w| {
                        w.global::<TicketFlow>()
                            .set_card_problem(CardProblem::ReaderOffline)
                    });
                }
            }
            AppEvent::CardRemoved => self.forget_card(),
            AppEvent::Scanned(code) => self.scanned(code),
            AppEvent::Ticket { request, result } if *request == self.request.get() => {
                if self.stage.get() == Stage::Issuing {
                    match result {
                        Ok(t) => self.ticket_issued(t.clone()),
                        Err(f) => self.ticket_failed(f.clone()),
                    }
                }
            }
            AppEvent::Checkin { request, result } if *request == self.request.get() => {
                if self.stage.get() == Stage::CheckinLookup {
                    match result {
                        Ok(t) => self.ticket_issued(t.clone()),
                        Err(f) => self.checkin_failed(*f),
                    }
                }
            }
            AppEvent::Printed { request, outcome } if *request == self.request.get() => {
                self.printed(*outcome)
            }
            AppEvent::Queue(figures) => {
                *self.queue.borrow_mut() = figures.clone();
                self.show_categories_model();
            }
            _ => return false,
        }
        true
    }

    fn card(self: &Rc<Self>, holder: CardHolder) {
        let stage = self.stage.get();
        if !matches!(stage, Stage::CardWait | Stage::Checkin) {
            return;
        }
        let today = self.kiosk().map(|k| k.now().date());
        let problem = if !holder.usable {
            Some(CardProblem::Unreadable)
        } else if today.is_some_and(|t| card_expired(holder.valid_until, t)) {
            Some(CardProblem::Expired)
        } else {
            None
        };
        if let Some(p) = problem {
            self.kiosk
                .ui(|w| w.global::<TicketFlow>().set_card_problem(p));
            return;
        }
        *self.holder.borrow_mut() = Some(holder.clone());
        if stage == Stage::CardWait {
            self.issue(Source::IdCard, Some(holder));
        } else {
            let id = holder.id_number.clone();
            self.look_up(CheckinKey::IdNumber(id));
        }
    }

    fn scanned(self: &Rc<Self>, code: &ScannedCode) {
        if self.stage.get() != Stage::Checkin {
            return;
        }
        match code {
            ScannedCode::Appointment(c) => self.look_up(CheckinKey::Code(c.clone())),
            ScannedCode::OtherHallAppointment => self.checkin_failed(CheckinFailure::OtherHall),
            _ => self
                .kiosk
                .ui(|w| w.global::<Checkin>().set_state(CheckinState::BadCode)),
        }
    }

    /// Card removed: its data leaves the screen and the session at once.
    fn forget_card(&self) {
        *self.holder.borrow_mut() = None;
        self.kiosk.ui(|w| {
            let flow = w.global::<TicketFlow>();
            flow.set_holder_name("".into());
            flow.set_holder_id("".into());
        });
    }

    /// Wipes everything personal and every pending wait (home, idle timeout).
    pub fn reset(&self) {
        self.countdown.stop();
        self.wait.stop();
        self.stage.set(Stage::Idle);
        self.request.set(self.request.get() + 1);
        self.priority.set(None);
        *self.holder.borrow_mut() = None;
        *self.ticket.borrow_mut() = None;
        self.category.borrow_mut().clear();
        self.kiosk.ui(|w| {
            let flow = w.global::<TicketFlow>();
            flow.set_priority(TicketPriority::None);
            flow.set_priority_from_card(false);
            flow.set_holder_name("".into());
            flow.set_holder_id("".into());
            flow.set_card_problem(CardProblem::None);
            flow.set_ticket_no("".into());
            flow.set_offline(false);
            flow.set_print_state(PrintState::None);
            flow.set_home_in(0);
            flow.set_qr(slint::Image::default());
            flow.set_appointment_item("".into());
            flow.set_appointment_slot("".into());
            flow.set_failure(NoTicketReason::None);
        });
    }

    /// The last ticket, for staff's "reprint".
    pub fn last_ticket(&self) -> Option<IssuedTicket> {
        self.ticket.borrow().clone()
    }
}
