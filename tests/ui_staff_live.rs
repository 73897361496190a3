//! Staff mode on a live kiosk (hall-sim on loopback, device simulators on ptys): signed
//! staff QR codes, device tests with the real reader and scanner, clearing a help call,
//! the audit trail at the backend, restart, and the tasks the watchdog waits on.

mod common;

use common::{rig, rig_with, screen, tap, wait_until};
use hall_kiosk::ui::{DeviceTestState, Feature, OutOfServiceReason, Staff};
use kiosk_drivers::scanner::payload::{HmacVerifier, TEST_KEY};
use slint::ComponentHandle;

/// The rig's fixed clock (2026-11-24 10:00 +08:00) in Unix seconds.
const NOW: i64 = 1_795_485_600;

fn staff_code(staff_id: &str, expires: i64) -> Vec<u8> {
    HmacVerifier::new(TEST_KEY)
        .signed(&format!("hk:staff:v1:{staff_id}:{expires}"))
        .into_bytes()
}

/// The kiosk's services started again on the rig's data, as after the watchdog's restart.
fn restarted(
    r: &common::Rig,
) -> (
    hall_kiosk::platform::config::Config,
    hall_kiosk::services::Services,
) {
    let config = hall_kiosk::platform::config::Config::parse(
        hall_kiosk::platform::config::DEMO,
        std::path::Path::new("kiosk.toml"),
    )
    .unwrap();
    let again = hall_kiosk::services::Services::start(
        &config,
        hall_kiosk::services::World::Demo(r.dir.path().to_path_buf()),
    )
    .unwrap();
    (config, again)
}

/// Staff W0012 show their code to the scanner.
fn sign_in(r: &common::Rig) {
    sign_in_as(r, "W0012");
}

/// Another person's code (the scanner drops the same code shown twice within a second).
fn sign_in_as(r: &common::Rig, staff_id: &str) {
    let world = r.services.demo.as_ref().unwrap();
    world
        .scanner
        .scan(&staff_code(staff_id, NOW + 3600))
        .unwrap();
    wait_until(&r.kiosk, "staff status", || {
        screen(&r.kiosk) == "staff-status"
    });
}

/// A kiosk holding only the staff office's public key: a code signed by the private key
/// opens staff mode once; the same code again, a tampered one, one valid too long and one
/// signed by another key open nothing, and each refusal is in the audit trail.
#[test]
fn a_single_use_staff_code_opens_once_and_copies_do_not() {
    use hall_kiosk::services::staff_key::StaffCodeSigner;
    let office = StaffCodeSigner::generate();
    let public = office.public_hex();
    let r = common::rig_configured(move |c| c.staff.code_public_key = Some(public), |_| {});
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    let hall = world.hall.clone();
    // The services judge lifetime and keep nonces by the true time; the screen's clock is
    // the rig's fixed one, which is earlier.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let code = office.code("W0021", now + 3600);
    world.scanner.scan(code.as_bytes()).unwrap();
    wait_until(k, "staff status", || screen(k) == "staff-status");
    tap(k, "退出工作人员模式");
    assert_eq!(screen(k), "home");

    let refused = |what: &str| {
        hall.staff_actions()
            .iter()
            .filter(|a| a["action"] == what)
            .count()
    };
    // The scanner drops a code shown twice in a row: another code comes between.
    world.scanner.scan(b"hk:appt:v1:hezuo:AP0001").unwrap();
    common::pump_for(k, std::time::Duration::from_millis(300));
    k.go_home();
    world.scanner.scan(code.as_bytes()).unwrap();
    wait_until(k, "the replay in the audit trail", || {
        refused("replayed staff code refused") == 1
    });
    world
        .scanner
        .scan(office.code("W0021", now + 20 * 3600).as_bytes())
        .unwrap();
    wait_until(k, "the over-long code in the audit trail", || {
        refused("staff code valid too long refused") == 1
    });
    let other = StaffCodeSigner::generate().code("W0021", now + 3600);
    let mut tampered = office.code("W0022", now + 3600).into_bytes();
    let at = "hk:staff:v2:W002".len();
    tampered[at] = b'9';
    world.scanner.scan(other.as_bytes()).unwrap();
    world.scanner.scan(&tampered).unwrap();
    common::pump_for(k, std::time::Duration::from_millis(600));
    assert_eq!(screen(k), "home", "nothing opened staff mode again");
    assert!(!k.staff().signed_in());
    let signed_in = hall
        .staff_actions()
        .iter()
        .filter(|a| a["action"] == "signed in with staff code")
        .count();
    assert_eq!(signed_in, 1, "{:?}", hall.staff_actions());
}

