//! The config file's tables and their defaults, as serde reads them.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub kiosk: KioskSection,
    pub backend: BackendSection,
    #[serde(default)]
    pub ui: UiSection,
    #[serde(default)]
    pub devices: Devices,
    #[serde(default)]
    pub staff: StaffSection,
    #[serde(default)]
    pub log: LogSection,
    #[serde(default)]
    pub metrics: MetricsSection,
    #[serde(default)]
    pub display: DisplaySection,
    #[serde(default)]
    pub retention: RetentionSection,
    #[serde(default)]
    pub audio: AudioSection,
    #[serde(default)]
    pub calendar: CalendarSection,
    #[serde(default)]
    pub update: UpdateSection,
}

/// The hall's working days, for booking a later slot: the days of the week it opens for
/// appointments, and the year's public holidays and make-up working days (调休) as the
/// State Council publishes them (the hall's IT adds each year's in a drop-in).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSection {
    /// Day names: "mon" .. "sun".
    #[serde(default = "default_working_days")]
    pub working_days: Vec<String>,
    /// "YYYY-MM-DD" dates the hall is closed although a working day.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// "YYYY-MM-DD" weekend dates the hall works (调休).
    #[serde(default)]
    pub make_up_days: Vec<String>,
}

impl Default for CalendarSection {
    fn default() -> Self {
        CalendarSection {
            working_days: default_working_days(),
            holidays: Vec::new(),
            make_up_days: Vec::new(),
        }
    }
}

fn default_working_days() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .map(String::from)
        .to_vec()
}

impl CalendarSection {
    /// The calendar, or which key is wrong and why.
    pub fn calendar(&self) -> Result<crate::domain::booking::HallCalendar, (&'static str, String)> {
        const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let mut weekly = [false; 7];
        for d in &self.working_days {
            let Some(i) = DAYS.iter().position(|x| x.eq_ignore_ascii_case(d)) else {
                return Err((
                    "calendar.working_days",
                    format!("{d:?} is not a day (mon..sun)"),
                ));
            };
            weekly[i] = true;
        }
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let dates = |key: &'static str, list: &[String]| {
            list.iter()
                .map(|s| {
                    time::Date::parse(s, &format)
                        .map_err(|_| (key, format!("{s:?} is not a date like 2027-01-01")))
                })
                .collect::<Result<std::collections::BTreeSet<_>, _>>()
        };
        Ok(crate::domain::booking::HallCalendar {
            weekly,
            holidays: dates("calendar.holidays", &self.holidays)?,
            make_up_days: dates("calendar.make_up_days", &self.make_up_days)?,
        })
    }
}

/// Sound: the voice prompts (docs/voice.md). A kiosk without a sound device runs silent
/// and says so in `kiosk doctor`; nothing waits for sound.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AudioSection {
    /// "default", an ALSA device name ("plughw:CARD=Device"), or "file:PATH": what would be
    /// played is appended to a WAV file, with the clips' ids logged beside it in
    /// PATH.log (tests and CI; a technician listening to a kiosk's prompts).
    #[serde(default = "default_output")]
    pub output: String,
    /// 0 to 100; staff change it on the status screen.
    #[serde(default = "default_volume")]
    pub volume_percent: u8,
    /// "off", "elderly" (in 长辈模式, or after the speaker button) or "always".
    #[serde(default)]
    pub voice: crate::domain::voice::VoiceMode,
    /// e.g. "21:00-08:00": the hours of `quiet_volume_percent` (a village point in a
    /// shared building at night).
    #[serde(default)]
    pub quiet_hours: Option<String>,
    /// The volume inside quiet hours; 0 is silent.
    #[serde(default = "default_quiet_volume")]
    pub quiet_volume_percent: u8,
    /// The prompt packs installed with the kiosk: `<packs>/<locale>/manifest.toml`.
    #[serde(default = "default_packs")]
    pub packs: PathBuf,
    /// The hall's own recordings, `<recordings>/<locale>/<prompt id>.wav`, which take the
    /// place of the pack's clip of that id.
    #[serde(default = "default_recordings")]
    pub recordings: PathBuf,
}

impl Default for AudioSection {
    fn default() -> Self {
        AudioSection {
            output: default_output(),
            volume_percent: default_volume(),
            voice: Default::default(),
            quiet_hours: None,
            quiet_volume_percent: default_quiet_volume(),
            packs: default_packs(),
            recordings: default_recordings(),
        }
    }
}

