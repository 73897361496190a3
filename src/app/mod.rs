//! Controllers: they own the window, set the globals' properties and handle their callbacks.
//! Each citizen flow has one ([`ticket`], [`submit`], [`progress`], [`guide`], [`feedback`],
//! [`help`], [`staff`]): Slint callbacks and events become inputs of its state machine in
//! `crate::flows`, and the effects it returns become property writes, screens, desk calls
//! and timers. Nothing below this module knows Slint.
//!
//! - [`Kiosk`]: the shell (header, language, elderly mode, navigation, idle timeout); its
//!   events are routed to the flow that owns them (`dispatch.rs`).
//! - [`start`] / [`run`]: a window wired to the services, and the event loop.
//! - [`idle`]: the idle countdown that returns home and wipes the session; [`screen`]: the
//!   backlight and the rest after hours; [`keyboard`]: the on-screen keyboard.
//! - [`screens`]: every named screen, with sample data, for `kiosk screenshot`.
//! - [`voice`]: when the kiosk speaks (screen prompts, the ticket, faults, the speaker button).
//! - [`demo`]: the demo's keys on the simulated world.

pub mod booking;
pub mod demo;
mod dispatch;
pub mod feedback;
pub mod guide;
pub mod help;
pub mod idle;
pub mod keyboard;
mod options;
pub mod payment;
pub mod progress;
pub mod qr;
mod run;
pub mod screen;
pub mod screens;
pub mod staff;
pub mod submit;
pub mod ticket;
pub mod voice;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, Timer, TimerMode, VecModel};

use crate::domain::catalog::Text;
use crate::domain::Desk;
use crate::platform::config::{HomeTile, Locale, Orientation};
use crate::services::events::EventReceiver;
use crate::ui::{AppWindow, Feature, Language, Nav, Screen, Shell, Theme};

pub use options::{Session, UiOptions};
pub use run::{options_from_config, run, run_fault, start, start_fault, Ended};

/// The kiosk's UI controller.
pub struct Kiosk {
    window: AppWindow,
    options: UiOptions,
    session: Rc<RefCell<Session>>,
    idle: Rc<idle::IdleTimer>,
    clock: Timer,
    staff: RefCell<Option<Rc<staff::StaffController>>>,
    guide: Rc<guide::GuideController>,
    keyboard: Rc<keyboard::KeyboardController>,
    ticket: Rc<ticket::TicketController>,
    booking: Rc<booking::BookingController>,
    payment: Rc<payment::PaymentController>,
    help: Rc<help::HelpController>,
    feedback: Rc<feedback::FeedbackController>,
    submit: Rc<submit::SubmitController>,
    progress: Rc<progress::ProgressController>,
    screen: Rc<screen::ScreenController>,
    voice: voice::VoiceController,
    events: RefCell<Option<EventReceiver>>,
    restart: std::cell::Cell<bool>,
}

/// What every flow controller does through its weak link to the kiosk: change what the
/// window shows, and move to another screen (which counts as activity for the idle timer).
pub(crate) trait KioskLink {
    fn ui(&self, f: impl FnOnce(&AppWindow));
    fn show(&self, screen: Screen);
}

impl KioskLink for std::rc::Weak<Kiosk> {
    fn ui(&self, f: impl FnOnce(&AppWindow)) {
        if let Some(k) = self.upgrade() {
            f(k.window());
        }
    }

    fn show(&self, screen: Screen) {
        if let Some(k) = self.upgrade() {
            k.window().global::<Nav>().set_screen(screen);
            k.activity();
            k.voice.entered(screen);
        }
    }
}

/// "Returning to home in N seconds": sets a screen's countdown, lowers it once a second and
/// goes home at zero. Going home resets the flow, whose reset stops `timer`.
pub(crate) fn count_home(
    kiosk: &std::rc::Weak<Kiosk>,
    timer: &Timer,
    seconds: i32,
    get: fn(&AppWindow) -> i32,
    set: fn(&AppWindow, i32),
) {
    kiosk.ui(|w| set(w, seconds));
    let kiosk = kiosk.clone();
    timer.start(TimerMode::Repeated, Duration::from_secs(1), move || {
        let Some(k) = kiosk.upgrade() else { return };
        let left = (get(k.window()) - 1).max(0);
        set(k.window(), left);
        if left == 0 {
            k.go_home();
        }
    });
}

