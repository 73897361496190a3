//! Citizens' data never reaches the log, at any level: a live kiosk (demo services, the
//! reader and scanner simulators on ptys, hall-sim on loopback) runs with every target at
//! `trace`, every sample card is read on the home screen and for card tickets (the applicant
//! goes to the backend), codes are scanned, a staff device test reads a card; then the whole
//! log is searched for each fictional identity's name, ID number, birth date and addresses,
//! and for the scanned payloads. One test in its own binary: the log collector is global.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{rig, screen, tap, wait_until};
use hall_kiosk::ui::{DeviceTestState, Feature, Staff};
use kiosk_drivers::idcard::sim::builtin_identities;
use slint::ComponentHandle;

#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<u8>>>);

impl Write for Collected {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_trace_level_log_of_a_kiosk_session_holds_no_citizens_data() {
    let log = Collected::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    let people = builtin_identities();

    // Card tickets (the applicant goes to the backend), the elderly card last since it
    // turns elderly mode on; then every card on the home screen.
    for i in [1, 2, 0] {
        tap(k, "取号");
        tap(k, "企业服务");
        tap(k, "刷身份证取号");
        world.reader.present(i);
        wait_until(k, "the card ticket", || screen(k) == "ticket-issued");
        world.reader.remove();
        common::pump_for(k, Duration::from_millis(300));
        k.go_home();
    }
    for i in 0..people.len() {
        let before = r.services.health.snapshot().last_read_ms;
        world.reader.present(i);
        wait_until(k, "the card read", || {
            r.services.health.snapshot().last_read_ms != before
        });
        world.reader.remove();
        common::pump_for(k, Duration::from_millis(300));
        k.go_home();
    }

    // Codes: an appointment, a ticket's and a receipt's addresses, a staff code, junk.
    let key = kiosk_drivers::scanner::payload::HmacVerifier::new(
        kiosk_drivers::scanner::payload::TEST_KEY,
    );
    let staff_code = key.signed("hk:staff:v1:W0012:1795489200");
    let payloads = [
        "hk:appt:v1:hezuo:AP0001".to_string(),
        "https://hall.example.gov.cn/track/t/20261124/A017".to_string(),
        "https://hall.example.gov.cn/track/r/R20261124-0042".to_string(),
        "a code nobody printed 1234567890".to_string(),
        staff_code.clone(),
    ];
    for p in &payloads {
        let scans = r.services.health.snapshot().last_scan_ms;
        world.scanner.scan(p.as_bytes()).unwrap();
        wait_until(k, "the scan", || {
            r.services.health.snapshot().last_scan_ms != scans
        });
        common::pump_for(k, Duration::from_millis(300));
        k.go_home();
    }
    // Staff test a card read: the result is masked on screen, and absent from the log.
    // Another staff member's code: the scanner drops a code shown twice in a row.
    world
        .scanner
        .scan(key.signed("hk:staff:v1:W0013:1795489200").as_bytes())
        .unwrap();
    wait_until(k, "staff status", || screen(k) == "staff-status");
    tap(k, "测试读卡");
    world.reader.present(1);
    let staff = k.window().global::<Staff>();
    wait_until(k, "the card test", || {
        staff.get_test_state() == DeviceTestState::Ok
    });
    world.reader.remove();
    k.open(Feature::Ticket);
    drop(r);

    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).to_string();
    assert!(
        text.lines().count() > 100 && text.contains("TRACE"),
        "the log was collected at trace level ({} lines)",
        text.lines().count()
    );
    // What the kiosk did is there, by kind.
    for said in [
        "card presented",
        "scanned a code: appointment",
        "scanned a code: staff",
    ] {
        assert!(text.contains(said), "{said:?} is logged");
    }
    let mut found = Vec::new();
    for p in &people {
        let birth_dashed = if p.birth.len() == 8 {
            format!("{}-{}-{}", &p.birth[..4], &p.birth[4..6], &p.birth[6..])
        } else {
            String::new()
        };
        for (what, value) in [
            ("name", &p.name),
            ("ID number", &p.id_number),
            ("birth date", &p.birth),
            ("birth date", &birth_dashed),
            ("address", &p.address),
            ("new address", &p.new_address),
        ] {
            if !value.is_empty() && text.contains(value.as_str()) {
                let line = text.lines().find(|l| l.contains(value.as_str())).unwrap();
                found.push(format!("{what} {value:?} in: {line}"));
            }
        }
    }
    for p in &payloads {
        if text.contains(p.as_str()) {
            let line = text.lines().find(|l| l.contains(p.as_str())).unwrap();
            found.push(format!("payload {p:?} in: {line}"));
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