fn default_output() -> String {
    "default".into()
}
fn default_volume() -> u8 {
    80
}
fn default_quiet_volume() -> u8 {
    30
}
fn default_packs() -> PathBuf {
    "/usr/share/hall-kiosk/voice".into()
}
fn default_recordings() -> PathBuf {
    "/etc/hall-kiosk/voice".into()
}

/// What the kiosk's store keeps, and for how long. Personal data never waits for this: it
/// leaves an entry when the backend has it, or when the entry dies.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSection {
    /// Days a delivered entry's record (kind, time, answer; no personal data) and a ticket
    /// issued here stay for staff statistics.
    #[serde(default = "default_keep_days")]
    pub delivered_days: u16,
    /// The most the store may grow to (MiB). Past 80 % the lamp turns yellow; at the cap a
    /// citizen is told "not saved here, please go to the desk" rather than the data
    /// partition filling for the journal and everything else.
    #[serde(default = "default_store_mb")]
    pub max_store_mb: u32,
}

impl Default for RetentionSection {
    fn default() -> Self {
        RetentionSection {
            delivered_days: default_keep_days(),
            max_store_mb: default_store_mb(),
        }
    }
}

fn default_keep_days() -> u16 {
    30
}

fn default_store_mb() -> u32 {
    256
}

/// The screen on a device: how the panel is mounted, its backlight, and rest after hours.
#[derive(Debug, Clone, Deserialize, Serialize)]
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

/// Software updates into the other root slot (RAUC, docs/deployment.md): where bundles come
/// from and when `kiosk update install --scheduled` (the update timer) may install them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSection {
    /// A bundle's http(s):// URL (RAUC streams it and checks its signature) or a path.
    /// None: updates come from a hawkBit server through rauc-hawkbit-updater, or a
    /// technician installs them by hand.
    #[serde(default)]
    pub source: Option<String>,
    /// "HH:MM-HH:MM", possibly over midnight: the daily window for installing and
    /// restarting, further narrowed by `ui.opening_hours`.
    #[serde(default = "default_update_window")]
    pub window: String,
    /// Where the running kiosk writes who is at the screen; the updater restarts the kiosk
    /// only when it says the home screen has been left alone.
    #[serde(default = "default_presence_file")]
    pub presence_file: std::path::PathBuf,
    /// RAUC's system configuration, for its keyring when reading a bundle's version.
    #[serde(default = "default_rauc_conf")]
    pub rauc_conf: std::path::PathBuf,
}

impl Default for UpdateSection {
    fn default() -> Self {
        UpdateSection {
            source: None,
            window: default_update_window(),
            presence_file: default_presence_file(),
            rauc_conf: default_rauc_conf(),
        }
    }
}

fn default_update_window() -> String {
    "02:00-05:00".into()
}

fn default_presence_file() -> std::path::PathBuf {
    "/run/hall-kiosk/presence".into()
}

fn default_rauc_conf() -> std::path::PathBuf {
    "/etc/rauc/system.conf".into()
}

/// The Prometheus text endpoint for hall IT. Off unless `listen` is set.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSection {
    /// e.g. "127.0.0.1:9464"; a non-loopback address exposes counts (never personal data)
    /// to the hall network.
    pub listen: Option<std::net::SocketAddr>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
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
    /// The staff office's Ed25519 public key (64 hex digits, `kiosk staff keygen`): it
    /// checks single-use staff codes; the kiosk cannot make codes with it.
    #[serde(default)]
    pub code_public_key: Option<String>,
    /// The longest a staff code may be valid for, from now: longer ones are refused.
    #[serde(default = "default_code_hours")]
    pub code_max_hours: u32,
    /// The older shared HMAC-SHA256 key (hex, at least 32 bytes, mode 0600) for
    /// `hk:staff:v1` codes; none: such codes are refused.
    #[serde(default)]
    pub qr_key_file: Option<PathBuf>,
}

fn default_code_hours() -> u32 {
    12
}

