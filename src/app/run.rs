//! Wiring a window to the services, and the event loop: one path for `kiosk run`, `kiosk
//! demo` and the headless tests (which pump events instead of running the loop).

use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use slint::ComponentHandle;

use super::screen::ScreenOptions;
use super::{Kiosk, UiOptions};
use crate::domain::hours::OpeningHours;
use crate::platform::backlight::Backlight;
use crate::platform::config::Config;
use crate::platform::systemd;
use crate::services::Services;

/// The shell's options from the config.
pub fn options_from_config(config: &Config) -> UiOptions {
    let d = &config.display;
    let backlight = match Backlight::find(&d.backlight, Path::new("/sys")) {
        None => None,
        Some(Ok(b)) => Some(b),
        Some(Err(e)) => {
            tracing::warn!(backlight = %d.backlight, "backlight unusable, brightness fixed: {e}");
            None
        }
    };
    UiOptions {
        hall_name: config.kiosk.hall_name.clone(),
        kiosk_id: config.kiosk.id.clone(),
        hall_id: config.kiosk.hall_id.clone(),
        locale: config.kiosk.locale,
        elderly_default: config.ui.elderly_default,
        elderly_tiles: config.ui.elderly_tiles.clone(),
        languages: config.ui.languages.clone(),
        idle_timeout_s: config.ui.idle_timeout_s,
        orientation: config.kiosk.orientation,
        utc_offset: config.utc_offset(),
        fixed_clock: None,
        // `config check` refuses hours that do not parse; a config loaded without it
        // serves around the clock rather than never.
        opening_hours: OpeningHours::parse(&config.ui.opening_hours)
            .unwrap_or(OpeningHours::Always),
        staff_pin_hashes: config.staff.pin_hashes.clone(),
        staff_lockout: Duration::from_secs(config.staff.lockout_s),
        staff_idle_timeout_s: config.staff.idle_timeout_s,
        voice: config.audio.voice,
        // `config check` refuses a calendar that does not parse.
        calendar: config.calendar.calendar().unwrap_or_default(),
        screen: ScreenOptions {
            rest_after_hours: d.blank_after_hours,
            rest_after: Duration::from_secs(u64::from(d.blank_idle_s)),
            backlight,
            brightness_percent: d.brightness_percent,
            presence_file: Some(config.update.presence_file.clone()),
        },
    }
}

/// Creates the window and connects it to the services: the desk and its events, staff's
/// actions, the catalog, and an out-of-service kept from before a restart. (The demo's key
/// bar is the caller's choice: [`demo::enable`].)
pub fn start(
    options: UiOptions,
    services: &mut Services,
) -> Result<Rc<Kiosk>, slint::PlatformError> {
    let kiosk = Kiosk::new(options)?;
    kiosk.voice().set_voice(services.voice.clone());
    kiosk.staff().set_actions(Rc::new(services.staff()));
    if let Some(reason) = services.health.out_of_service() {
        tracing::info!(%reason, "out of service, as staff left it before the restart");
        kiosk.staff().show_out_of_service(true, &reason);
        kiosk.go_home();
    }
    if let Some(c) = services.initial_catalog() {
        kiosk.set_catalog(&c);
    }
    if let Some(events) = services.take_events() {
        kiosk.attach(Rc::new(services.desk.clone()), events);
    }
    Ok(kiosk)
}

/// A window that serves nobody but says why, for a kiosk whose services could not start
/// (its store cannot be opened, its config is broken): out of service for citizens, and
/// `detail` (the error, as the journal and `kiosk doctor` give it) for the technician,
/// instead of a dark screen that systemd restarts every few seconds. Staff cannot sign in:
/// there is nothing they could put back in service.
pub fn start_fault(
    mut options: UiOptions,
    detail: &str,
) -> Result<Rc<Kiosk>, slint::PlatformError> {
    options.staff_pin_hashes.clear();
    let kiosk = Kiosk::new(options)?;
    kiosk.show_fault(detail);
    Ok(kiosk)
}

/// Runs the fault page's event loop until the window closes; systemd hears the kiosk is up
/// (it is: the page is its service) and the watchdog is fed while the UI loop turns.
pub fn run_fault(kiosk: Rc<Kiosk>) -> Result<(), slint::PlatformError> {
    slint::Timer::single_shot(Duration::ZERO, systemd::ready);
    let watchdog = slint::Timer::default();
    if let Some(every) = systemd::watchdog_interval() {
        watchdog.start(slint::TimerMode::Repeated, every, systemd::watchdog_ping);
    }
    kiosk.window().run()
}

/// How the event loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Closed,
    /// Staff asked for a restart.
    Restart,
}

/// Runs the event loop until the window closes or staff ask for a restart, then stops the
/// services (waiting for their tasks).
pub fn run(kiosk: Rc<Kiosk>, services: Services) -> Result<Ended, slint::PlatformError> {
    kiosk.pump();
    log_first_frame(&kiosk);
    // Ready once the event loop runs and has drawn the home screen; the watchdog is fed
    // from the same loop, so a hung UI thread stops feeding it and systemd restarts us, and
    // only while every background task shows life, so a hung task does too.
    slint::Timer::single_shot(Duration::ZERO, systemd::ready);
    let watchdog = slint::Timer::default();
    if let Some(every) = systemd::watchdog_interval() {
        let liveness = services.liveness.clone();
        tracing::info!(tasks = ?liveness.names(), "watchdog waits on the UI loop and these tasks");
        let said = std::cell::Cell::new(false);
        watchdog.start(slint::TimerMode::Repeated, every, move || {
            let stale = liveness.stale();
            if stale.is_empty() {
                said.set(false);
                systemd::watchdog_ping();
            } else if !said.replace(true) {
                tracing::error!(target: "alert", message_id = hall_link::journal::ALERT, ?stale, "a background task is hung: the watchdog is no longer fed and systemd will restart the kiosk");
            }
        });
    }
    let result = kiosk.window().run();
    let restart = kiosk.restart_requested();
    services.shutdown();
    result.map(|()| {
        if restart {
            Ended::Restart
        } else {
            Ended::Closed
        }
    })
}

/// Logs when the UI is up, counted from the process start (the kernel's start time of this
/// process, so loading the binary counts too): the start-up benchmark (scripts/bench-startup)
/// reads this line. The software renderer has no rendering notifier, so at the event loop's
/// first tick the benchmark has a full frame rendered (a snapshot) and logs after it: an
/// upper bound on the first frame, which the loop drew in the same or an earlier iteration.
fn log_first_frame(kiosk: &Kiosk) {
    let bench = std::env::var_os("HALL_KIOSK_BENCH_STARTUP").is_some();
    let window = kiosk.window().as_weak();
    slint::Timer::single_shot(Duration::ZERO, move || {
        if bench {
            if let Some(w) = window.upgrade() {
                let _ = w.window().take_snapshot();
            }
        }
        match since_process_start() {
            Some(ms) => tracing::info!(target: "perf", ms, "first frame rendered"),
            None => tracing::info!(target: "perf", "first frame rendered"),
        }
        tracing::info!(
            target: "lifecycle",
            message_id = hall_link::journal::STARTED,
            version = env!("CARGO_PKG_VERSION"),
            "kiosk started: home screen shown"
        );
    });
}

/// Milliseconds since this process started, from /proc (10 ms resolution).
fn since_process_start() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Field 22 (starttime, in clock ticks after boot) follows the parenthesised name.
    let after_name = stat.rsplit_once(')')?.1;
    let start_ticks: u64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Some(((uptime - start_ticks as f64 / hz) * 1000.0).max(0.0) as u64)
}
