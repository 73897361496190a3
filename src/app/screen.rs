//! The screen's rest after hours and its brightness. Outside the kiosk's opening hours the
//! home screen goes dark when no one is near; a touch wakes it (that touch does nothing
//! else: a black page on top takes it) and so does the presence sensor.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::{Rc, Weak};
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

use super::{Kiosk, KioskLink};
use crate::domain::update::Presence;
use crate::flows::screen_rest::{Change, ScreenRest};
use crate::platform::backlight::Backlight;
use crate::ui::{Nav, Screen, Shell};

/// How often the rest rules are checked; only a flag is compared, nothing redraws.
const TICK: Duration = Duration::from_secs(5);

/// The screen's settings from `[display]`.
#[derive(Debug, Clone)]
pub struct ScreenOptions {
    pub rest_after_hours: bool,
    pub rest_after: Duration,
    pub backlight: Option<Backlight>,
    pub brightness_percent: u8,
    /// Where to say who is at the screen, for the updater (`update.presence_file`).
    pub presence_file: Option<PathBuf>,
}

impl Default for ScreenOptions {
    fn default() -> Self {
        ScreenOptions {
            rest_after_hours: true,
            rest_after: Duration::from_secs(120),
            backlight: None,
            brightness_percent: 80,
            presence_file: None,
        }
    }
}

pub struct ScreenController {
    kiosk: Weak<Kiosk>,
    rest: RefCell<ScreenRest>,
    timer: Timer,
    backlight: Option<Backlight>,
    brightness: Cell<u8>,
    presence_file: Option<PathBuf>,
    /// What the presence file says now: at home or not (None: not written yet).
    presence: Cell<Option<bool>>,
}

impl ScreenController {
    pub fn new(kiosk: Weak<Kiosk>, options: &ScreenOptions) -> Rc<Self> {
        let me = Rc::new(ScreenController {
            kiosk,
            rest: RefCell::new(ScreenRest::new(
                options.rest_after_hours,
                options.rest_after,
            )),
            timer: Timer::default(),
            backlight: options.backlight.clone(),
            brightness: Cell::new(options.brightness_percent),
            presence_file: options.presence_file.clone(),
            presence: Cell::new(None),
        });
        me.apply_brightness();
        me
    }

    fn apply_brightness(&self) {
        if let Some(b) = &self.backlight {
            if let Err(e) = b.set_percent(self.brightness.get()) {
                tracing::warn!(backlight = %b.dir().display(), "cannot set the brightness: {e}");
            }
        }
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let me = Rc::downgrade(self);
        window.global::<Shell>().on_wake(move || {
            if let Some(me) = me.upgrade() {
                me.activity();
            }
        });
        let me = Rc::downgrade(self);
        self.timer.start(TimerMode::Repeated, TICK, move || {
            if let Some(me) = me.upgrade() {
                me.tick();
            }
        });
    }

    fn tick(&self) {
        let Some(k) = self.kiosk.upgrade() else {
            return;
        };
        let now = k.now();
        let open = k.options().opening_hours.is_open(now.weekday(), now.time());
        let screen = k.window().global::<Nav>().get_screen();
        let at_home = matches!(screen, Screen::Home | Screen::OutOfService);
        self.say_presence(at_home, now.unix_timestamp());
        let change = self.rest.borrow_mut().tick(TICK, open, at_home);
        if let Some(c) = change {
            self.apply(c);
        }
    }

    /// Writes the presence file when the screen went home or left it; staff screens count
    /// as in use, so the updater never restarts the kiosk under a technician either.
    fn say_presence(&self, at_home: bool, now_s: i64) {
        let Some(path) = &self.presence_file else {
            return;
        };
        if self.presence.get() == Some(at_home) {
            return;
        }
        self.presence.set(Some(at_home));
        let p = if at_home {
            Presence::Home { since_s: now_s }
        } else {
            Presence::InUse { since_s: now_s }
        };
        let line = p.line().unwrap_or_default();
        if let Err(e) = crate::platform::update::write_atomic(path, &line, 0o644) {
            tracing::debug!(path = %path.display(), "presence not written: {e}");
        }
    }

    /// A touch, a card, a scan or the presence sensor.
    pub fn activity(&self) {
        let change = self.rest.borrow_mut().activity();
        if let Some(c) = change {
            self.apply(c);
        }
    }

    fn apply(&self, change: Change) {
        let resting = change == Change::Rest;
        tracing::info!(resting, "screen rest after hours");
        self.kiosk.ui(|w| w.global::<Shell>().set_resting(resting));
        if let Some(b) = &self.backlight {
            if let Err(e) = b.set_power(!resting, self.brightness.get()) {
                tracing::warn!(backlight = %b.dir().display(), "backlight: {e}");
            }
        }
    }

    /// Staff turn the brightness up or down by `step` percent; returns the new value.
    pub fn step_brightness(&self, step: i32) -> u8 {
        let p = (i32::from(self.brightness.get()) + step).clamp(10, 100) as u8;
        self.brightness.set(p);
        self.apply_brightness();
        p
    }

    pub fn brightness(&self) -> u8 {
        self.brightness.get()
    }

    pub fn has_backlight(&self) -> bool {
        self.backlight.is_some()
    }
}
