//! `kiosk update`: software updates into the other root slot, for technicians and for the
//! update timer. RAUC does the writing and the bootloader's bookkeeping; this command
//! decides when (the hall's hours, the update window, nobody at the screen) and leaves
//! what it found where the staff screen reads it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use clap::Subcommand;
use time::OffsetDateTime;

use super::{fail, load_config};
use crate::domain::hours::{DailyRange, OpeningHours};
use crate::domain::update::{
    judge, may_install, may_restart, restart_pending, Offer, OtherSlot, Presence,
};
use crate::platform::config::{Config, UpdateSection};
use crate::platform::doctor;
use crate::platform::update::{self, rauc, Rauc, Step, UpdateState};

#[derive(Subcommand)]
pub enum UpdateCommand {
    /// Both root slots: the running one and its version, the other one's version and
    /// whether it boots next, and what the update timer last found.
    /// Example: kiosk update status --json
    Status {
        /// One JSON object: compatible, running_version, slots, last_check.
        #[arg(long)]
        json: bool,
    },
    /// Read the version that `update.source` (or BUNDLE) offers, with its signature checked,
    /// and say what the update timer will do with it. Writes no slot.
    /// Example: kiosk update check
    Check {
        /// A bundle's path or URL instead of `update.source`.
        bundle: Option<String>,
        /// One JSON object: both slots, the offered version, step, wait, error.
        #[arg(long)]
        json: bool,
    },
    /// Install what the source offers into the other slot: only when the hall is closed
    /// (`ui.opening_hours`) and inside `update.window` (the update timer's command), or at
    /// once with --now. Exit 0 when installed, up to date or waiting; 1 when it failed.
    /// Example: kiosk update install --now /media/usb/hall-kiosk-0.2.0.raucb
    Install {
        /// A bundle's path or URL instead of `update.source`.
        bundle: Option<String>,
        /// A technician's install: at once, whatever the hours, and even a version that
        /// failed here before.
        #[arg(long)]
        now: bool,
        /// Then restart into the new slot, when nobody is at the screen (and, without
        /// --now, inside the window).
        #[arg(long)]
        reboot: bool,
        /// One JSON object, as for `check`, after the install.
        #[arg(long)]
        json: bool,
    },
    /// After a boot: end the running slot's trial when the kiosk's software is healthy
    /// (its service running without restarts, `kiosk doctor`'s software checks passing);
    /// when it is not, give up a slot on trial so the previous one boots next.
    /// Example: kiosk update mark-good --reboot-on-failure
    MarkGood {
        /// How long the kiosk must run before it is judged.
        #[arg(long, default_value_t = 60)]
        settle_s: u64,
        /// The kiosk's systemd unit ("none": do not ask systemd).
        #[arg(long, default_value = "hall-kiosk.service")]
        unit: String,
        /// Restart into the previous slot when a slot on trial is not healthy.
        #[arg(long)]
        reboot_on_failure: bool,
    },
}

