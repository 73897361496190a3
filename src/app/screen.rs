//! The screen's rest after hours and its brightness. Outside the kiosk's opening hours the
//! home screen goes dark when no one is near; a touch wakes it (that touch does nothing
//! else: a black page on top takes it) and so does the presence sensor.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

use super::{Kiosk, KioskLink};
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
}

impl Default for ScreenOptions {
    fn default() -> Self {
        ScreenOptions {
            rest_after_hours: true,
            rest_after: Duration::from_secs(120),
            backlight: None,
            brightness_percent: 80,
        }
    }
}

pub struct ScreenController {
    kiosk: Weak<Kiosk>,
    rest: RefCell<ScreenRest>,
    timer: Timer,
    backlight: Option<Backlight>,
    brightness: Cell<u8>,
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
        let change = self.rest.borrow_mut().tick(TICK, open, at_home);
        if let Some(c) = change {
            self.apply(c);
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
