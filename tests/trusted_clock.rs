//! The kiosk's "trusted now" end to end, through `kiosk ticket take` against hall-sim: a
//! kiosk whose clock is hours off the hall's follows the backend's `Date` for the date on an
//! offline ticket and for the expiry of its offline numbers (hall_link::clock). Each command
//! is its own process, as on a device after a reboot, so each learns the time afresh.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use hall_kiosk::platform::config::DEMO;
use hall_link::sim::{Fault, HallSim, SimOptions};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn take(config: &std::path::Path) -> Output {
    tokio::task::block_in_place(|| {
        Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .args(["ticket", "take", "--json", "--category", "A"])
            .env("HALL_KIOSK_CONFIG", config)
            .output()
            .unwrap()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_tickets_follow_the_halls_clock_not_a_wrong_local_one() {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "demo-token\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = dir.path().join("kiosk.toml");
    let text = DEMO
        .replace(
            "url = \"http://127.0.0.1:0/kiosk/v1\"",
            &format!(
                "url = {:?}\ntoken_file = {token:?}\ntimeout_ms = 1000",
                sim.url()
            ),
        )
        .replace("\"demo-data\"", &format!("{:?}", dir.path().join("data")));
    std::fs::write(&config, text).unwrap();
    let sync = tokio::task::block_in_place(|| {
        Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .args(["backend", "sync"])
            .env("HALL_KIOSK_CONFIG", &config)
            .output()
            .unwrap()
    });
    assert!(
        sync.status.success(),
        "{}",
        String::from_utf8_lossy(&sync.stderr)
    );

    // The hall's clock is 3 hours ahead of this kiosk's (the kiosk booted with an old
    // time), and the hall is answering 503: the ticket is an offline one, dated by the
    // hall's Date header, which came with the 503.
    sim.set_date_offset(3 * 3600);
    sim.set_fault(Fault::Unavailable { times: 1000 });
    let out = take(&config);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["offline"], true, "{v}");
    let issued = OffsetDateTime::parse(v["issued_at"].as_str().unwrap(), &Rfc3339).unwrap();
    let hall_now = OffsetDateTime::now_utc() + time::Duration::hours(3);
    assert!(
        (issued - hall_now).abs() < time::Duration::minutes(5),
        "dated by the hall's clock: issued {issued}, hall {hall_now}"
    );

    // 25 hours ahead: by the hall's clock the offline numbers (valid 24 h) have expired,
    // though by the kiosk's own they have not. None is handed out.
    sim.set_date_offset(25 * 3600);
    let out = take(&config);
    assert!(!out.status.success(), "no ticket from an expired block");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no ticket issued"), "{err}");
    assert_eq!(
        sim.offline_reports().len(),
        0,
        "nothing reached the hall yet"
    );

    // With the clocks agreeing again the remaining numbers are still there to use.
    sim.set_date_offset(0);
    let out = take(&config);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["offline"], true, "{v}");
}
