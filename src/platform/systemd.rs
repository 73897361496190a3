//! systemd integration on a device: `READY=1` once the home screen is up, and `WATCHDOG=1`
//! from the UI event loop while the background tasks are alive (see `liveness`), so a hung
//! UI thread or a hung task leads to a restart. Outside systemd (`NOTIFY_SOCKET` unset)
//! every call is a no-op.

use std::time::Duration;

/// Tells systemd the kiosk is serving.
pub fn ready() {
    if let Err(e) = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]) {
        tracing::warn!("sd_notify READY failed: {e}");
    }
}

/// Half the watchdog interval systemd asked for, if it asked.
pub fn watchdog_interval() -> Option<Duration> {
    let mut usec = 0u64;
    if sd_notify::watchdog_enabled(false, &mut usec) && usec > 0 {
        Some(Duration::from_micros(usec / 2))
    } else {
        None
    }
}

pub fn watchdog_ping() {
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Watchdog]);
}

/// True when systemd supervises this process (a restart is then systemd's job).
pub fn supervised() -> bool {
    std::env::var_os("NOTIFY_SOCKET").is_some()
}