thread_local! {
    // The UI thread's kiosk, for events sent from other threads (see events.rs).
    static CURRENT: RefCell<std::rc::Weak<Kiosk>> = const { RefCell::new(std::rc::Weak::new()) };
}

/// Runs `f` with the UI thread's kiosk, if there is one.
pub fn with_current(f: impl FnOnce(&Rc<Kiosk>)) {
    if let Some(k) = CURRENT.with(|c| c.borrow().upgrade()) {
        f(&k);
    }
}

impl Kiosk {
    /// Creates the window and wires the shell. The Slint platform must be set up first
    /// (winit, LinuxKMS, the headless screenshot platform or the testing backend).
    pub fn new(options: UiOptions) -> Result<Rc<Kiosk>, slint::PlatformError> {
        let window = AppWindow::new()?;
        let kiosk = Rc::new_cyclic(|me| Kiosk {
            guide: guide::GuideController::new(me.clone()),
            keyboard: keyboard::KeyboardController::new(me.clone()),
            ticket: ticket::TicketController::new(me.clone(), options.opening_hours.clone()),
            booking: booking::BookingController::new(me.clone(), options.calendar.clone()),
            payment: payment::PaymentController::new(me.clone()),
            help: help::HelpController::new(me.clone()),
            feedback: feedback::FeedbackController::new(me.clone()),
            submit: submit::SubmitController::new(me.clone()),
            progress: progress::ProgressController::new(me.clone(), options.utc_offset),
            screen: screen::ScreenController::new(me.clone(), &options.screen),
            voice: voice::VoiceController::new(me.clone()),
            events: RefCell::new(None),
            restart: std::cell::Cell::new(false),
            idle: idle::IdleTimer::new(options.idle_timeout_s),
            window,
            options,
            session: Rc::default(),
            clock: Timer::default(),
            staff: RefCell::new(None),
        });
        let staff = staff::StaffController::new(
            Rc::downgrade(&kiosk),
            kiosk.options.staff_pin_hashes.clone(),
            kiosk.options.staff_lockout,
        );
        staff.wire(&kiosk.window);
        *kiosk.staff.borrow_mut() = Some(staff);
        kiosk.guide.wire(&kiosk.window);
        kiosk.keyboard.wire(&kiosk.window);
        kiosk.ticket.wire(&kiosk.window);
        kiosk.booking.wire(&kiosk.window);
        kiosk.payment.wire(&kiosk.window);
        kiosk.help.wire(&kiosk.window);
        kiosk.feedback.wire(&kiosk.window);
        kiosk.submit.wire(&kiosk.window);
        kiosk.progress.wire(&kiosk.window);
        kiosk.screen.wire(&kiosk.window);
        kiosk.voice.wire(&kiosk.window);
        kiosk.wire();
        CURRENT.with(|c| *c.borrow_mut() = Rc::downgrade(&kiosk));
        kiosk.apply_options();
        Ok(kiosk)
    }

    pub fn window(&self) -> &AppWindow {
        &self.window
    }

    pub fn options(&self) -> &UiOptions {
        &self.options
    }

