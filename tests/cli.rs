//! The technicians' commands, run as processes: `ticket take`, `backend sync`, `outbox
//! flush` against hall-sim on loopback, and `device idcard read` through the reader
//! simulator's pty.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use hall_kiosk::platform::config::DEMO;
use hall_link::sim::{Fault, HallSim, SimOptions};

fn kiosk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
}

fn config_for(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
    let token = dir.join("token");
    std::fs::write(&token, "demo-token\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let text = DEMO
        .replace(
            "url = \"http://127.0.0.1:0/kiosk/v1\"",
            &format!("url = {url:?}\ntoken_file = {token:?}\ntimeout_ms = 1000"),
        )
        .replace("\"demo-data\"", &format!("{:?}", dir.join("data")));
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

    let out = tokio::task::block_in_place(|| run(&["ticket", "take", "--json", "--category", "A"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ticket_no"], "A001");
    assert_eq!(v["offline"], false);

    sim.set_fault(Fault::Down);
    let out = tokio::task::block_in_place(|| run(&["ticket", "take", "--json", "--category", "A"]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["offline"], true);
    let flush = tokio::task::block_in_place(|| run(&["outbox", "flush"]));
    assert!(
        !flush.status.success(),
        "not empty while the backend is down"
    );

    // `outbox status` only looks: the store's files keep every byte.
    let files = |d: &std::path::Path| -> Vec<Option<Vec<u8>>> {
        ["kiosk.db", "kiosk.db-wal", "kiosk.db-shm"]
            .iter()
            .map(|f| std::fs::read(d.join("data").join(f)).ok())
            .collect()
    };
    let before = files(dir.path());
    let status = tokio::task::block_in_place(|| run(&["outbox", "status"]));
    assert!(status.status.success());
    let said = String::from_utf8_lossy(&status.stdout).to_string();
    assert!(
        said.starts_with("pending ") && !said.starts_with("pending 0") && said.contains("dead 0"),
        "the offline report waits: {said}"
    );
    assert_eq!(
        files(dir.path()),
        before,
        "outbox status wrote to the store"
    );

    sim.set_fault(Fault::None);
    let flush = tokio::task::block_in_place(|| run(&["outbox", "flush"]));
    assert!(
        flush.status.success(),
        "{}",
        String::from_utf8_lossy(&flush.stderr)
    );
    assert_eq!(sim.offline_reports().len(), 1);

    let bad = tokio::task::block_in_place(|| run(&["ticket", "take", "--json", "--category", "Z"]));
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no ticket issued"));
}

/// `ticket take` runs the touch screen's path to the end: the slip comes out of the
/// configured printer (here the simulator on a pty, read back from its bytes), names the
/// priority, and an offline ticket's QR code points to the hall's own `public_url`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_take_prints_through_the_configured_printer_with_priority_and_public_url() {
    use kiosk_drivers::printer::sim::PrinterSimulator;
    use kiosk_drivers::printer::PaperWidth;
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let printer = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(dir.path(), &sim.url());
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replace(
            "public_url = \"https://hall.example.gov.cn\"",
            "public_url = \"https://zwfw.xiahe.gov.cn\"",
        )
        .replacen(
            "[devices.printer]\nport = \"sim\"",
            &format!("[devices.printer]\nport = \"{}\"", printer.path()),
            1,
        );
    assert!(text.contains(&printer.path()), "the printer's port is set");
    std::fs::write(&config, text).unwrap();
    let run = |args: &[&str]| {
        let mut c = kiosk();
        c.args(args).arg("--config").arg(&config);
        c.output().unwrap()
    };
    assert!(tokio::task::block_in_place(|| run(&["backend", "sync"]))
        .status
        .success());

    let out = tokio::task::block_in_place(|| {
        run(&[
            "ticket",
            "take",
            "--json",
            "--category",
            "A",
            "--priority",
            "elderly",
        ])
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["printed"], true, "{v}");
    assert_eq!(v["priority"], "elderly");
    assert_eq!(v["offline"], false);
    assert!(
        v["track_url"].as_str().is_some_and(|u| !u.is_empty()),
        "{v}"
    );
    let pages = printer.wait_pages(1, std::time::Duration::from_secs(5));
    let slip = pages[0].text();
    assert!(slip.contains(v["ticket_no"].as_str().unwrap()), "{slip}");
    assert!(slip.contains("【老年人优先】"), "{slip}");
    assert!(
        slip.contains("企业服务"),
        "the category's name from the catalog: {slip}"
    );

    // Offline: a number from the reserved block, its QR code on the hall's own site.
    sim.set_fault(Fault::Down);
    let out = tokio::task::block_in_place(|| {
        run(&[
            "ticket",
            "take",
            "--json",
            "--category",
            "A",
            "--priority",
            "elderly",
        ])
    });
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["offline"], true);
    assert_eq!(v["printed"], true, "{v}");
    let pages = printer.wait_pages(2, std::time::Duration::from_secs(5));
    assert!(pages[1].text().contains("【老年人优先】"));
    let qr = pages[1].qr_payloads();
    assert!(
        qr.iter()
            .any(|p| p.starts_with("https://zwfw.xiahe.gov.cn/")),
        "{qr:?}"
    );
    assert_eq!(v["track_url"].as_str(), qr.first().map(String::as_str));

    let bad = tokio::task::block_in_place(|| {
        run(&[
            "ticket",
            "take",
            "--json",
            "--category",
            "A",
            "--priority",
            "vip",
        ])
    });
    assert!(!bad.status.success(), "an unknown priority is refused");
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

#[test]
fn printer_test_prints_a_chinese_test_page_and_refuses_on_paper_out() {
    use kiosk_drivers::printer::sim::PrinterSimulator;
    use kiosk_drivers::printer::{Paper, PaperWidth};
    let sim = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
    let out = kiosk()
        .args([
            "device",
            "printer",
            "test",
            "--port",
            &sim.path(),
            "--kiosk-id",
            "K-07",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pages = sim.wait_pages(1, std::time::Duration::from_secs(5));
    let text = pages[0].text();
    assert!(text.contains("打印测试"), "{text}");
    assert!(text.contains("K-07"));
    assert_eq!(pages[0].qr_payloads().len(), 1);

    let status = kiosk()
        .args([
            "device",
            "printer",
            "status",
            "--port",
            &sim.path(),
            "--json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["condition"], "ready");

    sim.set_paper(Paper::Out);
    let out = kiosk()
        .args(["device", "printer", "test", "--port", &sim.path()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("缺纸") && err.contains("paper out"), "{err}");
    sim.set_paper(Paper::Ok);
    // The next test page is the second page out: the refused one never comes.
    let out = kiosk()
        .args(["device", "printer", "test", "--port", &sim.path()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sim.wait_pages(2, std::time::Duration::from_secs(5)).len(),
        2
    );
    assert_eq!(sim.pages().len(), 2, "the refused page never comes out");
}

#[test]
fn printer_status_of_a_missing_port_fails_clearly() {
    let out = kiosk()
        .args([
            "device",
            "printer",
            "status",
            "--port",
            "/dev/nonexistent-printer",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot open printer /dev/nonexistent-printer"),
        "{err}"
    );
}

#[test]
fn printer_render_turns_captured_bytes_into_pngs() {
    use kiosk_drivers::printer::layout;
    let dir = tempfile::tempdir().unwrap();
    let job = layout::test_page(layout::Profile::default(), "K-01", "2026-11-24 09:41").unwrap();
    let mut bytes = job.bytes.clone();
    bytes.extend_from_slice(&job.bytes);
    let bin = dir.path().join("capture.bin");
    std::fs::write(&bin, &bytes).unwrap();
    let png = dir.path().join("page.png");
    let out = kiosk()
        .args(["device", "printer", "render"])
        .arg(&bin)
        .arg("--out")
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for p in [png.clone(), dir.path().join("page-2.png")] {
        let reader = png::Decoder::new(std::fs::File::open(&p).unwrap())
            .read_info()
            .unwrap();
        assert_eq!(reader.info().width, 576, "{}", p.display());
        assert!(reader.info().height > 500);
    }
    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, [0u8, 1, 2, 3]).unwrap();
    let out = kiosk()
        .args(["device", "printer", "render"])
        .arg(&garbage)
        .arg("--out")
        .arg(dir.path().join("g.png"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_flush_killed_with_sigkill_loses_nothing_and_doubles_nothing() {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(dir.path(), &sim.url());
    let run = |args: &[&str]| {
        let mut c = kiosk();
        c.args(args).arg("--config").arg(&config);
        c.output().unwrap()
    };
    assert!(tokio::task::block_in_place(|| run(&["backend", "sync"]))
        .status
        .success());
    // Six tickets while the hall is unreachable: six offline reports wait in the outbox.
    sim.set_fault(Fault::Down);
    const N: usize = 6;
    for _ in 0..N {
        let out =
            tokio::task::block_in_place(|| run(&["ticket", "take", "--json", "--category", "B"]));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["offline"], true);
    }
    // The hall comes back, slowly: the flush is killed part way, mid-request.
    sim.set_fault(Fault::Delay(std::time::Duration::from_millis(250)));
    let mut child = kiosk()
        .args(["outbox", "flush", "--config"])
        .arg(&config)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the first report has arrived, while the rest are on their way.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while sim.offline_reports().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no clean shutdown
    child.wait().unwrap();
    let delivered_before_restart = sim.offline_reports().len();
    assert!(
        (1..N).contains(&delivered_before_restart),
        "the kill came part way through ({delivered_before_restart} of {N})"
    );

    sim.set_fault(Fault::None);
    let flush = tokio::task::block_in_place(|| run(&["outbox", "flush"]));
    assert!(
        flush.status.success(),
        "{}",
        String::from_utf8_lossy(&flush.stderr)
    );
    let reports = sim.offline_reports();
    assert_eq!(reports.len(), N, "every report arrived, each once");
    let mut numbers: Vec<String> = reports
        .iter()
        .map(|r| r["ticket_no"].as_str().unwrap_or_default().to_string())
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), N, "no ticket reported twice: {numbers:?}");
    let status = tokio::task::block_in_place(|| run(&["outbox", "status"]));
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("pending 0  dead 0"),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_checks_everything_and_fails_when_citizens_would_not_be_served() {
    use kiosk_drivers::idcard::sim::{builtin_identities, ReaderSimulator};
    use kiosk_drivers::printer::sim::PrinterSimulator;
    use kiosk_drivers::printer::{Paper, PaperWidth};
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let printer = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
    let reader = ReaderSimulator::spawn(builtin_identities()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(dir.path(), &sim.url());
    // The devices come from a drop-in, as a technician would add them.
    let drop_ins = dir.path().join("kiosk.toml.d");
    std::fs::create_dir(&drop_ins).unwrap();
    std::fs::write(
        drop_ins.join("60-devices.toml"),
        format!(
            "[devices.idcard]\nport = {:?}\n[devices.printer]\nport = {:?}\n",
            reader.path(),
            printer.path()
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut c = kiosk();
        c.args(args).arg("--config").arg(&config);
        c.output().unwrap()
    };
    assert!(tokio::task::block_in_place(|| run(&["backend", "sync"]))
        .status
        .success());
    let doctor = || {
        let out = tokio::task::block_in_place(|| run(&["doctor", "--json"]));
        let checks: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
        let verdict = |name: &str| {
            checks
                .iter()
                .find(|c| c["name"] == name)
                .map(|c| c["verdict"].as_str().unwrap().to_string())
                .unwrap_or_else(|| panic!("no check {name}: {checks:?}"))
        };
        (
            out.status.success(),
            verdict("config"),
            verdict("token"),
            verdict("database"),
            verdict("backend"),
            verdict("printer"),
            verdict("idcard"),
            verdict("cjk-font"),
        )
    };
    let (ok, config_v, token, db, backend, printer_v, idcard, font) = doctor();
    assert_eq!(
        (
            config_v.as_str(),
            token.as_str(),
            db.as_str(),
            backend.as_str()
        ),
        ("ok", "ok", "ok", "ok")
    );
    assert_eq!(
        (printer_v.as_str(), idcard.as_str(), font.as_str()),
        ("ok", "ok", "ok")
    );
    assert!(ok);

    printer.set_paper(Paper::Out);
    let (ok, .., printer_v, _, _) = doctor();
    assert_eq!(printer_v, "fail");
    assert!(!ok, "paper out stops citizens being served");

    let table = kiosk()
        .args(["doctor", "--config", "/nonexistent/kiosk.toml"])
        .output()
        .unwrap();
    assert_eq!(table.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&table.stdout).contains("FAIL  config"));
}

#[test]
fn staff_hash_pin_makes_a_hash_the_gate_accepts_and_refuses_a_bad_pin() {
    use std::io::Write;
    let run = |pin: &str| {
        let mut child = kiosk()
            .args(["staff", "hash-pin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(pin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run("246813\n");
    assert!(out.status.success());
    let hash = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(hash.starts_with("$argon2"), "{hash}");
    let mut gate =
        hall_kiosk::flows::staff::StaffGate::new(vec![hash], std::time::Duration::from_secs(60));
    assert!(gate.try_pin("246813", std::time::Instant::now()).is_ok());
    let bad = run("12ab\n");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("6 to 12 digits"));
    let short = run("2468\n");
    assert!(!short.status.success(), "four digits are too few");
}

#[test]
fn staff_code_is_accepted_by_a_kiosk_with_the_same_key_and_refused_with_another() {
    use kiosk_drivers::scanner::payload::{self, HmacVerifier, KioskCode, SchemeContext};
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("staff-qr.key");
    std::fs::write(
        &key,
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
    )
    .unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = kiosk()
        .args(["staff", "code", "--staff", "W0012", "--valid", "8h"])
        .arg("--hmac-key-file")
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let ctx = |hex: &str| SchemeContext {
        hall_id: "hezuo".into(),
        hall_hosts: vec![],
        verifier: Some(Box::new(HmacVerifier::from_hex(hex).unwrap())),
        staff_key: None,
    };
    match payload::parse(
        &code,
        &ctx("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
    ) {
        KioskCode::Staff {
            staff_id, expires, ..
        } => {
            assert_eq!(staff_id, "W0012");
            let left = expires - time::OffsetDateTime::now_utc();
            assert!(left > time::Duration::hours(7) && left <= time::Duration::hours(8));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        payload::parse(&code, &ctx("ffeeddccbbaa99887766554433221100")),
        KioskCode::BadSignature
    );
    let bad = kiosk()
        .args(["staff", "code", "--staff", "W 12"])
        .arg("--hmac-key-file")
        .arg(&key)
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

#[test]
fn display_touch_rule_follows_the_rotation_and_a_bad_rotation_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, format!("{DEMO}\n[display]\nrotation = 180\n")).unwrap();
    let out = kiosk()
        .args(["display", "touch-rule", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rule = String::from_utf8(out.stdout).unwrap();
    assert!(
        rule.contains(
            r#"ENV{ID_INPUT_TOUCHSCREEN}=="1", ENV{LIBINPUT_CALIBRATION_MATRIX}="-1 0 1 0 -1 1""#
        ),
        "{rule}"
    );
    std::fs::write(&path, format!("{DEMO}\n[display]\nrotation = 45\n")).unwrap();
    let out = kiosk()
        .args(["config", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("display.rotation: must be 0, 90, 180 or 270, not 45"),
        "{err}"
    );
}

/// A broken config is not a restart loop: `kiosk run` says what is wrong (file and line)
/// and, when it cannot even draw its fault page (no display here), exits 78 (EX_CONFIG),
/// which the unit's RestartPreventExitStatus keeps systemd from restarting.
#[test]
fn run_with_a_broken_config_exits_78_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "[kiosk]\nid = 7\n").unwrap();
    let out = kiosk()
        .args(["run", "--config"])
        .arg(&config)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("SLINT_BACKEND", "winit")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kiosk.toml") && err.contains('2'), "{err}");
    let unit_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/systemd/hall-kiosk.service"
    ))
    .unwrap();
    assert!(
        !unit_text.contains("/sys/devices/platform"),
        "only the backlight's own sysfs path is writable"
    );
    assert!(
        unit_text.contains("DeviceAllow=/dev/gpiochip4 rw"),
        "the Pi 5's GPIO chip"
    );
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/systemd/hall-kiosk.service"
    ))
    .unwrap();
    assert!(unit.contains("RestartPreventExitStatus=78"));
}
