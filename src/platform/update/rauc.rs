//! RAUC through its command line, the interface it documents for scripts: `rauc status`
//! and `rauc info` as JSON, `rauc install` and `rauc status mark-good|mark-bad`. The command
//! talks to the RAUC service on the system bus (Debian's rauc-service), which does the
//! privileged work; each call is bounded in time so a hung service never hangs the caller.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use wait_timeout::ChildExt;

/// Why RAUC could not answer. The messages are RAUC's own last line.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("rauc is not installed (Debian packages rauc and rauc-service)")]
    NotInstalled,
    #[error("rauc {command}: {message}")]
    Failed { command: String, message: String },
    #[error("rauc {command} did not finish within {secs} s")]
    TimedOut { command: String, secs: u64 },
    #[error("rauc {command} gave output this kiosk cannot read: {message}")]
    Unreadable { command: String, message: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A root slot as RAUC reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Slot {
    /// RAUC's name, e.g. "rootfs.1".
    pub name: String,
    /// The bootloader's name, "A" or "B".
    pub bootname: String,
    pub booted: bool,
    /// RAUC's boot status ("good"; "bad" once marked bad).
    pub good: bool,
    /// The bootloader starts it next.
    pub primary: bool,
    /// The bundle version RAUC wrote into it; none for the slot flashed with the card.
    pub version: Option<String>,
    /// When RAUC last wrote it (RFC 3339).
    pub installed_at: Option<String>,
}

/// `rauc status`: the system's compatible and its root slots.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Status {
    pub compatible: String,
    pub slots: Vec<Slot>,
}

impl Status {
    pub fn running(&self) -> Option<&Slot> {
        self.slots.iter().find(|s| s.booted)
    }

    pub fn other(&self) -> Option<&Slot> {
        self.slots.iter().find(|s| !s.booted)
    }

    /// Parses `rauc status --detailed --output-format=json` (RAUC 1.8).
    pub fn parse(json: &str) -> Result<Status, serde_json::Error> {
        #[derive(Deserialize)]
        struct Raw {
            compatible: String,
            booted: Option<String>,
            boot_primary: Option<String>,
            slots: Vec<BTreeMap<String, RawSlot>>,
        }
        #[derive(Deserialize)]
        struct RawSlot {
            class: String,
            bootname: Option<String>,
            state: Option<String>,
            boot_status: Option<String>,
            slot_status: Option<RawSlotStatus>,
        }
        #[derive(Deserialize)]
        struct RawSlotStatus {
            bundle: Option<RawBundle>,
            installed: Option<RawInstalled>,
        }
        #[derive(Deserialize)]
        struct RawBundle {
            version: Option<String>,
        }
        #[derive(Deserialize)]
        struct RawInstalled {
            timestamp: Option<String>,
        }
        let raw: Raw = serde_json::from_str(json)?;
        let mut slots: Vec<Slot> = raw
            .slots
            .into_iter()
            .flatten()
            .filter(|(_, s)| s.class == "rootfs")
            .map(|(name, s)| {
                let bootname = s.bootname.unwrap_or_default();
                let status = s.slot_status;
                Slot {
                    booted: s.state.as_deref() == Some("booted")
                        || raw.booted.as_deref() == Some(bootname.as_str()),
                    good: s.boot_status.as_deref() == Some("good"),
                    primary: raw.boot_primary.as_deref() == Some(name.as_str()),
                    version: status
                        .as_ref()
                        .and_then(|st| st.bundle.as_ref())
                        .and_then(|b| b.version.clone()),
                    installed_at: status.and_then(|st| st.installed).and_then(|i| i.timestamp),
                    name,
                    bootname,
                }
            })
            .collect();
        slots.sort_by(|a, b| a.bootname.cmp(&b.bootname));
        Ok(Status {
            compatible: raw.compatible,
            slots,
        })
    }
}

/// What `rauc info` says of a bundle whose signature it checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct BundleInfo {
    pub compatible: String,
    pub version: String,
}

/// The `rauc` command with the system's configuration.
#[derive(Debug, Clone)]
pub struct Rauc {
    /// RAUC's system.conf: `rauc info` runs without the service and reads the keyring here.
    pub conf: PathBuf,
}

/// Status calls answer in well under a second; a bundle's download and write take minutes
/// on a Pi's card, more over a slow link.
const QUICK: Duration = Duration::from_secs(60);
const INSTALL: Duration = Duration::from_secs(2 * 3600);

impl Rauc {
    pub fn status(&self) -> Result<Status, UpdateError> {
        let out = self.run(&["status", "--detailed", "--output-format=json"], QUICK)?;
        Status::parse(&out).map_err(|e| unreadable("status", e))
    }

    /// Reads a bundle (a path or an http(s) URL) and checks its signature against the
    /// keyring; nothing is written.
    pub fn info(&self, bundle: &str) -> Result<BundleInfo, UpdateError> {
        let conf = format!("--conf={}", self.conf.display());
        let out = self.run(&[&conf, "info", "--output-format=json", bundle], QUICK)?;
        serde_json::from_str(&out).map_err(|e| unreadable("info", e))
    }

    /// Writes the bundle into the slot that is not running and makes it boot next.
    pub fn install(&self, bundle: &str) -> Result<(), UpdateError> {
        self.run(&["install", bundle], INSTALL).map(drop)
    }

    /// Ends the running slot's trial (good), or gives it up so the other boots next (bad).
    pub fn mark(&self, good: bool) -> Result<(), UpdateError> {
        let what = if good { "mark-good" } else { "mark-bad" };
        self.run(&["status", what], QUICK).map(drop)
    }

