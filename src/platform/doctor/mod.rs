//! `kiosk doctor`: everything a technician or hall staff member would check by hand, in one
//! table. Read-only: it opens devices and the database to look, never to fix.

use std::path::Path;

use serde::Serialize;

use crate::platform::config::Config;

mod checks;
use checks::*;

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

/// Runs every check. The config is checked first; without it only the checks that need
/// none (the font, the display) can run.
pub fn run(config_path: &Path) -> Vec<Check> {
    let config = match Config::load(config_path) {
        Ok(c) => c,
        Err(e) => {
            return vec![
                check("config", Verdict::Fail, e.to_string()),
                font(),
                tibetan_font(),
                display(),
            ]
        }
    };
    let mut out = vec![
        check("config", Verdict::Ok, config_path.display().to_string()),
        config_files(config_path),
    ];
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
    out.extend(audio(&config));
    out.push(font());
    out.push(tibetan_font());
    out.push(display());
    out.push(backlight(&config, Path::new("/sys")));
    out.push(service(&config));
    out
}

/// The checks of the software itself, for deciding whether a new root slot is good: the
/// config it reads, its token, disk and database, and its font. The devices (which the
/// running kiosk holds open) and the backend (down for every slot alike) are left out: a
/// fault there is no reason to go back to the older software.
pub fn software(config_path: &Path) -> Vec<Check> {
    let config = match Config::load(config_path) {
        Ok(c) => c,
        Err(e) => return vec![check("config", Verdict::Fail, e.to_string()), font()],
    };
    let mut out = vec![
        check("config", Verdict::Ok, config_path.display().to_string()),
        config_files(config_path),
    ];
    if let Err(e) = config.read_token() {
        out.push(check("token", Verdict::Fail, e.to_string()));
    }
    out.push(disk(&config));
    out.extend(database(&config));
    out.push(font());
    out
}

/// One line of every check's name and verdict ("config fail · cjk-font ok · ..."), for a
/// page with no room for the table.
pub fn summary(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| {
            let v = match c.verdict {
                Verdict::Ok => "ok",
                Verdict::Warn => "warn",
                Verdict::Fail => "FAIL",
                Verdict::Skip => "-",
            };
            format!("{} {v}", c.name)
        })
        .collect::<Vec<_>>()
        .join(" · ")
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
mod tests;
