//! Paying a fee at the kiosk, end to end: the real app on Slint's testing backend, hall-sim
//! (the payment platform's side) on loopback, the scanner and printer simulators on ptys.

mod common;

use std::time::Duration;

use common::{rig, screen, shows, tap, wait_until};
use hall_kiosk::ui::{Pay, PayFailure, PrintState};
use i_slint_backend_testing::mock_elapsed_time;
use slint::ComponentHandle;

/// The guide of a matter with a fee (80 元), and its 缴费 button.
fn to_pay_method(r: &common::Rig) {
    let k = &r.kiosk;
    tap(k, "办事指南");
    k.guide().open("620000-040-QT-01");
    assert_eq!(screen(k), "guide-detail");
    tap(k, "缴费");
    assert_eq!(screen(k), "pay-method");
    assert!(shows(k, "80.00 元"));
}

/// Pumps events and moves the UI's clock on (the poll's backoff and the countdown are UI
/// timers) until `done`, or 15 s of real time.
fn wait_paying(k: &std::rc::Rc<hall_kiosk::app::Kiosk>, what: &str, done: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out waiting for {what}; on {}",
            screen(k)
        );
        k.pump();
        mock_elapsed_time(Duration::from_millis(100));
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Every order hall-sim made came from one Idempotency-Key, and each key made one.
fn one_order_per_key(r: &common::Rig) -> usize {
    let hall = &r.services.demo.as_ref().unwrap().hall;
    let per_key = hall.payment_orders_per_key();
    assert!(per_key.values().all(|n| *n == 1), "{per_key:?}");
    per_key.len()
}

#[test]
fn a_fee_paid_by_scanning_the_screens_qr_prints_a_receipt_with_the_einvoice() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    to_pay_method(&r);
    tap(k, "用手机扫码支付（微信、支付宝、云闪付）");
    let pay = k.window().global::<Pay>();
    wait_until(k, "the payment QR code", || {
        screen(k) == "pay-qr" && pay.get_qr().size().width > 0
    });
    assert!(pay.get_seconds_left() > 60, "a countdown");
    assert!(shows(k, "收款单位：自然资源局"));
    // hall-sim's wallet pays after two polls; the screen follows the backend.
    wait_paying(k, "paid", || screen(k) == "pay-done");
    wait_until(k, "the receipt", || {
        pay.get_print_state() == PrintState::Printed
    });
    let pages = world.printer.wait_pages(1, Duration::from_secs(5));
    let slip = pages[0].text();
    assert!(
        slip.contains("缴费凭证") && slip.contains("80.00 元"),
        "{slip}"
    );
    assert!(slip.contains(pay.get_payment_no().as_str()), "{slip}");
    let qr = pages[0].qr_payloads();
    assert!(qr.len() == 1 && qr[0].contains("einvoice"), "{qr:?}");
    assert_eq!(one_order_per_key(&r), 1);
    let orders = world.hall.payments();
    assert_eq!(orders[0]["amount_fen"], 8000);
    assert_eq!(orders[0]["status"], "paid");
}

#[test]
fn a_payment_code_under_the_scanner_pays_and_a_refused_one_offers_another_try() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    to_pay_method(&r);
    tap(k, "出示付款码支付");
    assert_eq!(screen(k), "pay-scan");
    // hall-sim's wallet refuses a code ending in 0000 (no funds).
    world.scanner.scan(b"134567890123450000").unwrap();
    wait_until(k, "the refusal", || screen(k) == "pay-failed");
    let pay = k.window().global::<Pay>();
    assert_eq!(pay.get_failure(), PayFailure::Declined);
    assert!(
        shows(
            k,
            "钱包拒绝了本次支付（余额或限额不足），没有扣款。您可以换一种方式再试。"
        ),
        "the citizen is told nothing was taken"
    );
    tap(k, "重试");
    assert_eq!(screen(k), "pay-method");
    tap(k, "出示付款码支付");
    world.scanner.scan(b"134567890123456789").unwrap();
    wait_paying(k, "paid", || screen(k) == "pay-done");
    assert_eq!(one_order_per_key(&r), 2, "one order per action");
    let paid: Vec<_> = world
        .hall
        .payments()
        .into_iter()
        .filter(|o| o["status"] == "paid")
        .collect();
    assert_eq!(paid.len(), 1);
}

#[test]
fn a_lost_answer_is_followed_to_the_same_order_never_a_second() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    to_pay_method(&r);
    // The order is made, and its answers lost on the way back, until the link recovers.
    world.hall.set_fault(hall_link::sim::Fault::LoseAnswers);
    tap(k, "用手机扫码支付（微信、支付宝、云闪付）");
    wait_paying(k, "the order at the backend", || {
        world.hall.payments().len() == 1
    });
    let pay = k.window().global::<Pay>();
    assert_eq!(
        pay.get_qr().size().width,
        0,
        "no QR code before the backend's answer"
    );
    world.hall.set_fault(hall_link::sim::Fault::None);
    // The kiosk asks again with the same key, gets the order's QR code, and it is paid.
    wait_paying(k, "paid", || screen(k) == "pay-done");
    assert_eq!(one_order_per_key(&r), 1);
    assert_eq!(world.hall.payments().len(), 1);
}