impl Default for StaffSection {
    fn default() -> Self {
        StaffSection {
            pin_hashes: Vec::new(),
            lockout_s: default_lockout(),
            idle_timeout_s: default_staff_idle(),
            code_public_key: None,
            code_max_hours: default_code_hours(),
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

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSection {
    /// The kiosk's own name, shown to staff and sent as X-Kiosk-Id ("XH-ZW-03").
    pub id: String,
    /// The hall's id in its platform, as appointment codes carry it ("xiahe"): this
    /// hall's codes are accepted, every other hall's refused.
    pub hall_id: String,
    /// The header of every screen and ticket.
    pub hall_name: String,
    /// The SQLite store (outbox, catalog cache) and the kiosk's state.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    #[serde(default)]
    pub locale: Locale,
    #[serde(default)]
    pub orientation: Orientation,
    /// The hall's UTC offset, e.g. "+08:00": ages (elderly priority) and "today" use it,
    /// not the device clock's zone, which is often left at UTC on kiosk images.
    #[serde(default = "default_utc_offset")]
    pub utc_offset: String,
    /// The hall's public site: printed QR codes point there (queue, receipt, guide,
    /// offline tickets) and the scanner accepts codes from its host.
    pub public_url: String,
}

fn default_data_dir() -> PathBuf {
    "/var/lib/hall-kiosk".into()
}

fn default_utc_offset() -> String {
    "+08:00".into()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "zh-TW")]
    ZhTw,
    #[serde(rename = "en")]
    En,
    /// Tibetan (བོད་ཡིག), for halls in Tibetan areas such as 甘南.
    #[serde(rename = "bo")]
    Bo,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::ZhCn, Locale::ZhTw, Locale::En, Locale::Bo];

