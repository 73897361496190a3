//! Software updates into the other root slot. RAUC does the work ([`rauc`]); this module
//! keeps what the kiosk's own parts exchange about it:
//! - the presence file, where the running kiosk says who is at the screen, so the updater
//!   (a root service of its own) restarts the kiosk only when nobody is;
//! - the update state, where the updater leaves what it found and why an update waits, so
//!   the staff screen can show it without rights to RAUC.

pub mod rauc;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::domain::update::Presence;
pub use rauc::{Rauc, UpdateError};

/// The state file in the kiosk's data directory (the data partition, shared by both slots).
pub fn state_path(data_dir: &Path) -> PathBuf {
    data_dir.join("update-state.json")
}

/// Reads the presence file; no file means no kiosk is running (the file lives under /run,
/// which the kiosk's unit removes when it stops).
pub fn read_presence(path: &Path) -> Presence {
    match std::fs::read_to_string(path) {
        Ok(line) => Presence::parse(&line),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Presence::NoKiosk,
        // Unreadable: in doubt, someone is there.
        Err(_) => Presence::InUse { since_s: i64::MAX },
    }
}

/// Replaces a small file whole (a reader never sees half of it).
pub fn write_atomic(path: &Path, text: &str, mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// What the updater last found: both slots, the offered version and what happens next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateState {
    /// When the updater wrote this (RFC 3339).
    pub at: String,
    /// The running slot's name for the bootloader ("A"), and the version it runs.
    pub running_slot: String,
    pub running_version: String,
    /// The other slot: its bootloader name, the bundle version in it, and whether RAUC
    /// counts it good.
    pub other_slot: Option<String>,
    pub other_version: Option<String>,
    pub other_good: bool,
    /// The version the configured source offers, when it was read.
    pub offered: Option<String>,
    pub step: Step,
    /// Why it waits: "opening-hours", "window" or "in-use".
    pub wait: Option<String>,
    /// The window it waits for ("02:00-05:00").
    pub window: String,
    /// What went wrong, in RAUC's words (never personal data: versions, paths, URLs).
    pub error: Option<String>,
    /// The slot an update was last written into and not yet confirmed good after booting
    /// it; `kiosk update mark-good` clears it, or rolls back from it.
    #[serde(default)]
    pub trial_slot: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// No source is configured: updates come from hawkBit or a technician.
    NoSource,
    UpToDate,
    /// An update is offered and waits (see `wait`).
    Waiting,
    /// Written into the other slot; it boots at the next restart.
    RestartPending,
    /// The offered version failed in the other slot before; not installed again unattended.
    FailedBefore,
    /// The source or RAUC could not be read, or the install failed (see `error`).
    Failed,
}

impl Step {
    pub fn code(self) -> &'static str {
        match self {
            Step::NoSource => "no-source",
            Step::UpToDate => "up-to-date",
            Step::Waiting => "waiting",
            Step::RestartPending => "restart-pending",
            Step::FailedBefore => "failed-before",
            Step::Failed => "failed",
        }
    }
}

impl UpdateState {
    pub fn read(data_dir: &Path) -> Option<UpdateState> {
        let text = std::fs::read_to_string(state_path(data_dir)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Written by root, read by the kiosk's user: 0644 in the kiosk's own directory.
    pub fn write(&self, data_dir: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(&state_path(data_dir), &(text + "\n"), 0o644)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_and_state_files_read_back_and_absence_means_no_kiosk() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("presence");
        assert_eq!(read_presence(&p), Presence::NoKiosk);
        let home = Presence::Home {
            since_s: 1_764_720_000,
        };
        write_atomic(&p, &home.line().unwrap(), 0o644).unwrap();
        assert_eq!(read_presence(&p), home);
        assert!(!p.with_extension("tmp").exists());

        assert_eq!(UpdateState::read(dir.path()), None);
        let s = UpdateState {
            at: "2026-12-03T03:00:00+08:00".into(),
            running_slot: "A".into(),
            running_version: "0.1.0".into(),
            other_slot: Some("B".into()),
            other_version: Some("0.2.0".into()),
            other_good: true,
            offered: Some("0.2.0".into()),
            step: Step::RestartPending,
            wait: Some("in-use".into()),
            window: "02:00-05:00".into(),
            error: None,
            trial_slot: Some("B".into()),
        };
        s.write(dir.path()).unwrap();
        assert_eq!(UpdateState::read(dir.path()), Some(s));
        let text = std::fs::read_to_string(state_path(dir.path())).unwrap();
        assert!(text.contains("\"step\": \"restart-pending\""), "{text}");
    }
}