    fn apply_options(self: &Rc<Self>) {
        let shell = self.window.global::<Shell>();
        shell.set_hall(Text::zh(self.options.hall_name.clone()).into());
        shell.set_kiosk_id(self.options.kiosk_id.clone().into());
        let tiles: Vec<Feature> = self
            .options
            .elderly_tiles
            .iter()
            .map(|t| feature(*t))
            .collect();
        shell.set_elderly_tiles_call_help(tiles.contains(&Feature::Help));
        shell.set_elderly_tiles(ModelRc::new(VecModel::from(tiles)));
        let languages: Vec<Language> = self
            .options
            .languages
            .iter()
            .map(|l| language(*l))
            .collect();
        shell.set_languages(ModelRc::new(VecModel::from(languages)));
        let theme = self.window.global::<Theme>();
        theme.set_elderly(self.options.elderly_default);
        self.window
            .global::<crate::ui::Speech>()
            .set_available(self.options.voice != crate::domain::voice::VoiceMode::Off);
        theme.set_landscape(self.options.orientation == Orientation::Landscape);
        self.set_locale(self.options.locale);
        self.update_clock();
        // Redraw the clock once a minute, on the minute: nothing else redraws an idle screen.
        let weak = Rc::downgrade(self);
        let now = self.now();
        let to_next_minute = 60 - u64::from(now.second());
        self.clock.start(
            TimerMode::SingleShot,
            Duration::from_secs(to_next_minute),
            {
                let weak = weak.clone();
                move || {
                    if let Some(k) = weak.upgrade() {
                        k.update_clock();
                        let weak = weak.clone();
                        k.clock
                            .start(TimerMode::Repeated, Duration::from_secs(60), move || {
                                if let Some(k) = weak.upgrade() {
                                    k.update_clock();
                                }
                            });
                    }
                }
            },
        );
    }

    /// The hall's local time.
    pub fn now(&self) -> time::OffsetDateTime {
        self.options
            .fixed_clock
            .unwrap_or_else(hall_link::clock::now_utc)
            .to_offset(self.options.utc_offset)
    }

    fn update_clock(&self) {
        let now = self.now();
        let shell = self.window.global::<Shell>();
        shell.set_date_text(
            format!("{}-{:02}-{:02}", now.year(), now.month() as u8, now.day()).into(),
        );
        shell.set_weekday(i32::from(now.weekday().number_days_from_monday()));
        shell.set_time_text(format!("{:02}:{:02}", now.hour(), now.minute()).into());
    }

    /// Switches the UI language at run time.
    pub fn set_locale(&self, locale: Locale) {
        if let Err(e) = slint::select_bundled_translation(locale.slint_name()) {
            tracing::warn!("cannot select translation {locale}: {e:?}");
        }
        self.window.global::<Shell>().set_language(language(locale));
        self.window
            .global::<Theme>()
            .set_tall_script(locale == Locale::Bo);
    }

    pub fn set_elderly(&self, on: bool) {
        let was = self.window.global::<Theme>().get_elderly();
        self.window.global::<Theme>().set_elderly(on);
        // Turning 长辈模式 on mid-session: what to do here is said at once.
        if on && !was && self.session_started() {
            self.voice.entered(self.window.global::<Nav>().get_screen());
        }
    }

    fn wire(self: &Rc<Self>) {
        let nav = self.window.global::<Nav>();
        let weak = Rc::downgrade(self);
        nav.on_open(move |feature| {
            if let Some(k) = weak.upgrade() {
                k.open(feature);
            }
        });
        let weak = Rc::downgrade(self);
        nav.on_home(move || {
            if let Some(k) = weak.upgrade() {
                k.go_home();
            }
        });
        let weak = Rc::downgrade(self);
        nav.on_activity(move || {
            if let Some(k) = weak.upgrade() {
                // A touch cuts off what is being said; a new screen has its own prompt.
                k.voice.touched();
                k.activity();
            }
        });
        let weak = Rc::downgrade(self);
        nav.on_call_help(move || {
            if let Some(k) = weak.upgrade() {
                k.help.call();
            }
        });
        let shell = self.window.global::<Shell>();
        let weak = Rc::downgrade(self);
        shell.on_select_language(move |language| {
            if let Some(k) = weak.upgrade() {
                k.set_locale(match language {
                    Language::ZhCn => Locale::ZhCn,
                    Language::ZhTw => Locale::ZhTw,
                    Language::En => Locale::En,
                    Language::Bo => Locale::Bo,
                });
            }
        });
        let weak = Rc::downgrade(self);
        shell.on_set_elderly(move |on| {
            if let Some(k) = weak.upgrade() {
                k.set_elderly(on);
            }
        });
    }

