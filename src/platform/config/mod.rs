//! The kiosk's configuration: `/etc/hall-kiosk/kiosk.toml` on a device (the packaged
//! `config/kiosk.toml`), then the drop-ins of `kiosk.toml.d/` that provisioning and
//! technicians write; `config/demo.toml` is the demo's own.
//!
//! Only `[kiosk]` and `[backend]` must be written; every other table has documented defaults
//! for a device. Unknown keys and wrong types are errors that name the file (the drop-in, when
//! the key came from one), line, column and key path, because a technician editing over a
//! serial console must find the mistake at once. The backend token is never in these files:
//! it lives in `backend.token_file` (mode 0600).

use std::path::{Path, PathBuf};

mod layers;
mod sections;
pub use layers::{drop_in_dir, Layer};
pub use sections::*;

/// The packaged device config, the documented reference of every key.
pub const EXAMPLE: &str = include_str!("../../../config/kiosk.toml");

/// The demo's config: simulated devices, the demo hall, a known staff PIN.
pub const DEMO: &str = include_str!("../../../config/demo.toml");

/// Where a device keeps its config; `--config` and `HALL_KIOSK_CONFIG` override it.
pub const DEFAULT_PATH: &str = "/etc/hall-kiosk/kiosk.toml";

/// The keys with no default: each hall sets its own (provisioning writes them).
pub const REQUIRED: [&str; 5] = [
    "kiosk.id",
    "kiosk.hall_id",
    "kiosk.hall_name",
    "kiosk.public_url",
    "backend.url",
];

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
    /// TOML syntax error, unknown key, wrong type, or a value that is not allowed.
    #[error("{path}:{line}:{column}: {key}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: String,
        message: String,
    },
    /// Keys each hall must set are not set in any of the files.
    #[error(
        "{path}: still to set: {keys} (in a drop-in in {dir}/; provisioning writes 50-provision.toml)",
        keys = keys.join(", "),
        dir = drop_in_dir(path).display()
    )]
    Unset { path: PathBuf, keys: Vec<String> },
    /// The token file is missing, unreadable, empty or readable by others.
    #[error("token file {path}: {message}")]
    Token { path: PathBuf, message: String },
}

