//! The kiosk's one configuration file (`/etc/hall-kiosk/kiosk.toml` on a device,
//! `config/kiosk.toml` as the documented example and the demo's default).
//!
//! Unknown keys and wrong types are errors that name the file, line, column and key path,
//! because a technician editing the file over a serial console must find the mistake at once.
//! The backend token is never in this file: it lives in `backend.token_file` (mode 0600).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The documented example, also used by `kiosk demo` when no file is given.
pub const EXAMPLE: &str = include_str!("../../config/kiosk.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub kiosk: KioskSection,
    pub ui: UiSection,
    pub backend: BackendSection,
    pub devices: Devices,
    #[serde(default)]
    pub staff: StaffSection,
    #[serde(default)]
    pub log: LogSection,
    #[serde(default)]
    pub metrics: MetricsSection,
    #[serde(default)]
    pub display: DisplaySection,
}

/// The screen on a device: how the panel is mounted, its backlight, and rest after hours.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplaySection {
    /// Degrees the picture is turned for a panel mounted on its side (LinuxKMS): 0, 90,
    /// 180 or 270.
    #[serde(default)]
    pub rotation: u16,
    /// The libinput calibration matrix of the touch screen (six numbers, row-major, as in
    /// LIBINPUT_CALIBRATION_MATRIX); by default the one that matches `rotation`. It is
    /// applied by a udev rule: `kiosk display touch-rule --config FILE`.
    #[serde(default)]
    pub touch_calibration: Option<[f32; 6]>,
    /// "auto" (the first of /sys/class/backlight), "none", or a /sys/class/backlight/NAME.
    #[serde(default = "default_backlight")]
    pub backlight: String,
    /// Brightness at start-up, in percent; staff change it on the status screen.
    #[serde(default = "default_brightness")]
    pub brightness_percent: u8,
    /// Outside the kiosk's opening hours the screen goes dark when no one uses it, and
    /// wakes on a touch (which does nothing else) or the presence sensor.
    #[serde(default = "default_true")]
    pub blank_after_hours: bool,
    /// How long the home screen stays lit, untouched, after hours.
    #[serde(default = "default_blank_idle")]
    pub blank_idle_s: u32,
}

impl Default for DisplaySection {
    fn default() -> Self {
        DisplaySection {
            rotation: 0,
            touch_calibration: None,
            backlight: default_backlight(),
            brightness_percent: default_brightness(),
            blank_after_hours: true,
            blank_idle_s: default_blank_idle(),
        }
    }
}

fn default_backlight() -> String {
    "auto".into()
}
fn default_brightness() -> u8 {
    80
}
fn default_true() -> bool {
    true
}
fn default_blank_idle() -> u32 {
    120
}