    fn run(&self, args: &[&str], limit: Duration) -> Result<String, UpdateError> {
        let command = args
            .iter()
            .find(|a| !a.starts_with("--"))
            .copied()
            .unwrap_or_default()
            .to_string();
        let mut child = match Command::new("rauc")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(UpdateError::NotInstalled)
            }
            Err(e) => return Err(e.into()),
        };
        // The pipes are read on their own threads: an install's progress lines would fill
        // a pipe nobody reads and stall RAUC.
        let mut stdout = child.stdout.take().expect("piped");
        let mut stderr = child.stderr.take().expect("piped");
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            s
        });
        let err = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let status = match child.wait_timeout(limit)? {
            Some(s) => s,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(UpdateError::TimedOut {
                    command,
                    secs: limit.as_secs(),
                });
            }
        };
        let out = out.join().unwrap_or_default();
        let err = err.join().unwrap_or_default();
        if status.success() {
            Ok(out)
        } else {
            Err(UpdateError::Failed {
                command,
                message: last_message(&err)
                    .or_else(|| last_message(&out))
                    .unwrap_or_else(|| format!("exit status {}", status.code().unwrap_or(-1))),
            })
        }
    }
}

fn unreadable(command: &str, e: serde_json::Error) -> UpdateError {
    UpdateError::Unreadable {
        command: command.into(),
        message: e.to_string(),
    }
}

/// RAUC's last meaningful line, without GLib's "(rauc:PID): rauc-Message: 13:39:37.690: "
/// prefixes.
fn last_message(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(without_glib_prefix)
        .next_back()
}

fn without_glib_prefix(line: &str) -> String {
    let line = match line
        .strip_prefix("(rauc:")
        .and_then(|l| l.split_once("): "))
    {
        Some((_, rest)) => rest,
        None => line,
    };
    if !line.starts_with("rauc-") {
        return line.to_string();
    }
    let rest = line.split_once(": ").map_or(line, |(_, r)| r);
    match rest.split_once(": ") {
        Some((time, msg))
            if time
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == '.') =>
        {
            msg.to_string()
        }
        _ => rest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rauc status --detailed --output-format=json` from RAUC 1.8 (Debian 12) after a
    /// bundle was installed into B from A (scripts/test-update makes the same).
    const AFTER_INSTALL: &str = r#"{"compatible":"hall-kiosk-rpi","variant":"","booted":"A","boot_primary":"rootfs.1","slots":[{"rootfs.1":{"class":"rootfs","device":"/tmp/rx/p3","type":"ext4","bootname":"B","state":"inactive","parent":null,"mountpoint":null,"boot_status":"good","slot_status":{"bundle":{"compatible":"hall-kiosk-rpi","version":"0.2.0"},"checksum":{"sha256":"46dd","size":8388608},"installed":{"timestamp":"2026-12-03T13:39:47Z","count":1},"activated":{"timestamp":"2026-12-03T13:39:47Z","count":1},"status":"ok"}}},{"rootfs.0":{"class":"rootfs","device":"/tmp/rx/p2","type":"ext4","bootname":"A","state":"booted","parent":null,"mountpoint":null,"boot_status":"good","slot_status":{"bundle":{"compatible":null}}}}]}"#;

    #[test]
    fn rauc_status_gives_both_slots_and_which_boots_next() {
        let s = Status::parse(AFTER_INSTALL).unwrap();
        assert_eq!(s.compatible, "hall-kiosk-rpi");
        let a = s.running().unwrap();
        assert_eq!((a.bootname.as_str(), a.version.as_deref()), ("A", None));
        assert!(a.good && !a.primary);
        let b = s.other().unwrap();
        assert_eq!(b.name, "rootfs.1");
        assert_eq!(b.version.as_deref(), Some("0.2.0"));
        assert_eq!(b.installed_at.as_deref(), Some("2026-12-03T13:39:47Z"));
        assert!(b.good && b.primary && !b.booted);
    }

    #[test]
    fn a_slot_marked_bad_and_output_from_elsewhere_are_told_apart() {
        let bad = AFTER_INSTALL
            .replacen("\"boot_status\":\"good\"", "\"boot_status\":\"bad\"", 1)
            .replace(
                "\"boot_primary\":\"rootfs.1\"",
                "\"boot_primary\":\"rootfs.0\"",
            );
        let s = Status::parse(&bad).unwrap();
        let b = s.other().unwrap();
        assert!(!b.good && !b.primary);
        assert!(s.running().unwrap().primary);
        assert!(Status::parse("installing\n").is_err());
        assert!(Status::parse(r#"{"compatible":"x"}"#).is_err());
    }

    #[test]
    fn raucs_last_line_is_kept_without_its_log_prefix() {
        let err = "rauc-Message: 13:39:37.868: Reading bundle: /b.raucb\n\
                   rauc-CRITICAL **: 13:39:37.9: signature verification failed: bad sig\n";
        assert_eq!(
            last_message(err).as_deref(),
            Some("signature verification failed: bad sig")
        );
        assert_eq!(
            last_message("Failed to check bundle: no such file\n\n").as_deref(),
            Some("Failed to check bundle: no such file")
        );
        assert_eq!(
            last_message("(rauc:7092): rauc-WARNING **: 13:39:37.690: no primary slot").as_deref(),
            Some("no primary slot")
        );
        assert_eq!(last_message("\n"), None);
    }
}
