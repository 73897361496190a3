#![no_main]
//! Payload schemes over arbitrary text (and the bytes read as a scanner would): no panic, and
//! a forged signature never yields an accepted staff code.

use kiosk_drivers::scanner::line::decode_text;
use kiosk_drivers::scanner::payload::{parse, HmacVerifier, KioskCode, SchemeContext, TEST_KEY};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ctx = SchemeContext {
        hall_id: "HZ01".into(),
        hall_hosts: vec!["hall.example.gov.cn".into(), "127.0.0.1:8080".into()],
        verifier: Some(Box::new(HmacVerifier::new(TEST_KEY))),
        staff_key: None,
    };
    let text = match decode_text(data) {
        Ok(t) => t,
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    };
    let code = parse(&text, &ctx);
    if let KioskCode::Staff { .. } = code {
        // Only a correctly signed text can be a staff code.
        let (msg, _) = text
            .trim()
            .rsplit_once(':')
            .expect("staff codes have a signature");
        assert_eq!(HmacVerifier::new(TEST_KEY).signed(msg), text.trim());
    }
    // Fuzzed text wrapped in the kiosk's own prefixes reaches the deeper branches.
    for prefix in [
        "hk:appt:v1:HZ01:",
        "hk:staff:v1:",
        "https://hall.example.gov.cn/track/",
    ] {
        let _ = parse(&format!("{prefix}{text}"), &ctx);
    }
});
