//! `kiosk doctor`: everything a technician or hall staff member would check by hand, in one
//! table. Read-only: it opens devices and the database to look, never to fix.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::platform::config::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ok,
    /// Works, but someone should look soon.
    Warn,
    /// Citizens would not be served (or not fully).
    Fail,
    /// Not configured on this kiosk.
    Skip,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub verdict: Verdict,
    pub detail: String,
}

fn check(name: &'static str, verdict: Verdict, detail: impl Into<String>) -> Check {
    Check {
        name,
        verdict,
        detail: detail.into(),
    }
}

/// Free bytes on the file system holding `path` (statvfs).
fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `st` a writable statvfs.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    (rc == 0).then(|| st.f_bavail as u64 * st.f_frsize as u64)
}

fn disk(config: &Config) -> Check {
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

/// The database, opened read-only: integrity, outbox depth, dead letters.
fn database(config: &Config) -> Vec<Check> {
    let path = config.kiosk.data_dir.join("kiosk.db");
    if !path.exists() {
        return vec![check(
            "database",
            Verdict::Warn,
            format!(
                "{} not created yet (the kiosk makes it on first start)",
                path.display()
            ),
        )];
    }
    let conn = match rusqlite::Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) {
        Ok(c) => c,
        Err(e) => {
            return vec![check(
                "database",
                Verdict::Fail,
                format!("{}: {e}", path.display()),
            )]
        }
    };
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| e.to_string());
    let mut out = vec![check(
        "database",
        if integrity == "ok" {
            Verdict::Ok
        } else {
            Verdict::Fail
        },
        format!("{}: integrity {integrity}", path.display()),
    )];
    let count = |state: &str| -> Option<i64> {
        conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE state = ?1",
            [state],
            |r| r.get(0),
        )
        .ok()
    };
    let oldest: Option<i64> = conn
        .query_row(
            "SELECT MIN(created_at) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )
        .ok()
        .flatten();
    let (pending, dead) = (count("pending").unwrap_or(0), count("dead").unwrap_or(0));
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
    out
}

fn printer(config: &Config) -> Check {
    use kiosk_drivers::printer::{Condition, EscPosPrinter, PortSpec, ReceiptPrinter};
    let p = &config.devices.printer;
    if p.port == "sim" {
        return check(
            "printer",
            Verdict::Skip,
            "port = \"sim\" (no printer configured)",
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

fn reader(config: &Config) -> Check {
    use kiosk_drivers::idcard::{CardReader, SerialCardReader};
    let r = &config.devices.idcard;
    if r.port == "sim" {
        return check(
            "idcard",
            Verdict::Skip,
            "port = \"sim\" (no reader configured)",
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

fn scanner(config: &Config) -> Check {
    let s = &config.devices.scanner;
    if s.port == "sim" {
        return check(
            "scanner",
            Verdict::Skip,
            "port = \"sim\" (no scanner configured)",
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

fn backend(config: &Config, token: &str) -> Vec<Check> {
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

fn tempfile_dir() -> Option<std::path::PathBuf> {
    let d = std::env::temp_dir().join(format!("hall-kiosk-doctor-{}", std::process::id()));
    std::fs::create_dir_all(&d).ok()?;
    Some(d)
}

/// Catalog age and offline numbers, from the kiosk's own store (read-only).
fn cached(config: &Config) -> Vec<Check> {
    let path = config.kiosk.data_dir.join("kiosk.db");
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let fetched: Option<i64> = conn
        .query_row("SELECT fetched_at FROM catalog LIMIT 1", [], |r| r.get(0))
        .ok();
    out.push(match fetched {
        None => check("catalog", Verdict::Warn, "no catalog cached yet"),
        Some(ms) => {
            let hours = (hall_link::store::now_ms() - ms) / 3_600_000;
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
    let left: Vec<(String, i64)> = conn
        .prepare(
            "SELECT category, COUNT(*) FROM blocks WHERE used = 0 AND expires_at > strftime('%s','now') * 1000 GROUP BY category ORDER BY category",
        )
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap_or_default();
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

fn font() -> Check {
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

fn display() -> Check {
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

fn backlight(config: &Config, sys: &Path) -> Check {
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
fn service(config: &Config) -> Check {
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

/// Runs every check. The config is checked first; without it nothing else can be.
pub fn run(config_path: &Path) -> Vec<Check> {
    let config = match Config::load(config_path) {
        Ok(c) => c,
        Err(e) => return vec![check("config", Verdict::Fail, e.to_string())],
    };
    let mut out = vec![check(
        "config",
        Verdict::Ok,
        config_path.display().to_string(),
    )];
    let token = match config.read_token() {
        Ok(t) => {
            out.push(check(
                "token",
                Verdict::Ok,
                format!("{} (mode 0600)", config.backend.token_file.display()),
            ));
            Some(t)
        }
        Err(e) => {
            out.push(check("token", Verdict::Fail, e.to_string()));
            None
        }
    };
    out.push(disk(&config));
    out.extend(database(&config));
    out.extend(cached(&config));
    if let Some(t) = token {
        out.extend(backend(&config, &t));
    }
    out.push(printer(&config));
    out.push(reader(&config));
    out.push(scanner(&config));
    out.push(font());
    out.push(display());
    out.push(backlight(&config, Path::new("/sys")));
    out.push(service(&config));
    out
}

/// Whether citizens would be served: no check failed.
pub fn healthy(checks: &[Check]) -> bool {
    !checks.iter().any(|c| c.verdict == Verdict::Fail)
}

/// The table technicians read.
pub fn table(checks: &[Check]) -> String {
    let mut s = String::new();
    for c in checks {
        let mark = match c.verdict {
            Verdict::Ok => "ok  ",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "-   ",
        };
        s.push_str(&format!("{mark}  {:<16} {}\n", c.name, c.detail));
    }
    s
}

#[cfg(test)]
mod display_tests {
    use super::*;

    fn config(data: &Path, backlight: &str) -> Config {
        let text = crate::platform::config::EXAMPLE
            .replace("/var/lib/hall-kiosk", data.to_str().unwrap())
            .replace(
                "backlight = \"auto\"",
                &format!("backlight = \"{backlight}\""),
            );
        Config::parse(&text, Path::new("kiosk.toml")).unwrap()
    }

    #[test]
    fn backlight_found_missing_and_staff_out_of_service_are_reported() {
        let sys = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let c = config(data.path(), "auto");
        assert_eq!(backlight(&c, sys.path()).verdict, Verdict::Skip, "HDMI");
        let panel = sys.path().join("class/backlight/10-0045");
        std::fs::create_dir_all(&panel).unwrap();
        std::fs::write(panel.join("max_brightness"), "255").unwrap();
        std::fs::write(panel.join("brightness"), "200").unwrap();
        let b = backlight(&c, sys.path());
        assert_eq!(b.verdict, Verdict::Ok, "{}", b.detail);
        assert_eq!(
            backlight(&config(data.path(), "none"), sys.path()).verdict,
            Verdict::Skip
        );

        assert_eq!(service(&c).verdict, Verdict::Ok);
        std::fs::write(data.path().join("out-of-service"), "printer").unwrap();
        let s = service(&c);
        assert_eq!(s.verdict, Verdict::Warn);
        assert!(s.detail.contains("printer"), "{}", s.detail);
    }
}