pub fn run(command: UpdateCommand, path: &Path) -> ExitCode {
    if let UpdateCommand::MarkGood {
        settle_s,
        unit,
        reboot_on_failure,
    } = command
    {
        return mark_good(path, settle_s, &unit, reboot_on_failure);
    }
    let config = match load_config(path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let rauc = Rauc {
        conf: config.update.rauc_conf.clone(),
    };
    match command {
        UpdateCommand::Status { json } => status(&config, &rauc, json),
        UpdateCommand::Check { bundle, json } => {
            let state = assess(&config, &rauc, bundle.as_deref(), false);
            record(&config.kiosk.data_dir, &state);
            report(&state, json)
        }
        UpdateCommand::Install {
            bundle,
            now,
            reboot,
            json,
        } => install(&config, &rauc, bundle.as_deref(), now, reboot, json),
        UpdateCommand::MarkGood { .. } => unreachable!("mark-good runs without a valid config"),
    }
}

fn now(config: &Config) -> OffsetDateTime {
    OffsetDateTime::now_utc().to_offset(config.utc_offset())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `config check` refused any hours or window that do not parse.
fn rules(config: &Config) -> (OpeningHours, DailyRange) {
    (
        OpeningHours::parse(&config.ui.opening_hours).unwrap_or(OpeningHours::Always),
        DailyRange::parse(&config.update.window)
            .or_else(|_| DailyRange::parse(&UpdateSection::default().window))
            .expect("the default window parses"),
    )
}

fn status(config: &Config, rauc: &Rauc, json: bool) -> ExitCode {
    let slots = match rauc.status() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let last = UpdateState::read(&config.kiosk.data_dir);
    if json {
        let v = serde_json::json!({
            "compatible": slots.compatible,
            "running_version": running_version(&slots),
            "slots": slots.slots,
            "last_check": last,
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    println!("compatible  {}", slots.compatible);
    for s in &slots.slots {
        let version = if s.booted {
            running_version(&slots)
        } else {
            s.version.clone().unwrap_or_else(|| "(empty)".into())
        };
        println!(
            "slot {}  {:<7} {:<12} {}{}",
            s.bootname,
            if s.booted { "running" } else { "other" },
            version,
            if s.good { "good" } else { "bad" },
            if s.primary { ", boots next" } else { "" }
        );
    }
    match last {
        Some(l) => println!("last check  {} at {}", describe(&l), l.at),
        None => println!("last check  none yet"),
    }
    ExitCode::SUCCESS
}

/// The running slot's bundle version, or this program's for the slot flashed with the card
/// (RAUC records versions only of what it wrote).
fn running_version(slots: &rauc::Status) -> String {
    slots
        .running()
        .and_then(|s| s.version.clone())
        .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string())
}

/// Reads both slots and the offered bundle and says what would happen now. `forced`: a
/// technician's --now, for whom hours and an earlier failure do not count.
fn assess(config: &Config, rauc: &Rauc, bundle: Option<&str>, forced: bool) -> UpdateState {
    let (hours, window) = rules(config);
    let at = now(config);
    let previous = UpdateState::read(&config.kiosk.data_dir);
    let mut state = UpdateState {
        at: rfc3339(at),
        running_slot: String::new(),
        running_version: env!("CARGO_PKG_VERSION").into(),
        other_slot: None,
        other_version: None,
        other_good: false,
        offered: None,
        step: Step::Failed,
        wait: None,
        window: config.update.window.clone(),
        error: None,
        trial_slot: previous.and_then(|p| p.trial_slot),
    };
    let slots = match rauc.status() {
        Ok(s) => s,
        Err(e) => {
            state.error = Some(e.to_string());
            return state;
        }
    };
    state.running_version = running_version(&slots);
    state.running_slot = slots
        .running()
        .map(|s| s.bootname.clone())
        .unwrap_or_default();
    let other = slots.other();
    state.other_slot = other.map(|s| s.bootname.clone());
    state.other_version = other.and_then(|s| s.version.clone());
    state.other_good = other.is_some_and(|s| s.good);
    let other = other.map(|s| OtherSlot {
        version: s.version.clone(),
        good: s.good,
        primary: s.primary,
    });
    let pending = restart_pending(other.as_ref());
    let Some(source) = bundle.or(config.update.source.as_deref()) else {
        state.step = if pending {
            Step::RestartPending
        } else {
            Step::NoSource
        };
        return state;
    };
    let info = match rauc.info(source) {
        Ok(i) => i,
        Err(e) if pending => {
            // Tonight's source is unreadable, but what was installed still gets its restart.
            tracing::warn!("update source not readable: {e}");
            state.step = Step::RestartPending;
            return state;
        }
        Err(e) => {
            state.error = Some(e.to_string());
            return state;
        }
    };
    state.offered = Some(info.version.clone());
    if info.compatible != slots.compatible {
        state.error = Some(format!(
            "the bundle is for {:?}, this kiosk is {:?}",
            info.compatible, slots.compatible
        ));
        return state;
    }
    state.step = match judge(&info.version, &state.running_version, other.as_ref()) {
        Offer::UpToDate => Step::UpToDate,
        Offer::RestartPending => Step::RestartPending,
        Offer::FailedBefore if !forced => Step::FailedBefore,
        Offer::FailedBefore | Offer::Install => {
            if !forced {
                state.wait = may_install(at, &hours, &window)
                    .err()
                    .map(|w| w.code().into());
            }
            Step::Waiting
        }
    };
    state
}

fn install(
    config: &Config,
    rauc: &Rauc,
    bundle: Option<&str>,
    forced: bool,
    reboot: bool,
    json: bool,
) -> ExitCode {
    let mut state = assess(config, rauc, bundle, forced);
    if state.step == Step::Waiting && state.wait.is_none() {
        let source = bundle
            .or(config.update.source.as_deref())
            .unwrap_or_default();
        tracing::info!(version = ?state.offered, slot = ?state.other_slot, "installing an update");
        if !json {
            println!(
                "installing {} into slot {} ...",
                state.offered.as_deref().unwrap_or("?"),
                state.other_slot.as_deref().unwrap_or("?")
            );
        }
        match rauc.install(source) {
            Ok(()) => {
                state.step = Step::RestartPending;
                state.other_version = state.offered.clone();
                state.other_good = true;
                state.trial_slot = state.other_slot.clone();
            }
            Err(e) => {
                state.step = Step::Failed;
                state.error = Some(e.to_string());
            }
        }
    }
    let mut restart = false;
    if reboot && state.step == Step::RestartPending {
        let (hours, window) = rules(config);
        let presence = update::read_presence(&config.update.presence_file);
        let verdict = if forced {
            match presence {
                Presence::NoKiosk | Presence::Home { .. } => Ok(()),
                Presence::InUse { .. } => Err(crate::domain::update::Wait::InUse),
            }
        } else {
            may_restart(now(config), &hours, &window, presence)
        };
        match verdict {
            Ok(()) => restart = true,
            Err(w) => state.wait = Some(w.code().into()),
        }
    }
    record(&config.kiosk.data_dir, &state);
    let code = report(&state, json);
    if restart {
        tracing::info!(slot = ?state.other_slot, "restarting into the updated slot");
        return restart_machine();
    }
    code
}

/// Where mark-good finds RAUC and the update state when the config does not load. A new
/// version that refuses the hall's config (a key it no longer knows, say) cannot serve, and
/// that is exactly when its slot must still be given up: so the paths are taken from the
/// file as far as it reads as TOML, else the packaged defaults.
fn mark_good_paths(path: &Path) -> (PathBuf, Rauc) {
    if let Ok(config) = Config::load(path) {
        return (
            config.kiosk.data_dir,
            Rauc {
                conf: config.update.rauc_conf,
            },
        );
    }
    let raw: toml::Table = std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_default();
    let get = |section: &str, key: &str| raw.get(section)?.get(key)?.as_str().map(PathBuf::from);
    (
        // KioskSection's default data_dir, the image's /var/lib/hall-kiosk.
        get("kiosk", "data_dir").unwrap_or_else(|| "/var/lib/hall-kiosk".into()),
        Rauc {
            conf: get("update", "rauc_conf").unwrap_or_else(|| UpdateSection::default().rauc_conf),
        },
    )
}

fn mark_good(path: &Path, settle_s: u64, unit: &str, reboot_on_failure: bool) -> ExitCode {
    std::thread::sleep(Duration::from_secs(settle_s));
    let (data_dir, rauc) = mark_good_paths(path);
    let rauc = &rauc;
    let slots = match rauc.status() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let running = slots
        .running()
        .map(|s| s.bootname.clone())
        .unwrap_or_default();
    let mut faults: Vec<String> = doctor::software(path)
        .into_iter()
        .filter(|c| c.verdict == doctor::Verdict::Fail)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    if unit != "none" {
        if let Err(e) = service_settled(unit) {
            faults.insert(0, e);
        }
    }
    let mut state = UpdateState::read(&data_dir);
    let on_trial = state
        .as_ref()
        .and_then(|s| s.trial_slot.as_deref())
        .is_some_and(|t| t == running);
    if faults.is_empty() {
        if let Err(e) = rauc.mark(true) {
            return fail(e);
        }
        if let Some(s) = state.as_mut().filter(|_| on_trial) {
            s.trial_slot = None;
            record(&data_dir, s);
        }
        println!("slot {running} marked good");
        return ExitCode::SUCCESS;
    }
    for f in &faults {
        eprintln!("kiosk: not healthy: {f}");
    }
    if !on_trial {
        // A slot that has served before stays: going back would not mend what is wrong
        // (a full disk, a bad config), and the other slot may be older still.
        eprintln!("kiosk: slot {running} is not on trial; left as it is");
        return ExitCode::FAILURE;
    }
    if let Err(e) = rauc.mark(false) {
        return fail(e);
    }
    if let Some(s) = state.as_mut() {
        s.trial_slot = None;
        s.step = Step::Failed;
        s.error = Some(format!(
            "slot {running} was not healthy after the update: {}",
            faults.join("; ")
        ));
        record(&data_dir, s);
    }
    eprintln!("kiosk: slot {running} marked bad; the previous slot boots next");
    if reboot_on_failure {
        // The unit fails either way: the journal keeps why the slot was given up.
        let _ = restart_machine();
    }
    ExitCode::FAILURE
}

/// The kiosk's service is running and has not restarted since it started: systemd's
/// watchdog (WatchdogSec=) restarts a kiosk whose heartbeat stops, so this is also "its
/// heartbeats arrive".
fn service_settled(unit: &str) -> Result<(), String> {
    let out = Command::new("systemctl")
        .args(["show", unit, "--property=ActiveState,SubState,NRestarts"])
        .output()
        .map_err(|e| format!("systemctl: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
            .unwrap_or_default()
            .to_string()
    };
    let (active, sub, restarts) = (get("ActiveState"), get("SubState"), get("NRestarts"));
    if active != "active" || sub != "running" {
        return Err(format!("{unit} is {active}/{sub}, not running"));
    }
    if restarts != "0" {
        return Err(format!("{unit} restarted {restarts} times since boot"));
    }
    Ok(())
}

fn restart_machine() -> ExitCode {
    match Command::new("systemctl").arg("reboot").status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => fail(format!("systemctl reboot: {s}")),
        Err(e) => fail(format!("systemctl reboot: {e}")),
    }
}

/// Leaves the state for the staff screen; a technician running `check` as an ordinary user
/// cannot write it, which changes nothing for the answer they get.
fn record(data_dir: &Path, state: &UpdateState) {
    if let Err(e) = state.write(data_dir) {
        tracing::debug!("update state not written: {e}");
    }
}

fn describe(s: &UpdateState) -> String {
    let offered = s.offered.as_deref().unwrap_or("?");
    let other = s.other_slot.as_deref().unwrap_or("?");
    let why = match s.wait.as_deref() {
        Some("opening-hours") => format!("waits for the hall to close and {}", s.window),
        Some("window") => format!("waits for {}", s.window),
        Some(_) => "waits until nobody is at the screen".to_string(),
        None => String::new(),
    };
    match s.step {
        Step::NoSource => "no update.source set (hawkBit or by hand)".into(),
        Step::UpToDate => format!("{offered} offered: up to date"),
        Step::Waiting if why.is_empty() => format!("{offered} offered: installing now"),
        Step::Waiting => format!("{offered} offered: {why}"),
        Step::RestartPending if why.is_empty() => {
            format!("{offered} in slot {other}: restarting into it")
        }
        Step::RestartPending => format!("{offered} in slot {other}: restart {why}"),
        Step::FailedBefore => format!(
            "{offered} offered: it failed in slot {other} before; not installed again \
             unattended (kiosk update install --now)"
        ),
        Step::Failed => format!("failed: {}", s.error.as_deref().unwrap_or("?")),
    }
}

fn report(state: &UpdateState, json: bool) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(state).unwrap_or_default()
        );
    } else {
        println!(
            "running     slot {} {}",
            state.running_slot, state.running_version
        );
        if let Some(o) = &state.other_slot {
            println!(
                "other       slot {o} {} ({})",
                state.other_version.as_deref().unwrap_or("(empty)"),
                if state.other_good { "good" } else { "bad" }
            );
        }
        println!("update      {}", describe(state));
    }
    if state.step == Step::Failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