#[test]
fn a_signed_staff_code_signs_in_and_forged_or_expired_ones_do_not() {
    assert_eq!(
        time::macros::datetime!(2026-11-24 10:00 +08:00).unix_timestamp(),
        NOW
    );
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();

    let mut forged = staff_code("W0012", NOW + 3600);
    let last = forged.len() - 1;
    forged[last] = if forged[last] == b'0' { b'1' } else { b'0' };
    world.scanner.scan(&forged).unwrap();
    world.scanner.scan(&staff_code("W0012", NOW - 60)).unwrap();
    common::pump_for(k, std::time::Duration::from_millis(600));
    assert_eq!(screen(k), "home", "a forged or expired code opens nothing");
    assert!(!k.staff().signed_in());

    sign_in(&r);
    assert!(k.staff().signed_in());
    // The audit trail reaches the backend, naming the person from the code.
    let hall = world.hall.clone();
    wait_until(k, "the audit entry at the backend", || {
        hall.staff_actions()
            .iter()
            .any(|a| a["staff"] == "W0012" && a["action"] == "signed in with staff code")
    });
    let refused = hall
        .staff_actions()
        .iter()
        .filter(|a| a["action"] == "expired staff code refused")
        .count();
    assert_eq!(refused, 1, "{:?}", hall.staff_actions());
    assert_eq!(screen(k), "staff-status");
    tap(k, "退出工作人员模式");
    wait_until(k, "leaving staff mode in the audit", || {
        hall.staff_actions()
            .iter()
            .any(|a| a["staff"] == "W0012" && a["action"] == "left staff mode")
    });
    assert_eq!(screen(k), "home");
}

#[test]
fn staff_test_the_reader_and_the_scanner_and_no_citizen_flow_sees_it() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    sign_in(&r);
    let staff = k.window().global::<Staff>();

    tap(k, "测试读卡");
    assert_eq!(screen(k), "staff-test");
    assert_eq!(staff.get_test_state(), DeviceTestState::Waiting);
    world.reader.present(0);
    wait_until(k, "the test read", || {
        staff.get_test_state() != DeviceTestState::Waiting
    });
    assert_eq!(staff.get_test_state(), DeviceTestState::Ok);
    let result = staff.get_test_result().to_string();
    assert!(result.contains("***********"), "ID masked: {result}");
    assert!(
        result.chars().filter(char::is_ascii_digit).count() <= 7,
        "no whole ID number: {result}"
    );
    assert_eq!(
        screen(k),
        "staff-test",
        "the read went to the test, not a flow"
    );
    world.reader.remove();

    tap(k, "返回上一步");
    tap(k, "测试扫码");
    assert_eq!(staff.get_test_state(), DeviceTestState::Waiting);
    world
        .scanner
        .scan(b"https://hall.example.gov.cn/track/t/20261124/A017")
        .unwrap();
    wait_until(k, "the test scan", || {
        staff.get_test_state() != DeviceTestState::Waiting
    });
    assert_eq!(
        (staff.get_test_state(), staff.get_test_result().as_str()),
        (DeviceTestState::Ok, "ticket")
    );
    assert_eq!(screen(k), "staff-test");
}