impl DisplaySection {
    /// The touch calibration in force: the configured one, or the matrix that turns touch
    /// coordinates with the picture.
    pub fn touch_matrix(&self) -> [f32; 6] {
        self.touch_calibration.unwrap_or(match self.rotation {
            90 => [0.0, 1.0, 0.0, -1.0, 0.0, 1.0],
            180 => [-1.0, 0.0, 1.0, 0.0, -1.0, 1.0],
            270 => [0.0, -1.0, 1.0, 1.0, 0.0, 0.0],
            _ => [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
        })
    }

    /// The udev rule that gives every touch screen this calibration (libinput reads it).
    pub fn touch_rule(&self) -> String {
        let m = self.touch_matrix().map(|v| v.to_string()).join(" ");
        format!(
            "# hall kiosk: touch calibration for display.rotation = {}\n\
             ENV{{ID_INPUT_TOUCHSCREEN}}==\"1\", ENV{{LIBINPUT_CALIBRATION_MATRIX}}=\"{m}\"\n",
            self.rotation
        )
    }
}

/// The Prometheus text endpoint for hall IT. Off unless `listen` is set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSection {
    /// e.g. "127.0.0.1:9464"; a non-loopback address exposes counts (never personal data)
    /// to the hall network.
    pub listen: Option<std::net::SocketAddr>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSection {
    /// argon2 hashes of staff PINs, made with `kiosk staff hash-pin`. Empty: no PIN entry.
    #[serde(default)]
    pub pin_hashes: Vec<String>,
    /// How long five wrong PINs lock staff mode.
    #[serde(default = "default_lockout")]
    pub lockout_s: u64,
    /// Staff mode leaves itself after this long untouched.
    #[serde(default = "default_staff_idle")]
    pub idle_timeout_s: u32,
    /// HMAC-SHA256 key (hex) file for signed staff QR codes; none: staff QR codes are refused.
    #[serde(default)]
    pub qr_key_file: Option<PathBuf>,
}

impl Default for StaffSection {
    fn default() -> Self {
        StaffSection {
            pin_hashes: Vec::new(),
            lockout_s: default_lockout(),
            idle_timeout_s: default_staff_idle(),
            qr_key_file: None,
        }
    }
}

fn default_lockout() -> u64 {
    300
}
fn default_staff_idle() -> u32 {
    60
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSection {
    pub id: String,
    pub hall_name: String,
    pub data_dir: PathBuf,
    #[serde(default)]
    pub locale: Locale,
    #[serde(default)]
    pub orientation: Orientation,
    /// The hall's UTC offset, e.g. "+08:00": ages (elderly priority) and "today" use it,
    /// not the device clock's zone, which is often left at UTC on kiosk images.
    #[serde(default = "default_utc_offset")]
    pub utc_offset: String,
    /// The hall's public site: printed QR codes point there (queue, receipt, guide) and the
    /// scanner accepts codes from its host.
    #[serde(default = "default_public_url")]
    pub public_url: String,
}

fn default_utc_offset() -> String {
    "+08:00".into()
}

fn default_public_url() -> String {
    "https://hall.example.gov.cn".into()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "zh-TW")]
    ZhTw,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// The name of the bundled translation (`ui/lang/<name>`); English is the source language.
    pub fn slint_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh_CN",
            Locale::ZhTw => "zh_TW",
            Locale::En => "en",
        }
    }

    pub fn from_slint_name(name: &str) -> Option<Locale> {
        match name {
            "zh_CN" => Some(Locale::ZhCn),
            "zh_TW" => Some(Locale::ZhTw),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// Parses the command-line spelling ("zh-CN", "zh-TW", "en").
    pub fn parse(s: &str) -> Option<Locale> {
        match s {
            "zh-CN" | "zh_CN" => Some(Locale::ZhCn),
            "zh-TW" | "zh_TW" => Some(Locale::ZhTw),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    #[default]
    Portrait,
    Landscape,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiSection {
    #[serde(default = "default_idle")]
    pub idle_timeout_s: u32,
    #[serde(default)]
    pub elderly_default: bool,
    /// When the kiosk serves tickets: "always", or "mon-fri 08:30-17:30" style ranges
    /// separated by ";". Self-service functions stay open around the clock.
    #[serde(default = "default_hours")]
    pub opening_hours: String,
}

fn default_idle() -> u32 {
    90
}
fn default_hours() -> String {
    "always".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendSection {
    pub url: String,
    pub token_file: PathBuf,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub client_cert: Option<PathBuf>,
    #[serde(default)]
    pub client_key: Option<PathBuf>,
}

fn default_timeout() -> u64 {
    5000
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Devices {
    pub idcard: SerialDevice,
    pub scanner: ScannerDevice,
    pub printer: PrinterDevice,
    #[serde(default)]
    pub gpio: GpioDevice,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerialDevice {
    /// A serial device path, or "sim" for the built-in simulator.
    pub port: String,
    #[serde(default = "default_baud")]
    pub baud: u32,
}

fn default_baud() -> u32 {
    115_200
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScannerDevice {
    /// "/dev/ttyACM0" | "sim" | "camera:/dev/video0" | "hid:/dev/input/by-id/..."
    pub port: String,
    #[serde(default = "default_scanner_baud")]
    pub baud: u32,
}

fn default_scanner_baud() -> u32 {
    9600
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterDevice {
    /// "/dev/ttyUSB1" | "/dev/usb/lp0" | "tcp:HOST:9100" | "sim"
    pub port: String,
    #[serde(default = "default_baud")]
    pub baud: u32,
    #[serde(default = "default_width")]
    pub width_mm: u8,
    #[serde(default = "default_encoding")]
    pub encoding: String,
}

fn default_width() -> u8 {
    80
}
fn default_encoding() -> String {
    "gb18030".into()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpioDevice {
    #[serde(default)]
    pub enabled: bool,
    /// BCM pin numbers.
    pub help_button: Option<u8>,
    pub presence_sensor: Option<u8>,
    pub paper_low_sensor: Option<u8>,
    pub lamp_green: Option<u8>,
    pub lamp_yellow: Option<u8>,
    pub lamp_red: Option<u8>,
    pub help_lamp: Option<u8>,
    pub buzzer: Option<u8>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// A tracing filter such as "info" or "hall_kiosk=debug,info"; `RUST_LOG` wins.
    pub level: Option<String>,
}

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

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Locale::ZhCn => "zh-CN",
            Locale::ZhTw => "zh-TW",
            Locale::En => "en",
        })
    }
}
