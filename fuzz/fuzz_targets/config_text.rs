#![no_main]
//! The config file's text, its `kiosk.utc_offset` and its opening hours over arbitrary
//! input: no panic; an offset that parses formats back to the same offset; hours that parse
//! answer `is_open` / `next_opening` for every day, and a next opening is really open.

use std::path::Path;

use hall_kiosk::domain::hours::OpeningHours;
use hall_kiosk::platform::config::{parse_offset, Config, Layer, DEMO};
use libfuzzer_sys::fuzz_target;
use time::{Time, Weekday};

const DAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);

    // The offset: parse, then format and parse again.
    if let Some(off) = parse_offset(&text) {
        let (h, m, s) = off.as_hms();
        assert_eq!(s, 0);
        let sign = if h < 0 || m < 0 { '-' } else { '+' };
        let again = format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs());
        assert_eq!(parse_offset(&again), Some(off), "{again}");
    }

    // Opening hours.
    if let Ok(hours) = OpeningHours::parse(&text) {
        let at = Time::from_hms(mode % 24, (mode / 24) % 60, 0).expect("valid");
        for day in DAYS {
            let open = hours.is_open(day, at);
            match hours.next_opening(day, at) {
                Some((ahead, t)) => {
                    assert!(ahead <= 7);
                    let then =
                        DAYS[(usize::from(day.number_days_from_monday()) + usize::from(ahead)) % 7];
                    assert!(hours.is_open(then, t), "{text:?}: {then} {t} not open");
                }
                None => assert!(matches!(hours, OpeningHours::Always) || !open),
            }
        }
    }

    // The whole file: the text alone, and the text put into the demo file's places, which
    // reaches validation instead of stopping at a missing table.
    let path = Path::new("fuzz.toml");
    let _ = Config::parse(&text, path).map(|c| (c.utc_offset(), c.public_host()));
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    let key = [
        "utc_offset = \"+08:00\"",
        "opening_hours = \"mon-fri 08:30-17:30; sat 09:00-12:00\"",
        "public_url = \"https://hall.example.gov.cn\"",
        "hall_name = \"合作市政务服务中心\"",
    ][usize::from(mode & 3)];
    let (name, _) = key.split_once(" = ").expect("key = value");
    // The demo's complete file, with the one key it leaves to its default written out.
    let base = DEMO.replacen("[kiosk]\n", "[kiosk]\nutc_offset = \"+08:00\"\n", 1);
    assert!(base.contains(key), "{key}");
    let file = base.replacen(key, &format!("{name} = \"{escaped}\""), 1);
    match Config::parse(&file, path) {
        Ok(c) => {
            let _ = c.utc_offset();
            let _ = c.public_host();
            assert!(OpeningHours::parse(&c.ui.opening_hours).is_ok());
            assert!(parse_offset(&c.kiosk.utc_offset).is_some());
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    // Raw TOML spliced into the file after the [kiosk] table.
    let file = base.replacen("[ui]", &format!("{text}\n[ui]"), 1);
    if let Err(e) = Config::parse(&file, path) {
        let _ = e.to_string();
    }
    // The text as a drop-in over the whole file: merged key by key, an error naming the
    // drop-in's own line.
    let layers = vec![
        Layer {
            path: path.into(),
            text: base.clone(),
        },
        Layer {
            path: Path::new("kiosk.toml.d/50-fuzz.toml").into(),
            text: text.to_string(),
        },
    ];
    if let Err(e) = Config::from_layers(layers) {
        let _ = e.to_string();
    }
});
