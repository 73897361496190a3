//! What needs attention, for the status lamp on top of the kiosk, the heartbeat hall IT
//! watches and the staff screen: pure rules over the board, the printer and the link,
//! recomputed by the monitor every few seconds.

use hall_link::LinkStatus;
use kiosk_drivers::printer::Condition;
use serde_json::json;

use super::board::Health;
use crate::domain::Level;
use crate::printing::Known;

/// Fewer offline numbers than this in any category: staff should let the kiosk reach the
/// backend to top them up before walk-ins meet "no numbers left".
pub const OFFLINE_NUMBERS_LOW: u32 = 5;

/// Whether any category's reserved offline numbers are running low.
pub fn offline_numbers_low(left: &[(String, u32)]) -> bool {
    left.iter().any(|(_, n)| *n < OFFLINE_NUMBERS_LOW)
}

/// What a printer condition means for staff.
pub fn printer_level(c: Condition) -> Level {
    match c {
        Condition::Ready => Level::Ok,
        Condition::PaperNearEnd => Level::Warn,
        _ => Level::Fault,
    }
}

/// Whether the kiosk's clock is off the backend's by more than [`CLOCK_SKEW_S`].
pub fn clock_skewed(skew_s: Option<i64>) -> bool {
    skew_s.is_some_and(|k| k.abs() > CLOCK_SKEW_S)
}

/// The store at this share (percent) of its size cap: staff should have entries delivered
/// (or the cap raised) before commits start failing.
pub const STORE_FULL_WARN_PERCENT: u64 = 80;

/// Whether the store has grown past [`STORE_FULL_WARN_PERCENT`] of its cap.
pub fn store_nearly_full(bytes: u64, max_bytes: u64) -> bool {
    max_bytes > 0 && bytes.saturating_mul(100) >= max_bytes.saturating_mul(STORE_FULL_WARN_PERCENT)
}

/// The status lamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lamp {
    /// Serving.
    Green,
    /// Serving, but staff should look (paper low, link down, dead letters).
    Yellow,
    /// Not serving, or a citizen would meet the fault (paper out, reader offline).
    Red,
}

/// What needs attention, most serious first, and the lamp it lights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub lamp: Lamp,
    pub alerts: Vec<&'static str>,
    pub devices: serde_json::Value,
}

/// A clock this far off the backend's (seconds) makes ages, expiry dates and "today"
/// wrong on tickets and slips.
pub const CLOCK_SKEW_S: i64 = 60;

/// An outbox whose oldest entry has waited this long is stuck (the backend refuses or
/// never answers), however few entries it holds.
pub const OUTBOX_STUCK_MS: i64 = 15 * 60 * 1000;