impl Config {
    /// Reads and validates a config file and its drop-ins (`<file>.d/*.toml`).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Config::from_layers(layers::read(path)?)
    }

    /// Parses one file's text (no drop-ins); `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        Config::from_layers(vec![Layer {
            path: path.to_owned(),
            text: text.to_owned(),
        }])
    }

    /// Merges the files in order (a later one wins) and validates the result.
    pub fn from_layers(layers: Vec<Layer>) -> Result<Config, ConfigError> {
        let merged = layers::merge(layers)?;
        let unset: Vec<String> = REQUIRED
            .iter()
            .filter(|k| !merged.has(k))
            .map(|k| k.to_string())
            .collect();
        if !unset.is_empty() {
            return Err(ConfigError::Unset {
                path: merged.layers[0].path.clone(),
                keys: unset,
            });
        }
        let value = toml::Value::Table(merged.table.clone());
        let config: Config = serde_path_to_error::deserialize(value).map_err(|e| {
            let key = e.path().to_string();
            let (path, line, column) = merged.locate(&key);
            ConfigError::Invalid {
                path,
                line,
                column,
                key: if key == "." {
                    "(top level)".into()
                } else {
                    key
                },
                message: e.into_inner().message().to_string(),
            }
        })?;
        config.validate().map_err(|(key, message)| {
            let (path, line, column) = merged.locate(key);
            ConfigError::Invalid {
                path,
                line,
                column,
                key: key.into(),
                message,
            }
        })?;
        Ok(config)
    }

    /// The first value that is of the right type but not allowed: its key and why.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        if !matches!(self.display.rotation, 0 | 90 | 180 | 270) {
            return Err((
                "display.rotation",
                format!("must be 0, 90, 180 or 270, not {}", self.display.rotation),
            ));
        }
        if !(10..=100).contains(&self.display.brightness_percent) {
            return Err((
                "display.brightness_percent",
                format!(
                    "must be 10 to 100 so the screen stays readable, not {}",
                    self.display.brightness_percent
                ),
            ));
        }
        let bl = &self.display.backlight;
        if !(bl == "auto" || bl == "none" || bl.starts_with("/sys/class/backlight/")) {
            return Err((
                "display.backlight",
                format!("must be \"auto\", \"none\" or /sys/class/backlight/NAME, not {bl:?}"),
            ));
        }
        let tiles = &self.ui.elderly_tiles;
        if tiles.is_empty()
            || tiles.len() > 4
            || (1..tiles.len()).any(|i| tiles[..i].contains(&tiles[i]))
        {
            return Err((
                "ui.elderly_tiles",
                "must name 1 to 4 different services (ticket, checkin, guide, submit, progress, rating, complaint, help)".into(),
            ));
        }
        let langs = &self.ui.languages;
        if langs.is_empty() || (1..langs.len()).any(|i| langs[..i].contains(&langs[i])) {
            return Err((
                "ui.languages",
                "must name each offered language once (\"zh-CN\", \"zh-TW\", \"en\", \"bo\")"
                    .into(),
            ));
        }
        if !langs.contains(&self.kiosk.locale) {
            return Err((
                "kiosk.locale",
                format!("{} is not among ui.languages", self.kiosk.locale),
            ));
        }
        if self.display.blank_idle_s < 30 {
            return Err(("display.blank_idle_s", "must be at least 30 seconds".into()));
        }
        if !matches!(self.devices.printer.width_mm, 58 | 80) {
            return Err((
                "devices.printer.width_mm",
                format!("must be 58 or 80, not {}", self.devices.printer.width_mm),
            ));
        }
        if !matches!(
            self.devices.printer.encoding.as_str(),
            "gb18030" | "gbk" | "utf-8"
        ) {
            return Err((
                "devices.printer.encoding",
                format!(
                    "must be \"gb18030\", \"gbk\" or \"utf-8\", not {:?}",
                    self.devices.printer.encoding
                ),
            ));
        }
        if self.ui.idle_timeout_s < 15 {
            return Err((
                "ui.idle_timeout_s",
                "must be at least 15 seconds so citizens can read a screen".into(),
            ));
        }
        if let Err(m) = crate::domain::hours::OpeningHours::parse(&self.ui.opening_hours) {
            return Err(("ui.opening_hours", m.to_string()));
        }
        self.calendar.calendar()?;
        if let Err(m) = crate::domain::hours::DailyRange::parse(&self.update.window) {
            return Err(("update.window", m.to_string()));
        }
        if let Some(q) = &self.audio.quiet_hours {
            if let Err(m) = crate::domain::hours::DailyRange::parse(q) {
                return Err(("audio.quiet_hours", m.to_string()));
            }
        }
        for (key, v) in [
            ("audio.volume_percent", self.audio.volume_percent),
            (
                "audio.quiet_volume_percent",
                self.audio.quiet_volume_percent,
            ),
        ] {
            if v > 100 {
                return Err((key, format!("must be 0 to 100, not {v}")));
            }
        }
        if self.audio.output.trim().is_empty() || self.audio.output == "file:" {
            return Err((
                "audio.output",
                "must be \"default\", an ALSA device name or \"file:PATH\"".into(),
            ));
        }
        if !valid_hall_id(&self.kiosk.hall_id) {
            return Err((
                "kiosk.hall_id",
                format!(
                    "must be 1 to 32 lower-case letters, digits or '-' (as in the hall's \
                     appointment codes, e.g. \"xiahe\"), not {:?}",
                    self.kiosk.hall_id
                ),
            ));
        }
        if self.kiosk.id.trim().is_empty() || self.kiosk.id.len() > 64 {
            return Err((
                "kiosk.id",
                "must be 1 to 64 characters (it is sent as X-Kiosk-Id)".into(),
            ));
        }
        if !self.kiosk.public_url.starts_with("https://")
            || self
                .kiosk
                .public_url
                .trim_start_matches("https://")
                .is_empty()
        {
            return Err((
                "kiosk.public_url",
                format!(
                    "must be the hall's https:// site, not {:?}",
                    self.kiosk.public_url
                ),
            ));
        }
        if parse_offset(&self.kiosk.utc_offset).is_none() {
            return Err((
                "kiosk.utc_offset",
                format!("must look like \"+08:00\", not {:?}", self.kiosk.utc_offset),
            ));
        }
        if !(self.backend.url.starts_with("https://") || self.backend.url.starts_with("http://")) {
            return Err((
                "backend.url",
                format!("must be an https:// URL, not {:?}", self.backend.url),
            ));
        }
        if self.backend.url.starts_with("http://") && !self.backend.allow_insecure_http {
            return Err((
                "backend.url",
                "http:// would send the token and citizens' data in clear: use https://, or \
                 set backend.allow_insecure_http = true on a lab bench"
                    .into(),
            ));
        }
        if self.backend.pin_sha256.is_some() && self.pin_sha256().is_none() {
            return Err((
                "backend.pin_sha256",
                "must be the base64 SHA-256 of the backend's public key (44 characters)".into(),
            ));
        }
        if self.backend.ca_only && self.backend.ca_file.is_none() {
            return Err((
                "backend.ca_only",
                "trusts only backend.ca_file, which is not set".into(),
            ));
        }
        if let Some(key) = &self.staff.code_public_key {
            let hex = key.trim();
            if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err((
                    "staff.code_public_key",
                    "must be the 64 hex digits `kiosk staff keygen` printed".into(),
                ));
            }
        }
        if !(1..=24).contains(&self.staff.code_max_hours) {
            return Err((
                "staff.code_max_hours",
                format!("must be 1 to 24 hours, not {}", self.staff.code_max_hours),
            ));
        }
        if !(30..=86_400).contains(&self.staff.lockout_s) {
            return Err((
                "staff.lockout_s",
                format!(
                    "must be 30 to 86400 seconds (a lockout of 0 is none), not {}",
                    self.staff.lockout_s
                ),
            ));
        }
        Ok(())
    }

    /// The pinned key's SHA-256 (`backend.pin_sha256`), decoded.
    pub fn pin_sha256(&self) -> Option<[u8; 32]> {
        use base64::Engine;
        let text = self.backend.pin_sha256.as_deref()?;
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()?
            .try_into()
            .ok()
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

/// The config path in force: `--config`, else `HALL_KIOSK_CONFIG` (clap reads both into
/// one option), else the device's.
pub fn path_or_default(given: Option<&Path>) -> PathBuf {
    given.map_or_else(|| PathBuf::from(DEFAULT_PATH), Path::to_path_buf)
}

/// A hall id as appointment codes carry it (`hk:appt:v1:<hall_id>:...`).
pub fn valid_hall_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
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

/// Why a file holding a secret (the token, a key) was not read.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("permissions {mode:04o} let other users read it; run `chmod 600 {path}`")]
    Readable { path: String, mode: u32 },
    #[error("owned by uid {uid}, not the kiosk's user; run `chown {SERVICE_USER}: {path}`")]
    Owner { path: String, uid: u32 },
}

