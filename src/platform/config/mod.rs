//! The kiosk's one configuration file (`/etc/hall-kiosk/kiosk.toml` on a device,
//! `config/kiosk.toml` as the documented example and the demo's default).
//!
//! Unknown keys and wrong types are errors that name the file, line, column and key path,
//! because a technician editing the file over a serial console must find the mistake at once.
//! The backend token is never in this file: it lives in `backend.token_file` (mode 0600).

use std::path::{Path, PathBuf};

mod sections;
pub use sections::*;

/// The documented example, also used by `kiosk demo` when no file is given.
pub const EXAMPLE: &str = include_str!("../../../config/kiosk.toml");

/// Why a configuration could not be used. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file does not exist.
    #[error("config file {path} not found")]
    NotFound { path: PathBuf },
    /// The file exists but could not be read (permissions, I/O).
    #[error("cannot read config file {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// TOML syntax error, unknown key, missing key or wrong type.
    #[error("{path}:{line}:{column}: {key}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: String,
        message: String,
    },
    /// A value of the right type but not allowed (e.g. `width_mm = 70`).
    #[error("{path}: {key}: {message}")]
    BadValue {
        path: PathBuf,
        key: String,
        message: String,
    },
    /// The token file is missing, unreadable, empty or readable by others.
    #[error("token file {path}: {message}")]
    Token { path: PathBuf, message: String },
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ConfigError::NotFound {
                path: path.to_owned(),
            },
            _ => ConfigError::Unreadable {
                path: path.to_owned(),
                source: e,
            },
        })?;
        Config::parse(&text, path)
    }

    /// Parses config text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let de = toml::Deserializer::new(text);
        let config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let inner = e.into_inner();
            let (line, column) = inner
                .span()
                .map(|s| line_col(text, s.start))
                .unwrap_or((1, 1));
            ConfigError::Invalid {
                path: path.to_owned(),
                line,
                column,
                key: if key == "." {
                    "(top level)".into()
                } else {
                    key
                },
                message: inner.message().to_string(),
            }
        })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let bad = |key: &str, message: String| ConfigError::BadValue {
            path: path.to_owned(),
            key: key.into(),
            message,
        };
        if !matches!(self.display.rotation, 0 | 90 | 180 | 270) {
            return Err(bad(
                "display.rotation",
                format!("must be 0, 90, 180 or 270, not {}", self.display.rotation),
            ));
        }
        if !(10..=100).contains(&self.display.brightness_percent) {
            return Err(bad(
                "display.brightness_percent",
                format!(
                    "must be 10 to 100 so the screen stays readable, not {}",
                    self.display.brightness_percent
                ),
            ));
        }
        let bl = &self.display.backlight;
        if !(bl == "auto" || bl == "none" || bl.starts_with("/sys/class/backlight/")) {
            return Err(bad(
                "display.backlight",
                format!("must be \"auto\", \"none\" or /sys/class/backlight/NAME, not {bl:?}"),
            ));
        }
        if self.display.blank_idle_s < 30 {
            return Err(bad(
                "display.blank_idle_s",
                "must be at least 30 seconds".into(),
            ));
        }
        if !matches!(self.devices.printer.width_mm, 58 | 80) {
            return Err(bad(
                "devices.printer.width_mm",
                format!("must be 58 or 80, not {}", self.devices.printer.width_mm),
            ));
        }
        if !matches!(
            self.devices.printer.encoding.as_str(),
            "gb18030" | "gbk" | "utf-8"
        ) {
            return Err(bad(
                "devices.printer.encoding",
                format!(
                    "must be \"gb18030\", \"gbk\" or \"utf-8\", not {:?}",
                    self.devices.printer.encoding
                ),
            ));
        }
        if self.ui.idle_timeout_s < 15 {
            return Err(bad(
                "ui.idle_timeout_s",
                "must be at least 15 seconds so citizens can read a screen".into(),
            ));
        }
        if let Err(m) = crate::domain::hours::OpeningHours::parse(&self.ui.opening_hours) {
            return Err(bad("ui.opening_hours", m.to_string()));
        }
        if !self.kiosk.public_url.starts_with("https://")
            || self
                .kiosk
                .public_url
                .trim_start_matches("https://")
                .is_empty()
        {
            return Err(bad(
                "kiosk.public_url",
                format!(
                    "must be the hall's https:// site, not {:?}",
                    self.kiosk.public_url
                ),
            ));
        }
        if parse_offset(&self.kiosk.utc_offset).is_none() {
            return Err(bad(
                "kiosk.utc_offset",
                format!("must look like \"+08:00\", not {:?}", self.kiosk.utc_offset),
            ));
        }
        if !(self.backend.url.starts_with("https://") || self.backend.url.starts_with("http://")) {
            return Err(bad(
                "backend.url",
                format!("must be an http(s) URL, not {:?}", self.backend.url),
            ));
        }
        Ok(())
    }

    /// The public site's host ("hall.example.gov.cn").
    pub fn public_host(&self) -> String {
        self.kiosk
            .public_url
            .trim_start_matches("https://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string()
    }

    pub fn utc_offset(&self) -> time::UtcOffset {
        parse_offset(&self.kiosk.utc_offset).unwrap_or(time::UtcOffset::UTC)
    }

    /// Reads the backend token, refusing a file that others can read.
    pub fn read_token(&self) -> Result<String, ConfigError> {
        read_token_file(&self.backend.token_file)
    }
}

/// Parses "+08:00" / "-05:30".
pub fn parse_offset(s: &str) -> Option<time::UtcOffset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    time::UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

/// Reads a token file: it must exist, be non-empty and be mode 0600 (or stricter), because
/// the token lets anyone issue tickets in the hall's name.
pub fn read_token_file(path: &Path) -> Result<String, ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let err = |message: String| ConfigError::Token {
        path: path.to_owned(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(err(format!(
            "permissions {mode:04o} let other users read it; run `chmod 600 {}`",
            path.display()
        )));
    }
    let token = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err(err("is empty".into()));
    }
    Ok(token)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
