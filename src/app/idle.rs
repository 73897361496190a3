//! Idle timeout: every screen but home returns home after `timeout` without a touch, and
//! the session is wiped. The countdown ticks only while away from home, so an idle kiosk
//! on its home screen runs no timer and redraws nothing.
//!
//! The countdown counts Slint timer ticks rather than reading a clock, so the UI tests
//! drive it with Slint's mock time.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

use crate::ui::{AppWindow, Nav};

/// Seconds left when the "still there?" banner shows (ui/app.slint shows it at 15).
pub const WARN_AT: u32 = 15;

pub struct IdleTimer {
    timer: Timer,
    timeout_s: Cell<u32>,
    left: Rc<Cell<u32>>,
}

impl IdleTimer {
    pub fn new(timeout_s: u32) -> Rc<IdleTimer> {
        Rc::new(IdleTimer {
            timer: Timer::default(),
            timeout_s: Cell::new(timeout_s),
            left: Rc::new(Cell::new(timeout_s)),
        })
    }

    /// Restarts the countdown (a touch, or a new screen). `on_warn` runs when the warning
    /// banner appears ([`WARN_AT`] seconds left), `on_expire` when it reaches 0.
    pub fn touch(
        &self,
        window: &AppWindow,
        on_warn: impl Fn() + 'static,
        on_expire: impl Fn() + 'static,
    ) {
        let timeout = self.timeout_s.get();
        self.left.set(timeout);
        window.global::<Nav>().set_idle_seconds_left(timeout as i32);
        let left = self.left.clone();
        let weak = window.as_weak();
        self.timer
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                let remaining = left.get().saturating_sub(1);
                left.set(remaining);
                if let Some(w) = weak.upgrade() {
                    w.global::<Nav>().set_idle_seconds_left(remaining as i32);
                }
                if remaining == WARN_AT {
                    on_warn();
                }
                if remaining == 0 {
                    on_expire();
                }
            });
    }

    /// The countdown's length from the next touch on (staff mode has a shorter one).
    pub fn set_timeout(&self, seconds: u32) {
        self.timeout_s.set(seconds);
    }

    /// Holds the countdown off for longer than usual (e.g. while staff come to a help call).
    pub fn extend(&self, window: &AppWindow, seconds: u32) {
        let left = self.left.get().max(seconds);
        self.left.set(left);
        window.global::<Nav>().set_idle_seconds_left(left as i32);
    }

    pub fn stop(&self, window: &AppWindow) {
        self.timer.stop();
        window.global::<Nav>().set_idle_seconds_left(999);
    }
}