/// Reads a file holding a secret, once it is known to be the kiosk's own (see
/// [`owned_by_the_kiosk`]) and readable by its owner only: the one check for the token and
/// every key.
pub fn read_secret(path: &Path) -> Result<String, SecretError> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = std::fs::metadata(path)?;
    let shown = || path.display().to_string();
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(SecretError::Readable {
            path: shown(),
            mode,
        });
    }
    if !owned_by_the_kiosk(meta.uid()) {
        return Err(SecretError::Owner {
            path: shown(),
            uid: meta.uid(),
        });
    }
    Ok(std::fs::read_to_string(path)?)
}

/// The system user the packaged service runs as.
pub const SERVICE_USER: &str = "hall-kiosk";

/// Whether a secret owned by `uid` is the kiosk's own: owned by the user running this
/// (the service, or a technician's command run as that user), or, for a command run as
/// root, by root or the service user.
pub fn owned_by_the_kiosk(uid: u32) -> bool {
    let me = nix::unistd::geteuid().as_raw();
    if uid == me {
        return true;
    }
    me == 0
        && (uid == 0
            || nix::unistd::User::from_name(SERVICE_USER)
                .ok()
                .flatten()
                .is_some_and(|u| u.uid.as_raw() == uid))
}

/// Reads a token file: it must exist, be non-empty, be mode 0600 (or stricter) and belong
/// to the kiosk's user, because the token lets anyone issue tickets in the hall's name.
pub fn read_token_file(path: &Path) -> Result<String, ConfigError> {
    let token = read_secret(path).map_err(|e| ConfigError::Token {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err(ConfigError::Token {
            path: path.to_owned(),
            message: "is empty".into(),
        });
    }
    Ok(token)
}