    /// Connects the kiosk to its services: the desk that issues and prints tickets, and the
    /// receiving end of the event channel their tasks send on.
    pub fn attach(&self, desk: Rc<dyn Desk>, events: EventReceiver) {
        // Tasks wake the event loop after each event; without one (headless tests) the
        // test pumps the queue itself.
        events.set_waker(|| {
            let _ = slint::invoke_from_event_loop(|| {
                with_current(|k| {
                    k.pump();
                })
            });
        });
        self.ticket.set_desk(desk.clone());
        self.booking.set_desk(desk.clone());
        self.payment.set_desk(desk.clone());
        self.help.set_desk(desk.clone());
        self.guide.set_desk(desk.clone());
        self.submit.set_desk(desk.clone());
        self.progress.set_desk(desk.clone());
        self.feedback.set_desk(desk);
        *self.events.borrow_mut() = Some(events);
    }

    /// A new catalog: guides and ticket categories follow it.
    pub fn set_catalog(&self, catalog: &serde_json::Value) {
        self.guide.set_catalog(catalog);
        // The configured name stays (it is on every printed slip); the catalog's hall
        // entry gives it in the other languages.
        let hall = match &self.guide.guides().hall {
            Some(h) => h.tr.text("name", &self.options.hall_name),
            None => Text::zh(self.options.hall_name.clone()),
        };
        self.window.global::<Shell>().set_hall(hall.into());
        self.ticket.set_guides(self.guide.guides());
        self.booking.set_guides(self.guide.guides());
        self.submit.set_items(self.guide.guides().items.clone());
    }

    pub fn ticket(&self) -> &Rc<ticket::TicketController> {
        &self.ticket
    }

    pub fn booking(&self) -> &Rc<booking::BookingController> {
        &self.booking
    }

    pub fn payment(&self) -> &Rc<payment::PaymentController> {
        &self.payment
    }

    pub fn keyboard(&self) -> &Rc<keyboard::KeyboardController> {
        &self.keyboard
    }

    pub fn submit(&self) -> &Rc<submit::SubmitController> {
        &self.submit
    }

    pub fn guide(&self) -> &Rc<guide::GuideController> {
        &self.guide
    }

    pub fn staff(&self) -> Rc<staff::StaffController> {
        self.staff.borrow().clone().expect("set in Kiosk::new")
    }

    /// Opens a flow from a home tile or a button.
    pub fn open(self: &Rc<Self>, feature: Feature) {
        self.session.borrow_mut().started = true;
        match feature {
            Feature::Staff => self.staff().start(),
            Feature::Guide => self.guide.start(),
            Feature::Ticket => self.ticket.start(),
            Feature::Checkin => self.ticket.start_checkin(),
            Feature::Help => self.help.call(),
            Feature::Rating => self.feedback.start_rating(),
            Feature::Complaint => self.feedback.start_complaint(),
            Feature::Submit => self.submit.start(),
            Feature::Progress => self.progress.start(),
        }
        self.activity();
    }

    /// The polite screen for a tile whose flow this build lacks: a new `Feature` comes here
    /// from [`Kiosk::open`] until its flow exists.
    pub fn unavailable(self: &Rc<Self>, feature: Feature) {
        self.session.borrow_mut().started = true;
        let nav = self.window.global::<Nav>();
        nav.set_pending_feature(feature);
        nav.set_screen(Screen::Unavailable);
        self.activity();
        self.voice.entered(Screen::Unavailable);
    }

    /// Keeps the session from idling out for at least `seconds` (a help call).
    pub fn hold_idle(&self, seconds: u32) {
        self.idle.extend(&self.window, seconds);
    }

    pub fn feedback(&self) -> &Rc<feedback::FeedbackController> {
        &self.feedback
    }

    pub fn help(&self) -> &Rc<help::HelpController> {
        &self.help
    }

