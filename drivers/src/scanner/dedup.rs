//! Duplicate suppression: scanners re-read a code for as long as it is held in front of
//! them (a camera sees it in every frame), but the citizen showed it once.

use std::time::{Duration, Instant};

/// Accepts a payload unless the same payload was seen less than `window` ago. Every sighting
/// refreshes the window, so a phone held under the scanner for a minute is still one scan.
#[derive(Debug)]
pub struct Deduper {
    window: Duration,
    last: Option<(String, Instant)>,
}

impl Deduper {
    pub fn new(window: Duration) -> Self {
        Deduper { window, last: None }
    }

    /// True when `payload` is a new scan.
    pub fn accept(&mut self, payload: &str, now: Instant) -> bool {
        let repeat = matches!(&self.last, Some((p, at))
            if p == payload && now.saturating_duration_since(*at) < self.window);
        match &mut self.last {
            Some((p, at)) if p == payload => *at = now,
            _ => self.last = Some((payload.to_owned(), now)),
        }
        !repeat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_code_within_window_is_one_scan_and_held_codes_stay_suppressed() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut d = Deduper::new(ms(1000));
        assert!(d.accept("A", t0));
        assert!(!d.accept("A", t0 + ms(600)));
        // Still held: 1200 ms after the first read but only 600 ms after the last one.
        assert!(!d.accept("A", t0 + ms(1200)));
        assert!(d.accept("A", t0 + ms(2300)));
    }

    #[test]
    fn a_different_code_is_always_accepted_and_resets_the_window() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut d = Deduper::new(ms(1000));
        assert!(d.accept("A", t0));
        assert!(d.accept("B", t0 + ms(10)));
        assert!(d.accept("A", t0 + ms(20)));
    }

    #[test]
    fn zero_window_accepts_every_read() {
        let t0 = Instant::now();
        let mut d = Deduper::new(Duration::ZERO);
        assert!(d.accept("A", t0));
        assert!(d.accept("A", t0));
    }
}