#[test]
fn staff_clear_a_help_call_at_the_kiosk_and_the_lamp_and_backend_follow() {
    use kiosk_drivers::gpio::Output;
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    k.open(Feature::Help);
    let hall = world.hall.clone();
    wait_until(k, "the help request at the backend", || {
        hall.help_requests().iter().any(|(_, open)| *open)
    });
    assert!(world.gpio.is_on(Output::HelpLamp));

    // Staff arrive and sign in with their code; the status screen names the open call.
    sign_in(&r);
    let staff = k.window().global::<Staff>();
    assert!(staff.get_help_open());
    let rows: Vec<String> = slint::Model::iter(&staff.get_status())
        .map(|r| r.name.to_string())
        .collect();
    assert!(rows.contains(&"help".to_string()), "{rows:?}");

    tap(k, "结束帮办呼叫");
    wait_until(k, "the call closed at the backend", || {
        hall.help_requests().iter().all(|(_, open)| !*open)
    });
    assert!(!world.gpio.is_on(Output::HelpLamp));
    assert!(!staff.get_help_open());
    assert_eq!(screen(k), "staff-status", "staff stay in staff mode");
}

#[test]
fn restart_asks_for_a_second_tap_and_the_watchdog_waits_on_every_task() {
    let r = rig();
    let k = &r.kiosk;
    sign_in(&r);
    tap(k, "重启本机");
    assert!(!k.restart_requested(), "one tap only asks");
    tap(k, "测试打印");
    tap(k, "重启本机");
    assert!(
        !k.restart_requested(),
        "the question lapsed when staff did something else"
    );
    tap(k, "再点一次即重启");
    assert!(k.restart_requested());

    let names = r.services.liveness.names();
    for task in [
        "outbox delivery",
        "scanner",
        "card watch",
        "printer status",
        "monitor",
    ] {
        assert!(names.contains(&task), "{task} watched: {names:?}");
    }
    wait_until(k, "the delivery actor's first round", || {
        r.services.link.actor_age().is_some()
    });
    // The clock is compared with the backend's on every answer (its Date header).
    let skew = r.services.link.status().clock_skew_s;
    assert!(skew.is_some_and(|s| s.abs() <= 2), "{skew:?}");
    assert!(
        r.services.liveness.stale().is_empty(),
        "{:?}",
        r.services.liveness.stale()
    );
}

#[test]
fn the_presence_sensor_wakes_a_screen_resting_after_hours() {
    use kiosk_drivers::gpio::Input;
    let r = rig_with(|o| {
        o.opening_hours =
            hall_kiosk::domain::hours::OpeningHours::parse("mon-fri 08:30-17:30").unwrap();
        o.fixed_clock = Some(time::macros::datetime!(2026-11-24 21:00 +08:00));
    });
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    let shell = k.window().global::<hall_kiosk::ui::Shell>();
    for _ in 0..125 {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_secs(1));
    }
    assert!(shell.get_resting(), "after hours, 120 s untouched on home");
    world.gpio.set_input(Input::Presence, true);
    wait_until(k, "the screen to wake", || !shell.get_resting());
    assert_eq!(screen(k), "home");
}

#[test]
fn out_of_service_with_a_reason_outlives_a_restart_until_staff_put_it_back() {
    let r = rig();
    let k = &r.kiosk;
    sign_in(&r);
    tap(k, "打印机故障");
    tap(k, "退出工作人员模式");
    assert_eq!(screen(k), "out-of-service");
    let shell = k.window().global::<hall_kiosk::ui::Shell>();
    assert_eq!(
        shell.get_out_of_service_reason(),
        OutOfServiceReason::Printer
    );
    assert!(common::shows(k, "凭条打印机需要处理。"));
    assert_eq!(
        r.services.health.out_of_service().as_deref(),
        Some("printer")
    );

    // A kiosk started again on the same data (the watchdog's restart) is still out of service.
    let (_, again) = restarted(&r);
    assert_eq!(again.health.out_of_service().as_deref(), Some("printer"));
    again.shutdown();

    sign_in_as(&r, "W0013");
    tap(k, "恢复服务");
    assert_eq!(r.services.health.out_of_service(), None);
    assert!(!r.dir.path().join("out-of-service").exists());
    tap(k, "退出工作人员模式");
    assert_eq!(screen(k), "home");
}

