//! `kiosk appointment` and `kiosk pay`, run as processes against hall-sim on loopback with
//! the printer simulator on a pty: the booking and payment paths of the touch screen.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};
use std::time::Duration;

use hall_kiosk::platform::config::DEMO;
use hall_link::sim::{HallSim, SimOptions};
use kiosk_drivers::printer::sim::PrinterSimulator;
use kiosk_drivers::printer::PaperWidth;

/// The demo config against `url`, printing on `printer`.
fn config_for(dir: &std::path::Path, url: &str, printer: &str) -> std::path::PathBuf {
    let token = dir.join("token");
    std::fs::write(&token, "demo-token\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let text = DEMO
        .replace(
            "url = \"http://127.0.0.1:0/kiosk/v1\"",
            &format!("url = {url:?}\ntoken_file = {token:?}\ntimeout_ms = 1000"),
        )
        .replace("\"demo-data\"", &format!("{:?}", dir.join("data")))
        .replacen(
            "[devices.printer]\nport = \"sim\"",
            &format!("[devices.printer]\nport = \"{printer}\""),
            1,
        );
    assert!(text.contains(printer), "the printer's port is set");
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(config: &std::path::Path, args: &[&str]) -> Output {
    tokio::task::block_in_place(|| {
        Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .args(args)
            .arg("--config")
            .arg(config)
            .output()
            .unwrap()
    })
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slot_is_listed_booked_for_a_simulated_card_and_its_slip_printed() {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let printer = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(dir.path(), &sim.url(), &printer.path());
    let item = "620000-001-XK-01";
    let slots = json(&run(
        &config,
        &[
            "appointment",
            "slots",
            "--item",
            item,
            "--date",
            "2026-12-07",
            "--json",
        ],
    ));
    assert_eq!(slots["date"], "2026-12-07");
    let slot = slots["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["left"].as_u64() > Some(0))
        .expect("a slot with seats")["slot_id"]
        .as_str()
        .unwrap()
        .to_string();
    let booked = json(&run(
        &config,
        &[
            "appointment",
            "book",
            "--item",
            item,
            "--slot",
            &slot,
            "--id-card-sim",
            "张伟",
            "--json",
        ],
    ));
    assert_eq!(booked["printed"], true, "{booked}");
    let code = booked["code"].as_str().unwrap();
    assert_eq!(
        booked["checkin_qr"],
        format!("hk:appt:v1:hezuo:{code}").as_str()
    );
    let made = sim.appointments_booked();
    assert_eq!(made.len(), 1);
    let pages = printer.wait_pages(1, Duration::from_secs(5));
    assert!(pages[0].text().contains("预约凭证"));
    assert_eq!(
        pages[0].qr_payloads(),
        [booked["checkin_qr"].as_str().unwrap()]
    );
    // The same card again for the same matter: refused, exit 1.
    let again = run(
        &config,
        &[
            "appointment",
            "book",
            "--item",
            item,
            "--slot",
            &slot,
            "--id-card-sim",
            "张伟",
        ],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already booked"));
    // A name the simulator does not hold is a clear error.
    let nobody = run(
        &config,
        &[
            "appointment",
            "book",
            "--item",
            item,
            "--slot",
            &slot,
            "--id-card-sim",
            "无名氏",
        ],
    );
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no identity named"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_by_qr_and_by_paycode_exits_0_only_when_paid_and_prints_the_receipt() {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let printer = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(dir.path(), &sim.url(), &printer.path());
    let paid = json(&run(
        &config,
        &[
            "pay",
            "--ref",
            "receipt:SL001",
            "--amount-fen",
            "8000",
            "--qr",
            "--json",
        ],
    ));
    assert_eq!(paid["status"], "paid", "{paid}");
    assert!(paid["qr_url"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    assert_eq!(paid["printed"], true);
    let pages = printer.wait_pages(1, Duration::from_secs(5));
    assert!(pages[0].text().contains("80.00 元"));
    assert!(pages[0].text().contains("SL001"));
    let by_code = json(&run(
        &config,
        &[
            "pay",
            "--ref",
            "item:620000-040-QT-01",
            "--amount-fen",
            "8000",
            "--paycode",
            "134567890123456789",
            "--json",
        ],
    ));
    assert_eq!(by_code["status"], "paid");
    // A wallet that refuses: exit 1, nothing printed, and the code never in the output.
    let refused = run(
        &config,
        &[
            "pay",
            "--ref",
            "receipt:SL002",
            "--amount-fen",
            "8000",
            "--paycode",
            "134567890123450000",
            "--json",
        ],
    );
    assert!(!refused.status.success());
    let out = String::from_utf8_lossy(&refused.stdout);
    assert!(out.contains("\"failed\""), "{out}");
    assert!(!out.contains("134567890123450000"));
    assert!(!String::from_utf8_lossy(&refused.stderr).contains("134567890123450000"));
    assert!(sim.payment_orders_per_key().values().all(|n| *n == 1));
    assert_eq!(printer.wait_pages(2, Duration::from_secs(5)).len(), 2);
}
