//! The kiosk's "trusted now": the local clock, unless the backend's `Date` header shows it
//! off by more than [`TRUST_LOCAL_WITHIN`], in which case the backend's time is followed.
//!
//! A Raspberry Pi has no real-time clock: until NTP answers it may run on yesterday's
//! time (the last shutdown's), or an installer's wrong date. Offline number blocks would
//! then be used after they expired, staff codes accepted past their expiry, and tickets
//! dated wrongly. Every wall-clock decision of the kiosk goes through [`now_ms`] /
//! [`now_utc`]; waits and retry pacing use tokio's monotonic clock instead, and a stored
//! retry time that lies beyond any wait the kiosk would set is treated as due (see
//! `Store::due`), so a clock that jumps cannot park an entry.
//!
//! One clock for the process: the correction is learnt from every answer of the backend,
//! by whichever client saw it.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

/// Within this, the local clock is believed (the `Date` header has whole seconds and the
/// answer takes time to arrive, so small differences are noise).
pub const TRUST_LOCAL_WITHIN: Duration = Duration::from_secs(60);

/// Milliseconds to add to the local clock; 0 while it is trusted.
static CORRECTION_MS: AtomicI64 = AtomicI64::new(0);
static WARNED: AtomicBool = AtomicBool::new(false);

fn local_ms() -> i64 {
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX)
}

/// The correction (ms to add to the local clock) for an answer sent at `server` and
/// received at local time `local`: 0 while they agree within [`TRUST_LOCAL_WITHIN`].
pub fn correction_for(server: SystemTime, local: SystemTime) -> i64 {
    let ahead_ms: i64 = match local.duration_since(server) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |m| -m),
    };
    if ahead_ms.unsigned_abs() <= TRUST_LOCAL_WITHIN.as_millis() as u64 {
        0
    } else {
        ahead_ms.saturating_neg()
    }
}

/// Learns from a backend answer sent at `server` and received at local time `local`.
pub fn observe(server: SystemTime, local: SystemTime) {
    let correction = correction_for(server, local);
    CORRECTION_MS.store(correction, Ordering::Relaxed);
    if correction == 0 {
        WARNED.store(false, Ordering::Relaxed);
    } else if !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(target: "alert", message_id = crate::journal::ALERT, behind_s = correction / 1000, "the kiosk's clock is off the backend's: following the backend's time");
    }
}

/// The correction now applied (local clock + correction = trusted now).
pub fn correction() -> Duration {
    Duration::from_millis(CORRECTION_MS.load(Ordering::Relaxed).unsigned_abs())
}

/// Whether the local clock is being corrected.
pub fn corrected() -> bool {
    CORRECTION_MS.load(Ordering::Relaxed) != 0
}

/// The trusted now, Unix milliseconds.
pub fn now_ms() -> i64 {
    local_ms().saturating_add(CORRECTION_MS.load(Ordering::Relaxed))
}

/// The trusted now, UTC.
pub fn now_utc() -> time::OffsetDateTime {
    let ms = CORRECTION_MS.load(Ordering::Relaxed);
    time::OffsetDateTime::now_utc()
        .checked_add(time::Duration::milliseconds(ms))
        .unwrap_or_else(time::OffsetDateTime::now_utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The process-wide state is shared with every test that talks to hall-sim (whose
    // answers carry a Date), so the rule is tested on the pure function.
    #[test]
    fn the_backend_is_followed_only_when_the_local_clock_is_off_by_more_than_a_minute() {
        let local = SystemTime::now();
        let s = Duration::from_secs;
        assert_eq!(correction_for(local - s(30), local), 0, "30 s is noise");
        assert_eq!(correction_for(local + s(59), local), 0);
        // Booted with yesterday's time: the backend is a day ahead.
        assert_eq!(correction_for(local + s(86_400), local), 86_400_000);
        // An installer's clock a year ahead.
        assert_eq!(
            correction_for(local - s(31_536_000), local),
            -31_536_000_000
        );
        // Hostile dates far off either way saturate instead of overflowing.
        assert!(correction_for(SystemTime::UNIX_EPOCH, local) < 0);
        assert!(correction_for(local, SystemTime::UNIX_EPOCH) > 0);
    }
}