/// Runs of three or more Latin letters in every text the window shows or reads out.
fn english_words(k: &hall_kiosk::app::Kiosk) -> Vec<String> {
    use i_slint_backend_testing::ElementQuery;
    let mut words = Vec::new();
    for e in ElementQuery::from_root(k.window()).find_all() {
        let Some(label) = e.accessible_label() else {
            continue;
        };
        // An entry's key is hex for hall IT ("…-84c3-…"), not words.
        if uuid::Uuid::parse_str(&label).is_ok() {
            continue;
        }
        let mut run = String::new();
        for c in label.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_alphabetic() {
                run.push(c);
            } else {
                if run.len() >= 3 {
                    words.push(format!("{run} (in {label:?})"));
                }
                run.clear();
            }
        }
    }
    words
}

/// A Chinese kiosk's staff read Chinese: the status screen of a live kiosk (every device,
/// the backend, offline numbers, a dead letter), the dead letters and the device test show
/// no English word, and no citizen language switch.
#[test]
fn staff_screens_of_a_chinese_kiosk_have_no_english_words() {
    let r = rig();
    let k = &r.kiosk;
    let link = r.services.link.clone();
    r.services
        .block_on(async move {
            link.post_or_queue("rating", "/no-such-endpoint", serde_json::json!({"n": 1}))
                .await
        })
        .unwrap();
    sign_in(&r);
    assert_eq!(screen(k), "staff-status");
    assert!(!common::shows(k, "English"), "no language switch for staff");
    let words = english_words(k);
    assert!(words.is_empty(), "status screen: {words:#?}");
    tap(k, "测试打印");
    common::pump_for(k, std::time::Duration::from_millis(200));
    let words = english_words(k);
    assert!(words.is_empty(), "after a test print: {words:#?}");

    tap(k, "发送失败条目");
    wait_until(k, "dead letters", || screen(k) == "staff-outbox");
    assert!(common::shows(k, "评价"), "the dead rating, by its kind");
    let words = english_words(k);
    assert!(words.is_empty(), "dead letters: {words:#?}");

    tap(k, "返回上一步");
    tap(k, "测试扫码");
    let world = r.services.demo.as_ref().unwrap();
    world.scanner.scan(b"hk:appt:v1:hezuo:AP0001").unwrap();
    let staff = k.window().global::<Staff>();
    wait_until(k, "the scan test's result", || {
        staff.get_test_state() == DeviceTestState::Ok
    });
    assert!(
        common::shows(k, "正常：预约码"),
        "the code's kind, in words"
    );
    let words = english_words(k);
    assert!(words.is_empty(), "device test: {words:#?}");
}

/// Five wrong PINs lock staff mode, and the lock is kept in the store: a kiosk started
/// again on the same data (the watchdog's restart, a pulled plug) is still locked.
#[test]
fn a_pin_lockout_outlives_a_restart() {
    let r = rig();
    let k = &r.kiosk;
    k.open(Feature::Staff);
    let staff = k.window().global::<Staff>();
    for _ in 0..5 {
        for d in "111111".chars() {
            staff.invoke_digit(d.to_string().into());
        }
        staff.invoke_submit();
    }
    assert_eq!(staff.get_message(), hall_kiosk::ui::PinMessage::Locked);

    let (config, again) = restarted(&r);
    use hall_kiosk::domain::StaffActions;
    let kept = again
        .staff()
        .load_gate()
        .expect("the gate's state was kept");
    assert_eq!(kept.lockouts, 1);
    let now = hall_link::clock::now_ms();
    assert!(
        kept.locked_until_ms
            .is_some_and(|u| u > now + 200_000 && u <= now + 300_000),
        "about five minutes left: {kept:?}"
    );
    // The restarted kiosk's gate takes it up: the right PIN does not open it.
    let mut gate = hall_kiosk::flows::staff::StaffGate::new(
        config.staff.pin_hashes.clone(),
        std::time::Duration::from_secs(config.staff.lockout_s),
    );
    gate.restore(kept, std::time::Instant::now(), now);
    assert!(gate.is_locked(std::time::Instant::now()));
    again.shutdown();
}

