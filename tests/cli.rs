//! The technicians' commands, run as processes: `ticket take`, `backend sync`, `outbox
//! flush` against hall-sim on loopback, and `device idcard read` through the reader
//! simulator's pty.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use hall_kiosk::platform::config::EXAMPLE;
use hall_link::sim::{Fault, HallSim, SimOptions};

fn kiosk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
}

fn config_for(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
    let token = dir.join("token");
    std::fs::write(&token, "demo-token\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let text = EXAMPLE
        .replace("https://hall.example.gov.cn/kiosk/v1", url)
        .replace("/etc/hall-kiosk/token", token.to_str().unwrap())
        .replace("/var/lib/hall-kiosk", dir.join("data").to_str().unwrap())
        .replace("timeout_ms = 5000", "timeout_ms = 1000");
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_take_online_then_offline_then_flush() {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(dir.path(), &sim.url());
    let run = |args: &[&str]| {
        let mut c = kiosk();
        c.args(args).arg("--config").arg(&config);
        c.output().unwrap()
    };
    let sync = tokio::task::block_in_place(|| run(&["backend", "sync"]));
    assert!(
        sync.status.success(),
        "{}",
        String::from_utf8_lossy(&sync.stderr)
    );

    let out = tokio::task::block_in_place(|| run(&["ticket", "take", "--category", "A"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ticket_no"], "A001");
    assert_eq!(v["offline"], false);

    sim.set_fault(Fault::Down);
    let out = tokio::task::block_in_place(|| run(&["ticket", "take", "--category", "A"]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["offline"], true);
    let flush = tokio::task::block_in_place(|| run(&["outbox", "flush"]));
    assert!(
        !flush.status.success(),
        "not empty while the backend is down"
    );

    sim.set_fault(Fault::None);
    let flush = tokio::task::block_in_place(|| run(&["outbox", "flush"]));
    assert!(
        flush.status.success(),
        "{}",
        String::from_utf8_lossy(&flush.stderr)
    );
    assert_eq!(sim.offline_reports().len(), 1);

    let bad = tokio::task::block_in_place(|| run(&["ticket", "take", "--category", "Z"]));
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no ticket issued"));
}

#[test]
fn idcard_read_prints_a_masked_card_and_reveals_only_on_request() {
    use kiosk_drivers::idcard::sim::{builtin_identities, ReaderSimulator};
    let sim = ReaderSimulator::spawn(builtin_identities()).unwrap();
    sim.present(0);
    let out = kiosk()
        .args([
            "device",
            "idcard",
            "read",
            "--json",
            "--timeout",
            "5",
            "--port",
            &sim.path(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["card_type"], "resident");
    assert_eq!(v["name"], "李秀英");
    assert_eq!(v["id_number"], "110***********1542");
    assert_eq!(v["id_number_valid"], true);
    assert_eq!(v["valid_until"], "长期");
    assert_eq!(v["birth_date"], "1950-03-07");

    sim.remove();
    sim.present(5);
    let out = kiosk()
        .args([
            "device",
            "idcard",
            "read",
            "--json",
            "--reveal",
            "--port",
            &sim.path(),
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["card_type"], "foreign_permanent_resident");
    assert_eq!(v["id_number"], "ESP440085120308");
    assert_eq!(v["chinese_name"], "玛丽亚");

    let none = kiosk()
        .args([
            "device",
            "idcard",
            "read",
            "--port",
            "/dev/no-such-reader",
            "--timeout",
            "1",
        ])
        .output()
        .unwrap();
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("/dev/no-such-reader"));
}