    /// The name of the bundled translation (`ui/lang/<name>`); English is the source language.
    pub fn slint_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh_CN",
            Locale::ZhTw => "zh_TW",
            Locale::En => "en",
            Locale::Bo => "bo",
        }
    }

    pub fn from_slint_name(name: &str) -> Option<Locale> {
        match name {
            "zh_CN" => Some(Locale::ZhCn),
            "zh_TW" => Some(Locale::ZhTw),
            "en" => Some(Locale::En),
            "bo" => Some(Locale::Bo),
            _ => None,
        }
    }

    /// The config's and the command line's spelling: "zh-CN", "zh-TW", "en", "bo".
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::ZhTw => "zh-TW",
            Locale::En => "en",
            Locale::Bo => "bo",
        }
    }

    /// Parses the command-line spelling ("zh-CN", "zh-TW", "en", "bo").
    pub fn parse(s: &str) -> Option<Locale> {
        match s {
            "zh-CN" | "zh_CN" => Some(Locale::ZhCn),
            "zh-TW" | "zh_TW" => Some(Locale::ZhTw),
            "en" => Some(Locale::En),
            "bo" => Some(Locale::Bo),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    #[default]
    Portrait,
    Landscape,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UiSection {
    /// Back to home, and the session wiped, after this long untouched.
    #[serde(default = "default_idle")]
    pub idle_timeout_s: u32,
    #[serde(default)]
    pub elderly_default: bool,
    /// When the kiosk serves tickets: "always", or "mon-fri 08:30-17:30" style ranges
    /// separated by ";". Self-service functions stay open around the clock.
    #[serde(default = "default_hours")]
    pub opening_hours: String,
    /// The large tiles of the elderly home screen (1 to 4), the rest behind "more services".
    #[serde(default = "default_elderly_tiles")]
    pub elderly_tiles: Vec<HomeTile>,
    /// The languages the header offers, in its order; `kiosk.locale` must be one of them.
    #[serde(default = "default_languages")]
    pub languages: Vec<Locale>,
}

impl Default for UiSection {
    fn default() -> Self {
        UiSection {
            idle_timeout_s: default_idle(),
            elderly_default: false,
            opening_hours: default_hours(),
            elderly_tiles: default_elderly_tiles(),
            languages: default_languages(),
        }
    }
}

/// A service of the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HomeTile {
    Ticket,
    Checkin,
    Guide,
    Submit,
    Progress,
    Rating,
    Complaint,
    Help,
}

/// The four services citizens use most (the hall's own counts may say otherwise).
fn default_elderly_tiles() -> Vec<HomeTile> {
    vec![
        HomeTile::Ticket,
        HomeTile::Checkin,
        HomeTile::Progress,
        HomeTile::Help,
    ]
}

fn default_languages() -> Vec<Locale> {
    Locale::ALL.to_vec()
}

fn default_idle() -> u32 {
    90
}
fn default_hours() -> String {
    "always".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BackendSection {
    pub url: String,
    /// The bearer token's file (mode 0600).
    #[serde(default = "default_token_file")]
    pub token_file: PathBuf,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// A CA certificate (PEM) the hall's backend certificate is checked against, besides
    /// the public web roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Trust `ca_file` only, not the public web roots: the hall's own PKI.
    #[serde(default)]
    pub ca_only: bool,
    /// The SHA-256 of the backend's public key, base64 (`openssl x509 -pubkey -noout -in
    /// CERT | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`):
    /// a certificate with any other key is refused.
    #[serde(default)]
    pub pin_sha256: Option<String>,
    /// Lets `url` be `http://`, which sends the token and citizens' data in clear: for a
    /// lab bench or the demo only. Staff see it on the status screen.
    #[serde(default)]
    pub allow_insecure_http: bool,
    #[serde(default)]
    pub client_cert: Option<PathBuf>,
    #[serde(default)]
    pub client_key: Option<PathBuf>,
}

fn default_token_file() -> PathBuf {
    "/etc/hall-kiosk/token".into()
}

fn default_timeout() -> u64 {
    5000
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Devices {
    #[serde(default)]
    pub idcard: SerialDevice,
    #[serde(default)]
    pub scanner: ScannerDevice,
    #[serde(default)]
    pub printer: PrinterDevice,
    #[serde(default)]
    pub gpio: GpioDevice,
}

/// The names the packaged udev rules (`99-hall-kiosk.rules`) give the devices.
pub const UDEV_IDCARD: &str = "/dev/hall-kiosk/idcard";
pub const UDEV_SCANNER: &str = "/dev/hall-kiosk/scanner";
pub const UDEV_PRINTER: &str = "/dev/hall-kiosk/printer";

/// "none": the kiosk has no such device (its functions say so); "sim": the built-in
/// simulator, under `kiosk demo` only.
pub const NO_DEVICE: &str = "none";

/// Whether a port names a device to open: not "none", and not "sim" (which only the demo
/// replaces with its simulators).
pub fn fitted(port: &str) -> bool {
    !(port == NO_DEVICE || port == "sim")
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SerialDevice {
    /// A serial device path, or "none".
    #[serde(default = "default_idcard_port")]
    pub port: String,
    #[serde(default = "default_baud")]
    pub baud: u32,
}

impl Default for SerialDevice {
    fn default() -> Self {
        SerialDevice {
            port: default_idcard_port(),
            baud: default_baud(),
        }
    }
}

fn default_idcard_port() -> String {
    UDEV_IDCARD.into()
}

fn default_baud() -> u32 {
    115_200
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScannerDevice {
    /// "/dev/ttyACM0" | "camera:/dev/video0" | "hid:/dev/input/by-id/..." | "none"
    #[serde(default = "default_scanner_port")]
    pub port: String,
    #[serde(default = "default_scanner_baud")]
    pub baud: u32,
}

impl Default for ScannerDevice {
    fn default() -> Self {
        ScannerDevice {
            port: default_scanner_port(),
            baud: default_scanner_baud(),
        }
    }
}

fn default_scanner_port() -> String {
    UDEV_SCANNER.into()
}

fn default_scanner_baud() -> u32 {
    9600
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterDevice {
    /// "/dev/ttyUSB1" | "/dev/usb/lp0" | "tcp:HOST:9100" | "none"
    #[serde(default = "default_printer_port")]
    pub port: String,
    #[serde(default = "default_baud")]
    pub baud: u32,
    #[serde(default = "default_width")]
    pub width_mm: u8,
    #[serde(default = "default_encoding")]
    pub encoding: String,
}

impl Default for PrinterDevice {
    fn default() -> Self {
        PrinterDevice {
            port: default_printer_port(),
            baud: default_baud(),
            width_mm: default_width(),
            encoding: default_encoding(),
        }
    }
}

fn default_printer_port() -> String {
    UDEV_PRINTER.into()
}

fn default_width() -> u8 {
    80
}
fn default_encoding() -> String {
    "gb18030".into()
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
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

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// A tracing filter such as "info" or "hall_kiosk=debug,info"; `RUST_LOG` wins.
    pub level: Option<String>,
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