/// Provisioning ignored an unsigned file on this provisioned kiosk: staff see it.
#[test]
fn an_ignored_provisioning_file_is_shown_to_staff() {
    use hall_kiosk::domain::StaffActions;
    let r = rig();
    let line = |name: &str| {
        r.services
            .staff()
            .status()
            .into_iter()
            .find(|l| l.name == name)
    };
    assert!(line("provisioning").is_none());
    std::fs::write(
        r.dir
            .path()
            .join(hall_kiosk::health::staff_desk::PROVISION_REFUSED),
        "2026-12-02T08:00:00Z an unsigned provisioning file was ignored\n",
    )
    .unwrap();
    let l = line("provisioning").expect("a provisioning line");
    assert_eq!(l.level, hall_kiosk::domain::Level::Warn);
    assert_eq!(l.phrases[0].code, "provision-refused");
    assert_eq!(l.phrases[0].a, "2026-12-02T08:00:00Z");
}

/// What the update timer found reaches the staff screen: the running version and slot, the
/// other slot, and an update waiting for closing time; one that failed here is a warning.
#[test]
fn the_software_line_shows_both_slots_and_an_update_waiting_for_closing_time() {
    use hall_kiosk::domain::{Level, StaffActions};
    use hall_kiosk::platform::update::{Step, UpdateState};
    let r = rig();
    let line = || {
        r.services
            .staff()
            .status()
            .into_iter()
            .find(|l| l.name == "software")
            .expect("a software line")
    };
    // No updater has run (a development machine): this program's version.
    let l = line();
    assert_eq!(l.phrases.len(), 1);
    assert_eq!(
        (l.phrases[0].code, l.phrases[0].a.as_str()),
        ("version", env!("CARGO_PKG_VERSION"))
    );
    let mut state = UpdateState {
        at: "2026-12-03T10:00:00+08:00".into(),
        running_slot: "A".into(),
        running_version: "0.1.0".into(),
        other_slot: Some("B".into()),
        other_version: Some("0.0.9".into()),
        other_good: true,
        offered: Some("0.2.0".into()),
        step: Step::Waiting,
        wait: Some("opening-hours".into()),
        window: "02:00-05:00".into(),
        error: None,
        trial_slot: None,
    };
    state.write(r.dir.path()).unwrap();
    let l = line();
    let words: Vec<(&str, &str, &str)> = l
        .phrases
        .iter()
        .map(|p| (p.code, p.a.as_str(), p.b.as_str()))
        .collect();
    assert_eq!(
        words,
        [
            ("version-slot", "0.1.0", "A"),
            ("other-slot", "B", "0.0.9"),
            ("update-waits-closing", "0.2.0", "02:00-05:00"),
        ]
    );
    assert_eq!(l.level, Level::Ok);
    state.step = Step::FailedBefore;
    state.other_version = Some("0.2.0".into());
    state.other_good = false;
    state.write(r.dir.path()).unwrap();
    let l = line();
    assert_eq!(l.level, Level::Warn);
    assert_eq!(l.phrases[1].code, "other-slot-bad");
    assert_eq!(l.phrases[2].code, "update-failed-before");
}
