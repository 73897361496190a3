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

/// The kiosk's store, through hall-link's read-only reader: integrity, outbox depth and
/// dead letters, catalog age, offline numbers.
fn database(config: &Config) -> Vec<Check> {
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
        // The kiosk itself still opens such a file (and migrates an older one): someone
        // should look, but citizens are served.
        Err(e @ (ReadError::NewerSchema { .. } | ReadError::OlderSchema { .. })) => {
            return vec![check("database", Verdict::Warn, e.to_string())]
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
    let mut out = vec![check(
        "database",
        if integrity == "ok" {
            Verdict::Ok
        } else {
            Verdict::Fail
        },
        format!("{}: integrity {integrity}", path.display()),
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

    #[test]
    fn store_rows_come_from_the_kiosk_store_which_is_never_created() {
        use hall_link::store::Store;
        let data = tempfile::tempdir().unwrap();
        let c = config(data.path(), "auto");
        let db = data.path().join("kiosk.db");
        let rows = database(&c);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].verdict, Verdict::Warn);
        assert!(
            rows[0].detail.contains("not created yet"),
            "{}",
            rows[0].detail
        );
        assert!(!db.exists(), "the doctor made the database");

        let (mut store, _) = Store::open(&db).unwrap();
        let dead = uuid::Uuid::new_v4();
        for key in [uuid::Uuid::new_v4(), dead] {
            store
                .enqueue("rating", "/ratings", key, &serde_json::json!({"level": 4}))
                .unwrap();
        }
        store.dead(dead, "422").unwrap();
        let numbers: Vec<String> = (1..=6).map(|i| format!("A9{i:02}")).collect();
        let far = hall_link::store::now_ms() + 86_400_000;
        store.add_block("b1", "A", &numbers, far).unwrap();
        store.save_catalog(None, r#"{"version": "1"}"#).unwrap();
        let rows = database(&c);
        let seen: Vec<(&str, Verdict, &str)> = rows
            .iter()
            .map(|r| (r.name, r.verdict, r.detail.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "database",
                    Verdict::Ok,
                    format!("{}: integrity ok", db.display()).as_str()
                ),
                (
                    "outbox",
                    Verdict::Warn,
                    "1 waiting (oldest 0 min), 1 dead letters"
                ),
                ("catalog", Verdict::Ok, "confirmed 0 h ago"),
                ("offline-numbers", Verdict::Ok, "A: 6"),
            ]
        );
    }
}
