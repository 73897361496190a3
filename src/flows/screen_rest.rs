//! When the screen rests: outside the kiosk's opening hours, on the home screen, after a
//! while with no one using it. Touches and the presence sensor wake it. Time comes in as
//! elapsed ticks, so the rules are tested without a clock.

use std::time::Duration;

/// What the screen should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Go dark (backlight off, a black page that takes the first touch).
    Rest,
    /// Light up again.
    Wake,
}

#[derive(Debug)]
pub struct ScreenRest {
    enabled: bool,
    after: Duration,
    quiet: Duration,
    resting: bool,
}

impl ScreenRest {
    /// `enabled`: `display.blank_after_hours`; `after`: `display.blank_idle_s`.
    pub fn new(enabled: bool, after: Duration) -> ScreenRest {
        ScreenRest {
            enabled,
            after,
            quiet: Duration::ZERO,
            resting: false,
        }
    }

    pub fn resting(&self) -> bool {
        self.resting
    }

    /// Someone touched the screen, used a device, or the presence sensor saw them.
    pub fn activity(&mut self) -> Option<Change> {
        self.quiet = Duration::ZERO;
        std::mem::replace(&mut self.resting, false).then_some(Change::Wake)
    }

    /// Time passed. `open`: within the kiosk's opening hours; `at_home`: nothing is in
    /// progress (a citizen mid-way through a form is never put in the dark).
    pub fn tick(&mut self, elapsed: Duration, open: bool, at_home: bool) -> Option<Change> {
        if self.resting {
            if open || !self.enabled {
                self.resting = false;
                self.quiet = Duration::ZERO;
                return Some(Change::Wake);
            }
            return None;
        }
        if !at_home {
            self.quiet = Duration::ZERO;
            return None;
        }
        self.quiet += elapsed;
        if self.enabled && !open && self.quiet >= self.after {
            self.resting = true;
            return Some(Change::Rest);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICK: Duration = Duration::from_secs(5);

    fn rest() -> ScreenRest {
        ScreenRest::new(true, Duration::from_secs(20))
    }

    #[test]
    fn rests_only_after_hours_at_home_after_the_quiet_time() {
        let mut r = rest();
        for _ in 0..10 {
            assert_eq!(r.tick(TICK, true, true), None, "never during opening hours");
        }
        // Quiet since before closing time: it rests as the hall closes.
        assert_eq!(r.tick(TICK, false, true), Some(Change::Rest));

        let mut r = rest();
        for _ in 0..3 {
            assert_eq!(r.tick(TICK, false, true), None);
        }
        assert_eq!(r.tick(TICK, false, true), Some(Change::Rest));
        assert!(r.resting());
        assert_eq!(r.tick(TICK, false, true), None, "said once");
    }

    #[test]
    fn a_citizen_mid_way_is_never_put_in_the_dark() {
        let mut r = rest();
        for _ in 0..100 {
            assert_eq!(r.tick(TICK, false, false), None);
        }
        // Back home, the quiet time starts again.
        for _ in 0..3 {
            assert_eq!(r.tick(TICK, false, true), None);
        }
        assert_eq!(r.tick(TICK, false, true), Some(Change::Rest));
    }

    #[test]
    fn touch_or_presence_wakes_and_restarts_the_quiet_time() {
        let mut r = rest();
        for _ in 0..4 {
            r.tick(TICK, false, true);
        }
        assert!(r.resting());
        assert_eq!(r.activity(), Some(Change::Wake));
        assert_eq!(r.activity(), None, "awake already");
        for _ in 0..3 {
            assert_eq!(r.tick(TICK, false, true), None);
        }
        assert_eq!(r.tick(TICK, false, true), Some(Change::Rest));
    }

    #[test]
    fn opening_time_wakes_the_screen_and_disabled_never_rests() {
        let mut r = rest();
        for _ in 0..4 {
            r.tick(TICK, false, true);
        }
        assert_eq!(r.tick(TICK, true, true), Some(Change::Wake));
        let mut off = ScreenRest::new(false, Duration::from_secs(20));
        for _ in 0..100 {
            assert_eq!(off.tick(TICK, false, true), None);
        }
    }
}