/// Pure: the assessment of a kiosk in this state at `now_ms` (Unix ms).
pub fn assess(
    printer: Option<Known>,
    health: &Health,
    link: &LinkStatus,
    now_ms: i64,
) -> Assessment {
    let mut red = Vec::new();
    let mut yellow = Vec::new();
    if health.out_of_service.is_some() {
        red.push("out_of_service");
    }
    let printer_state = match &printer {
        None => "not_configured".to_string(),
        Some(Known::Never) => "unknown".to_string(),
        Some(Known::Condition(c)) => {
            match c {
                Condition::Ready => {}
                Condition::PaperNearEnd => yellow.push("paper_near_end"),
                Condition::PaperOut => red.push("paper_out"),
                Condition::CoverOpen => red.push("printer_cover_open"),
                Condition::Error => red.push("printer_error"),
                Condition::Offline => red.push("printer_offline"),
            }
            c.as_str().to_string()
        }
        Some(Known::Unreachable(kind)) => {
            red.push("printer_offline");
            format!("unreachable ({kind})")
        }
    };
    if health.paper_low_sensor && !yellow.contains(&"paper_near_end") && !red.contains(&"paper_out")
    {
        yellow.push("paper_near_end");
    }
    if health.reader.is_offline() {
        red.push("reader_offline");
    }
    if health.scanner.is_offline() {
        yellow.push("scanner_offline");
    }
    if link.store_failing.is_some() {
        red.push("store_failing");
    }
    if link.store_recreated.is_some() {
        yellow.push("store_recreated");
    }
    if store_nearly_full(link.store_bytes, link.store_max_bytes) {
        yellow.push("store_nearly_full");
    }
    if link.auth_failed {
        yellow.push("backend_token_refused");
    } else if !link.online {
        yellow.push("backend_offline");
    }
    if link.outbox.dead > 0 {
        yellow.push("dead_letters");
    }
    if link
        .oldest_pending_ms
        .is_some_and(|t| now_ms - t > OUTBOX_STUCK_MS)
    {
        yellow.push("outbox_stuck");
    }
    if health.staff_locked {
        yellow.push("staff_locked");
    }
    if clock_skewed(link.clock_skew_s) {
        yellow.push("clock_skew");
    }
    if offline_numbers_low(&link.offline_left) {
        yellow.push("offline_numbers_low");
    }
    if health.help.is_some() {
        yellow.push("help_call");
    }
    let lamp = if !red.is_empty() {
        Lamp::Red
    } else if !yellow.is_empty() {
        Lamp::Yellow
    } else {
        Lamp::Green
    };
    let alerts: Vec<&'static str> = red.into_iter().chain(yellow).collect();
    let devices = json!({
        "printer": printer_state,
        "idcard": health.reader.code(),
        "scanner": health.scanner.code(),
        "out_of_service": health.out_of_service.is_some(),
        "insecure_http": health.insecure_backend,
        "lamp": lamp,
        "alerts": alerts,
    });
    Assessment {
        lamp,
        alerts,
        devices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::board::DeviceState;

    fn online() -> LinkStatus {
        LinkStatus {
            online: true,
            offline_left: vec![("A".into(), 20)],
            ..LinkStatus::default()
        }
    }

    fn healthy() -> Health {
        Health {
            reader: DeviceState::Ready,
            scanner: DeviceState::Ready,
            ..Health::default()
        }
    }

    #[test]
    fn the_shared_rules_for_offline_numbers_printer_level_and_clock_skew() {
        assert!(offline_numbers_low(&[("A".into(), 20), ("B".into(), 4)]));
        assert!(!offline_numbers_low(&[("A".into(), OFFLINE_NUMBERS_LOW)]));
        assert!(!offline_numbers_low(&[]));
        assert_eq!(printer_level(Condition::Ready), Level::Ok);
        assert_eq!(printer_level(Condition::PaperNearEnd), Level::Warn);
        assert_eq!(printer_level(Condition::CoverOpen), Level::Fault);
        assert!(clock_skewed(Some(-61)) && !clock_skewed(Some(60)) && !clock_skewed(None));
    }

    #[test]
    fn all_well_is_green() {
        let a = assess(
            Some(Known::Condition(Condition::Ready)),
            &healthy(),
            &online(),
            0,
        );
        assert_eq!(a.lamp, Lamp::Green);
        assert!(a.alerts.is_empty());
        assert_eq!(a.devices["printer"], "ready");
        assert_eq!(a.devices["insecure_http"], false);
    }

    /// A backend reached over plain HTTP (a lab) is told to the hall in the heartbeat; the
    /// lamp is the devices' business and stays as it is.
    #[test]
    fn plain_http_to_the_backend_is_in_the_heartbeat() {
        let lab = Health {
            insecure_backend: true,
            ..healthy()
        };
        let a = assess(Some(Known::Condition(Condition::Ready)), &lab, &online(), 0);
        assert_eq!(a.devices["insecure_http"], true);
        assert_eq!(a.lamp, Lamp::Green);
    }

    #[test]
    fn paper_low_is_yellow_and_paper_out_is_red() {
        let low = assess(
            Some(Known::Condition(Condition::PaperNearEnd)),
            &healthy(),
            &online(),
            0,
        );
        assert_eq!(low.lamp, Lamp::Yellow);
        assert_eq!(low.alerts, ["paper_near_end"]);
        let out = assess(
            Some(Known::Condition(Condition::PaperOut)),
            &healthy(),
            &online(),
            0,
        );
        assert_eq!(out.lamp, Lamp::Red);
        assert_eq!(out.devices["alerts"][0], "paper_out");
    }

    #[test]
    fn out_of_service_and_reader_offline_are_red_link_down_is_yellow() {
        let mut h = healthy();
        h.out_of_service = Some("maintenance".into());
        assert_eq!(assess(None, &h, &online(), 0).lamp, Lamp::Red);
        let mut h = healthy();
        h.reader = DeviceState::Offline("unplugged".into());
        assert_eq!(assess(None, &h, &online(), 0).alerts, ["reader_offline"]);
        let down = LinkStatus {
            online: false,
            ..online()
        };
        let a = assess(None, &healthy(), &down, 0);
        assert_eq!(a.lamp, Lamp::Yellow);
        assert_eq!(a.alerts, ["backend_offline"]);
    }

    #[test]
    fn a_store_that_cannot_commit_is_red_and_a_recreated_one_yellow() {
        let failing = LinkStatus {
            store_failing: Some("database or disk is full".into()),
            ..online()
        };
        let a = assess(None, &healthy(), &failing, 0);
        assert_eq!(
            (a.lamp, a.alerts.as_slice()),
            (Lamp::Red, &["store_failing"][..])
        );
        let nearly_full = LinkStatus {
            store_bytes: 81,
            store_max_bytes: 100,
            ..online()
        };
        assert_eq!(
            assess(None, &healthy(), &nearly_full, 0).alerts,
            ["store_nearly_full"]
        );
        assert!(!store_nearly_full(79, 100) && !store_nearly_full(1, 0));
        let recreated = LinkStatus {
            store_recreated: Some("file is not a database".into()),
            ..online()
        };
        let a = assess(None, &healthy(), &recreated, 0);
        assert_eq!(
            (a.lamp, a.alerts.as_slice()),
            (Lamp::Yellow, &["store_recreated"][..])
        );
    }

    #[test]
    fn paper_low_sensor_stuck_outbox_and_staff_lockout_are_yellow() {
        let mut h = healthy();
        h.paper_low_sensor = true;
        let a = assess(Some(Known::Condition(Condition::Ready)), &h, &online(), 0);
        assert_eq!(
            (a.lamp, a.alerts.as_slice()),
            (Lamp::Yellow, &["paper_near_end"][..])
        );
        // The printer's own near-end and the sensor are one alert, not two.
        let a = assess(
            Some(Known::Condition(Condition::PaperNearEnd)),
            &h,
            &online(),
            0,
        );
        assert_eq!(a.alerts, ["paper_near_end"]);

        let waiting = LinkStatus {
            oldest_pending_ms: Some(1_000),
            ..online()
        };
        let fresh = assess(None, &healthy(), &waiting, 1_000 + OUTBOX_STUCK_MS);
        assert!(fresh.alerts.is_empty(), "{:?}", fresh.alerts);
        let stuck = assess(None, &healthy(), &waiting, 1_001 + OUTBOX_STUCK_MS);
        assert_eq!(stuck.alerts, ["outbox_stuck"]);

        let mut h = healthy();
        h.staff_locked = true;
        assert_eq!(assess(None, &h, &online(), 0).alerts, ["staff_locked"]);

        let skewed = LinkStatus {
            clock_skew_s: Some(-61),
            ..online()
        };
        assert_eq!(assess(None, &healthy(), &skewed, 0).alerts, ["clock_skew"]);
        let close = LinkStatus {
            clock_skew_s: Some(60),
            ..online()
        };
        assert!(assess(None, &healthy(), &close, 0).alerts.is_empty());
    }
}