#[test]
fn cancel_cancels_the_order_and_a_payment_after_the_citizen_left_is_printed_for_staff() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    // The wallet does not pay by itself here.
    world.hall.pay_qr_after_polls(u32::MAX);
    to_pay_method(&r);
    tap(k, "用手机扫码支付（微信、支付宝、云闪付）");
    let pay = k.window().global::<Pay>();
    wait_until(k, "the payment QR code", || pay.get_qr().size().width > 0);
    tap(k, "取消支付");
    wait_until(k, "back at the choice", || screen(k) == "pay-method");
    assert!(shows(k, "未扣款，您可以重新选择。"));
    assert_eq!(world.hall.payment_cancels().len(), 1);
    // A second order; the citizen walks away before paying, then pays on the phone.
    tap(k, "用手机扫码支付（微信、支付宝、云闪付）");
    wait_until(k, "the payment QR code", || pay.get_qr().size().width > 0);
    tap(k, "返回首页");
    let open = world
        .hall
        .payments()
        .into_iter()
        .find(|o| o["status"] == "pending")
        .expect("the second order is pending");
    world.hall.pay(open["payment_no"].as_str().unwrap());
    // The kiosk's link follows the abandoned order, and its receipt goes out for staff.
    let pages = world.printer.wait_pages(1, Duration::from_secs(40));
    let slip = pages[0].text();
    assert!(
        slip.contains("缴费凭证") && slip.contains("工作人员代为保管"),
        "{slip}"
    );
    assert_eq!(one_order_per_key(&r), 2);
}

/// A kiosk restarted mid-payment (its services shut down, a new process's worth of them
/// started on the same data directory) follows the order it had made: the citizen pays on
/// the phone meanwhile, and the receipt comes out for staff. hall-sim and the printer run
/// outside the kiosk's services here, so they outlive the restart as a real backend and
/// printer would.
#[test]
fn a_restart_mid_payment_follows_the_same_order_and_prints_it_for_staff() {
    use std::os::unix::fs::PermissionsExt;

    use hall_kiosk::platform::config::{Config, DEMO};
    use hall_kiosk::services::{Services, World};
    use hall_link::sim::{HallSim, SimOptions};
    use kiosk_drivers::printer::sim::PrinterSimulator;
    use kiosk_drivers::printer::PaperWidth;

    i_slint_backend_testing::init_no_event_loop();
    let outside = tokio::runtime::Runtime::new().unwrap();
    let hall = outside
        .block_on(HallSim::spawn(SimOptions {
            hall_id: "hezuo".into(),
            ..SimOptions::default()
        }))
        .unwrap();
    // The wallet pays only when the test says.
    hall.pay_qr_after_polls(u32::MAX);
    let printer = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "demo-token\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut config = Config::parse(DEMO, std::path::Path::new("kiosk.toml")).unwrap();
    config.kiosk.data_dir = dir.path().join("data");
    config.backend.url = hall.url();
    config.backend.token_file = token;
    config.devices.idcard.port = "none".into();
    config.devices.scanner.port = "none".into();
    config.devices.printer.port = printer.path();
    config.devices.gpio.enabled = false;
    config.audio.output = format!("file:{}", dir.path().join("said.wav").display());
    let start = || {
        let mut services = Services::start(&config, World::Device).unwrap();
        let options = hall_kiosk::app::UiOptions {
            opening_hours: hall_kiosk::domain::hours::OpeningHours::Always,
            ..hall_kiosk::app::UiOptions::default()
        };
        let kiosk = hall_kiosk::app::start(options, &mut services).unwrap();
        kiosk.window().show().unwrap();
        (kiosk, services)
    };

    let (k, services) = start();
    let t0 = std::time::Instant::now();
    while k.guide().guides().item("620000-040-QT-01").is_none() {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "no catalog from hall-sim"
        );
        k.pump();
        std::thread::sleep(Duration::from_millis(20));
    }
    k.open(hall_kiosk::ui::Feature::Guide);
    k.guide().open("620000-040-QT-01");
    tap(&k, "缴费");
    tap(&k, "用手机扫码支付（微信、支付宝、云闪付）");
    let pay = k.window().global::<Pay>();
    wait_paying(&k, "the payment QR code", || pay.get_qr().size().width > 0);
    let order = hall.payments()[0].clone();
    // The kiosk goes down with the order open (the key was committed before the order was
    // asked for); the citizen pays meanwhile.
    drop(k);
    assert!(
        services.shutdown(),
        "the services stop within their deadline"
    );
    hall.pay(order["payment_no"].as_str().unwrap());

    let (k, services) = start();
    let pages = {
        let t0 = std::time::Instant::now();
        loop {
            k.pump();
            let pages = printer.pages();
            if !pages.is_empty() {
                break pages;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(40),
                "no receipt for staff"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let slip = pages[0].text();
    assert!(
        slip.contains("缴费凭证") && slip.contains("工作人员代为保管"),
        "{slip}"
    );
    assert!(
        slip.contains(order["payment_no"].as_str().unwrap()),
        "{slip}"
    );
    let per_key = hall.payment_orders_per_key();
    assert_eq!(
        per_key.len(),
        1,
        "no second order after the restart: {per_key:?}"
    );
    assert!(per_key.values().all(|n| *n == 1));
    drop(k);
    services.shutdown();
}
