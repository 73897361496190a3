//! The checks themselves: host (disk, font, display, backlight, service), store, backend
//! and devices. Each looks and reports; none fixes anything.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{check, Check, Verdict};
use crate::platform::config::{fitted, Config};

/// Free bytes on the file system holding `path` (statvfs).
pub(super) fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `st` a writable statvfs.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    (rc == 0).then(|| st.f_bavail as u64 * st.f_frsize as u64)
}

pub(super) fn disk(config: &Config) -> Check {
    let dir = &config.kiosk.data_dir;
    let probe = if dir.exists() {
        dir.as_path()
    } else {
        dir.parent().unwrap_or(Path::new("/"))
    };
    match free_bytes(probe) {
        None => check(
            "disk",
            Verdict::Warn,
            format!("cannot stat {}", probe.display()),
        ),
        Some(b) => {
            let mb = b / 1_000_000;
            let verdict = if mb < 50 {
                Verdict::Fail
            } else if mb < 500 {
                Verdict::Warn
            } else {
                Verdict::Ok
            };
            check(
                "disk",
                verdict,
                format!("{mb} MB free for {}", dir.display()),
            )
        }
    }
}

/// The kiosk's store, through hall-link's read-only reader: integrity, outbox depth and
/// dead letters, catalog age, offline numbers.
pub(super) fn database(config: &Config) -> Vec<Check> {
    use hall_link::store::{ReadError, StoreReader};
    let path = hall_link::store::db_path(&config.kiosk.data_dir);
    let store = match StoreReader::open(&path) {
        Ok(s) => s,
        Err(ReadError::Missing { .. }) => {
            return vec![check(
                "database",
                Verdict::Warn,
                format!(
                    "{} not created yet (the kiosk makes it on first start)",
                    path.display()
                ),
            )]
        }
        // The kiosk migrates an older file on its next start: someone should look, but
        // citizens are served.
        Err(e @ ReadError::OlderSchema { .. }) => {
            return vec![check("database", Verdict::Warn, e.to_string())]
        }
        // A newer build's file is refused: the kiosk stays out of service until the build
        // that wrote it runs again.
        Err(e @ ReadError::NewerSchema { .. }) => {
            return vec![check(
                "database",
                Verdict::Fail,
                format!("{e}: the kiosk refuses to open it"),
            )]
        }
        Err(ReadError::Sqlite(e)) => {
            return vec![check(
                "database",
                Verdict::Fail,
                format!("{}: {e}", path.display()),
            )]
        }
    };
    let integrity = match store.integrity_check() {
        Ok(s) => s,
        Err(ReadError::Sqlite(e)) => e.to_string(),
        Err(e) => e.to_string(),
    };
    let size = store.size_bytes().unwrap_or_default();
    let cap = u64::from(config.retention.max_store_mb.max(1)) * 1024 * 1024;
    let mut out = vec![check(
        "database",
        if integrity != "ok" {
            Verdict::Fail
        } else if crate::health::assess::store_nearly_full(size, cap) {
            Verdict::Warn
        } else {
            Verdict::Ok
        },
        format!(
            "{}: integrity {integrity}, {} of {} MiB",
            path.display(),
            size.div_ceil(1024 * 1024),
            config.retention.max_store_mb
        ),
    )];
    let counts = store.counts().unwrap_or_default();
    let (pending, dead) = (counts.pending, counts.dead);
    let oldest = store.oldest_pending_ms().ok().flatten();
    let age_min = oldest.map(|ms| (hall_link::store::now_ms() - ms) / 60_000);
    let verdict = if dead > 0 || age_min.is_some_and(|m| m > 60) {
        Verdict::Warn
    } else {
        Verdict::Ok
    };
    out.push(check(
        "outbox",
        verdict,
        format!(
            "{pending} waiting{}, {dead} dead letters",
            age_min
                .map(|m| format!(" (oldest {m} min)"))
                .unwrap_or_default()
        ),
    ));
    out.push(match store.catalog().ok().flatten() {
        None => check("catalog", Verdict::Warn, "no catalog cached yet"),
        Some(c) => {
            let hours = (hall_link::store::now_ms() - c.fetched_ms) / 3_600_000;
            check(
                "catalog",
                if hours > 48 {
                    Verdict::Warn
                } else {
                    Verdict::Ok
                },
                format!("confirmed {hours} h ago"),
            )
        }
    });
    let left = store.offline_left().unwrap_or_default();
    out.push(check(
        "offline-numbers",
        if left.is_empty() || left.iter().any(|(_, n)| *n < 5) {
            Verdict::Warn
        } else {
            Verdict::Ok
        },
        if left.is_empty() {
            "none reserved (taken on the first sync)".to_string()
        } else {
            left.iter()
                .map(|(c, n)| format!("{c}: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        },
    ));
    out
}

pub(super) fn printer(config: &Config) -> Check {
    use kiosk_drivers::printer::{Condition, EscPosPrinter, PortSpec, ReceiptPrinter};
    let p = &config.devices.printer;
    if !fitted(&p.port) {
        return check(
            "printer",
            Verdict::Skip,
            format!("port = {:?}: no printer fitted", p.port),
        );
    }
    let mut printer = EscPosPrinter::new(PortSpec::parse(&p.port, p.baud));
    match printer.status() {
        Ok(s) => {
            let c = s.condition();
            let verdict = match c {
                Condition::Ready => Verdict::Ok,
                Condition::PaperNearEnd => Verdict::Warn,
                _ => Verdict::Fail,
            };
            check(
                "printer",
                verdict,
                format!("{}: {} ({})", p.port, c.zh(), c.en()),
            )
        }
        Err(e) => check("printer", Verdict::Fail, e.to_string()),
    }
}

pub(super) fn reader(config: &Config) -> Check {
    use kiosk_drivers::idcard::{CardReader, SerialCardReader};
    let r = &config.devices.idcard;
    if !fitted(&r.port) {
        return check(
            "idcard",
            Verdict::Skip,
            format!("port = {:?}: no reader fitted", r.port),
        );
    }
    let mut reader = match SerialCardReader::open(&r.port, r.baud) {
        Ok(r) => r,
        Err(e) => return check("idcard", Verdict::Fail, e.to_string()),
    };
    match (reader.sam_id(), reader.sam_status()) {
        (Ok(id), Ok(())) => check("idcard", Verdict::Ok, format!("{}: SAM {id}", r.port)),
        (_, Err(e)) | (Err(e), _) => check("idcard", Verdict::Fail, e.to_string()),
    }
}

pub(super) fn scanner(config: &Config) -> Check {
    let s = &config.devices.scanner;
    if !fitted(&s.port) {
        return check(
            "scanner",
            Verdict::Skip,
            format!("port = {:?}: no scanner fitted", s.port),
        );
    }
    // A scanner says nothing until a code is shown; being able to open it is what can be
    // checked unattended (`kiosk device scanner read` waits for a real scan).
    let path = s
        .port
        .trim_start_matches("hid:")
        .trim_start_matches("camera:");
    if s.port.starts_with("hid:") || s.port.starts_with("camera:") {
        return match std::fs::File::open(path) {
            Ok(_) => check("scanner", Verdict::Ok, format!("{} opens", s.port)),
            Err(e) => check("scanner", Verdict::Fail, format!("{}: {e}", s.port)),
        };
    }
    match serialport::new(path, s.baud)
        .timeout(Duration::from_millis(50))
        .open()
    {
        Ok(_) => check("scanner", Verdict::Ok, format!("{} opens", s.port)),
        Err(e) => check("scanner", Verdict::Fail, format!("{}: {e}", s.port)),
    }
}

pub(super) fn backend(config: &Config, token: &str) -> Vec<Check> {
    let data = match tempfile_dir() {
        Some(d) => d,
        None => return vec![check("backend", Verdict::Warn, "no temporary directory")],
    };
    // A throwaway store: the doctor must not touch the kiosk's own outbox.
    let mut s =
        hall_link::LinkSettings::new(&config.kiosk.id, &config.backend.url, token, data.clone());
    s.timeout = Duration::from_millis(config.backend.timeout_ms);
    s.ca_file = config.backend.ca_file.clone();
    if let (Some(c), Some(k)) = (&config.backend.client_cert, &config.backend.client_key) {
        s.client_cert = Some((c.clone(), k.clone()));
    }
    let result = (|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        let link = hall_link::HallLink::open(s).ok()?;
        let t = Instant::now();
        let q = rt.block_on(link.queue());
        Some((q, t.elapsed(), link.status()))
    })();
    let _ = std::fs::remove_dir_all(&data);
    match result {
        None => vec![check(
            "backend",
            Verdict::Fail,
            "cannot set up the HTTP client",
        )],
        Some((Err(e), _, st)) => vec![check(
            "backend",
            if st.auth_failed {
                Verdict::Fail
            } else {
                Verdict::Warn
            },
            format!(
                "{}: {e} (tickets come from offline blocks)",
                config.backend.url
            ),
        )],
        Some((Ok(q), latency, _)) => {
            let mut out = vec![check(
                "backend",
                Verdict::Ok,
                format!(
                    "{} answered in {} ms",
                    config.backend.url,
                    latency.as_millis()
                ),
            )];
            if let Ok(server) = time::OffsetDateTime::parse(
                &q.updated_at,
                &time::format_description::well_known::Rfc3339,
            ) {
                let skew = (time::OffsetDateTime::now_utc() - server).whole_seconds();
                out.push(check(
                    "clock",
                    if skew.abs() > 60 {
                        Verdict::Warn
                    } else {
                        Verdict::Ok
                    },
                    format!("{skew:+} s against the backend"),
                ));
            }
            out
        }
    }
}

pub(super) fn tempfile_dir() -> Option<std::path::PathBuf> {
    let d = std::env::temp_dir().join(format!("hall-kiosk-doctor-{}", std::process::id()));
    std::fs::create_dir_all(&d).ok()?;
    Some(d)
}

pub(super) fn font() -> Check {
    match kiosk_drivers::printer::glyph::font() {
        Some(f) if f.covers('政') && f.covers('務') => {
            check("cjk-font", Verdict::Ok, "a CJK font covers 简体 and 繁體")
        }
        Some(_) => check(
            "cjk-font",
            Verdict::Fail,
            "the font found has no Chinese: install fonts-noto-cjk",
        ),
        None => check(
            "cjk-font",
            Verdict::Fail,
            "no font found: install fonts-noto-cjk",
        ),
    }
}

/// A warning, not a failure: a hall that never switches to Tibetan serves everyone without it.
pub(super) fn tibetan_font() -> Check {
    match kiosk_drivers::printer::shaped::face() {
        Ok(_) => check(
            "tibetan-font",
            Verdict::Ok,
            "a Tibetan font covers the screen and the slips",
        ),
        Err(e) => check(
            "tibetan-font",
            Verdict::Warn,
            format!(
                "no Tibetan font ({}): install fonts-tibetan-machine, or the Tibetan screen shows boxes and slips print Chinese only",
                e.kind()
            ),
        ),
    }
}

pub(super) fn display() -> Check {
    let kms = cfg!(feature = "kms");
    let dri = Path::new("/dev/dri/card0").exists() || Path::new("/dev/dri/card1").exists();
    let desktop =
        std::env::var_os("WAYLAND_DISPLAY").is_some() || std::env::var_os("DISPLAY").is_some();
    if kms && dri {
        check("display", Verdict::Ok, "LinuxKMS backend, /dev/dri present")
    } else if desktop {
        check(
            "display",
            Verdict::Ok,
            "winit backend on the desktop session",
        )
    } else if kms {
        check(
            "display",
            Verdict::Fail,
            "LinuxKMS build but no /dev/dri/card*",
        )
    } else {
        check(
            "display",
            Verdict::Warn,
            "no display here (desktop build without DISPLAY/WAYLAND_DISPLAY); screenshots still work",
        )
    }
}

pub(super) fn backlight(config: &Config, sys: &Path) -> Check {
    use crate::platform::backlight::Backlight;
    match Backlight::find(&config.display.backlight, sys) {
        None => check(
            "backlight",
            Verdict::Skip,
            "none (HDMI screen or display.backlight = \"none\"): brightness fixed, the screen rests with a black page",
        ),
        Some(Err(e)) => check("backlight", Verdict::Warn, e.to_string()),
        Some(Ok(b)) => {
            let writable = std::fs::OpenOptions::new()
                .write(true)
                .open(b.dir().join("brightness"))
                .is_ok();
            if writable {
                check("backlight", Verdict::Ok, b.dir().display().to_string())
            } else {
                check(
                    "backlight",
                    Verdict::Warn,
                    format!(
                        "{}: brightness not writable by this user (udev rule in 99-hall-kiosk.rules, group video)",
                        b.dir().display()
                    ),
                )
            }
        }
    }
}

/// Staff's "out of service", kept across restarts (see live_staff).
pub(super) fn service(config: &Config) -> Check {
    match std::fs::read_to_string(config.kiosk.data_dir.join("out-of-service")) {
        Ok(reason) => check(
            "in-service",
            Verdict::Warn,
            format!(
                "taken out of service by staff ({}); staff put it back on the status screen",
                reason.trim()
            ),
        ),
        Err(_) => check("in-service", Verdict::Ok, "serving citizens"),
    }
}

/// The config files' owner and mode: nobody but root (or the user running the kiosk by
/// hand) may change them, since they name the backend and the staff credentials; one that
/// holds PIN hashes should not be readable by every user (0640 root:hall-kiosk).
pub(super) fn config_files(path: &Path) -> Check {
    use std::os::unix::fs::MetadataExt;
    let layers = match crate::platform::config::Layer::read_all(path) {
        Ok(l) => l,
        Err(e) => return check("config-files", Verdict::Fail, e.to_string()),
    };
    let me = nix::unistd::geteuid().as_raw();
    let mut warnings = Vec::new();
    for l in &layers {
        let Ok(meta) = std::fs::metadata(&l.path) else {
            continue;
        };
        let mode = meta.mode() & 0o777;
        if mode & 0o022 != 0 || !(meta.uid() == 0 || meta.uid() == me) {
            return check(
                "config-files",
                Verdict::Fail,
                format!(
                    "{}: mode {mode:04o}, owner uid {}: others could change the kiosk's backend or staff access; run `chown root: {0}; chmod 640 {0}`",
                    l.path.display(),
                    meta.uid()
                ),
            );
        }
        let holds_pins = l.text.lines().any(|line| {
            let line = line.trim_start();
            line.starts_with("pin_hashes") && line.contains("$argon2")
        });
        if holds_pins && mode & 0o004 != 0 {
            warnings.push(format!(
                "{}: holds PIN hashes and every user can read it (chmod 640, chgrp hall-kiosk)",
                l.path.display()
            ));
        }
    }
    if warnings.is_empty() {
        check(
            "config-files",
            Verdict::Ok,
            format!("{} file(s), owner and mode fine", layers.len()),
        )
    } else {
        check("config-files", Verdict::Warn, warnings.join("; "))
    }
}

/// Sound is a warning, never a failure: a kiosk without a speaker serves everyone, silently.
pub(super) fn audio(config: &Config) -> Vec<Check> {
    use crate::domain::voice::{Prompts, VoiceMode};
    use crate::services::voice::{probe, ClipStore};
    let a = &config.audio;
    if a.voice == VoiceMode::Off {
        return vec![check("audio", Verdict::Skip, "voice = \"off\"")];
    }
    let device = match probe(&a.output) {
        Ok(what) => check("audio", Verdict::Ok, what),
        Err(e) => check(
            "audio",
            Verdict::Warn,
            format!(
                "{e}: voice prompts are silent (a device the running kiosk holds shows as busy)"
            ),
        ),
    };
    let reports = ClipStore::open(&a.packs, &a.recordings).check(Prompts::builtin());
    let mandarin = reports.iter().find(|r| r.locale == "zh-CN");
    let unreadable: usize = reports.iter().map(|r| r.unreadable.len()).sum();
    let recorded: usize = reports.iter().map(|r| r.recordings).sum();
    let clips = match mandarin {
        Some(m) if m.clips > 0 && m.missing.is_empty() && unreadable == 0 => check(
            "voice-clips",
            Verdict::Ok,
            format!(
                "{} prompts in {} ({recorded} recorded by the hall)",
                m.clips,
                reports
                    .iter()
                    .filter(|r| r.clips > 0)
                    .map(|r| r.locale)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        _ => check(
            "voice-clips",
            Verdict::Warn,
            format!(
                "{} Mandarin clips missing, {unreadable} unreadable under {} and {}: `kiosk voice check` lists them",
                mandarin.map_or(0, |m| m.missing.len()),
                a.packs.display(),
                a.recordings.display()
            ),
        ),
    };
    vec![device, clips]
}