    pub fn voice(&self) -> &voice::VoiceController {
        &self.voice
    }

    /// A touch anywhere on a control: restarts the idle countdown (away from home).
    pub fn activity(self: &Rc<Self>) {
        self.screen.activity();
        if self.window.global::<Nav>().get_screen() == Screen::Home {
            return;
        }
        let staff = self.staff.borrow().as_ref().is_some_and(|s| s.signed_in());
        self.idle.set_timeout(if staff {
            self.options.staff_idle_timeout_s
        } else {
            self.options.idle_timeout_s
        });
        let weak = Rc::downgrade(self);
        let warned = Rc::downgrade(self);
        let warn = move || {
            if let Some(k) = warned.upgrade() {
                k.voice.idle_warning();
            }
        };
        self.idle.touch(&self.window, warn, move || {
            if let Some(k) = weak.upgrade() {
                tracing::info!("idle timeout: returning home and wiping the session");
                k.go_home();
            }
        });
        if self.help.active() {
            self.idle.extend(&self.window, help::HOLD_S);
        }
    }

    /// Returns home and wipes the session. The language returns to the hall's default
    /// so the next citizen does not inherit the last one's choices.
    /// Out of service for good: the services could not start (see [`start_fault`]).
    pub(crate) fn show_fault(&self, detail: &str) {
        let shell = self.window.global::<Shell>();
        shell.set_out_of_service(true);
        shell.set_out_of_service_reason(crate::ui::OutOfServiceReason::Fault);
        shell.set_fault_detail(detail.into());
        self.go_home();
    }

    pub fn go_home(&self) {
        self.voice.end_session();
        self.session.borrow_mut().wipe();
        self.guide.wipe();
        self.keyboard.detach();
        self.ticket.reset();
        self.booking.reset();
        self.payment.reset();
        self.help.end(false);
        self.feedback.reset();
        self.submit.reset();
        self.progress.reset();
        self.idle.stop(&self.window);
        if let Some(staff) = self.staff.borrow().as_ref() {
            if staff.signed_in() {
                staff.leave();
                return;
            }
        }
        let nav = self.window.global::<Nav>();
        // The next person starts from the simple elderly home again, and is offered nothing
        // the last one was.
        nav.set_home_all_services(false);
        self.window.global::<Shell>().set_elderly_offer(false);
        let out_of_service = self.window.global::<Shell>().get_out_of_service();
        nav.set_screen(if out_of_service {
            Screen::OutOfService
        } else {
            Screen::Home
        });
        self.set_locale(self.options.locale);
        self.set_elderly(self.options.elderly_default);
    }

    /// Whether a card lies on the reader, as the reader last said.
    pub fn card_present(&self) -> bool {
        self.session.borrow().card_present
    }

    pub fn session_started(&self) -> bool {
        self.session.borrow().started
    }

    pub fn screen(&self) -> &Rc<screen::ScreenController> {
        &self.screen
    }

    /// Staff asked for a restart: the event loop ends, and the caller restarts the kiosk
    /// (systemd on a device; the demo starts itself again).
    pub fn request_restart(&self) {
        self.restart.set(true);
        let _ = slint::quit_event_loop();
    }

    pub fn restart_requested(&self) -> bool {
        self.restart.get()
    }
}

fn language(locale: Locale) -> Language {
    match locale {
        Locale::ZhCn => Language::ZhCn,
        Locale::ZhTw => Language::ZhTw,
        Locale::En => Language::En,
        Locale::Bo => Language::Bo,
    }
}

fn feature(tile: HomeTile) -> Feature {
    match tile {
        HomeTile::Ticket => Feature::Ticket,
        HomeTile::Checkin => Feature::Checkin,
        HomeTile::Guide => Feature::Guide,
        HomeTile::Submit => Feature::Submit,
        HomeTile::Progress => Feature::Progress,
        HomeTile::Rating => Feature::Rating,
        HomeTile::Complaint => Feature::Complaint,
        HomeTile::Help => Feature::Help,
    }
}
