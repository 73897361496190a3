//! What the shell is told at start (from the config) and what it holds of a citizen.

use std::time::Duration;

use super::screen;
use crate::platform::config::{HomeTile, Locale, Orientation};

/// What the shell needs to know; built from the config file.
#[derive(Debug, Clone)]
pub struct UiOptions {
    pub hall_name: String,
    pub kiosk_id: String,
    /// In the check-in QR code of an appointment booked here.
    pub hall_id: String,
    pub locale: Locale,
    pub elderly_default: bool,
    /// The elderly home screen's large tiles.
    pub elderly_tiles: Vec<HomeTile>,
    /// The header's languages, in order.
    pub languages: Vec<Locale>,
    pub idle_timeout_s: u32,
    pub orientation: Orientation,
    pub utc_offset: time::UtcOffset,
    /// A fixed clock for reproducible screenshots; None means the system clock.
    pub fixed_clock: Option<time::OffsetDateTime>,
    /// When tickets may be taken (the kiosk's own hours; categories add theirs).
    pub opening_hours: crate::domain::hours::OpeningHours,
    /// argon2 hashes of staff PINs.
    pub staff_pin_hashes: Vec<String>,
    pub staff_lockout: Duration,
    /// Staff mode leaves itself after this long untouched.
    pub staff_idle_timeout_s: u32,
    /// Rest after hours and brightness.
    pub screen: screen::ScreenOptions,
    /// `[audio] voice`: whether the footer offers the speaker button (the voice itself
    /// comes with the services).
    pub voice: crate::domain::voice::VoiceMode,
    /// The hall's working days, for booking.
    pub calendar: crate::domain::booking::HallCalendar,
}

impl Default for UiOptions {
    fn default() -> Self {
        UiOptions {
            hall_name: "合作市政务服务中心".into(),
            kiosk_id: "HZ-ZW-01".into(),
            hall_id: "hezuo-zwfw".into(),
            locale: Locale::ZhCn,
            elderly_default: false,
            elderly_tiles: crate::platform::config::UiSection::default().elderly_tiles,
            languages: Locale::ALL.to_vec(),
            idle_timeout_s: 90,
            orientation: Orientation::Portrait,
            utc_offset: time::UtcOffset::from_hms(8, 0, 0).expect("valid offset"),
            fixed_clock: None,
            opening_hours: crate::domain::hours::OpeningHours::Always,
            staff_pin_hashes: Vec::new(),
            staff_lockout: Duration::from_secs(300),
            staff_idle_timeout_s: 60,
            screen: screen::ScreenOptions::default(),
            voice: crate::domain::voice::VoiceMode::default(),
            calendar: crate::domain::booking::HallCalendar::default(),
        }
    }
}

/// The citizen's session: everything personal the kiosk holds while someone is at the
/// screen. Wiped on return home, on idle timeout and on card removal.
#[derive(Default)]
pub struct Session {
    pub started: bool,
    pub card_present: bool,
}

impl Session {
    pub fn wipe(&mut self) {
        *self = Session::default();
    }
}
