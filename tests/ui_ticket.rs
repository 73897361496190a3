//! Taking a ticket and checking in, end to end: the real app on Slint's testing backend,
//! the built-in hall backend (hall-sim) on loopback, and the scanner simulator on a pty.

use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use hall_kiosk::app::{Kiosk, UiOptions};
use hall_kiosk::platform::config::{Config, EXAMPLE};
use hall_kiosk::runtime::Services;
use hall_kiosk::ui::{Checkin, Nav, TicketFlow};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use slint::platform::PointerEventButton;
use slint::ComponentHandle;

struct Rig {
    kiosk: Rc<Kiosk>,
    services: Services,
    _dir: tempfile::TempDir,
}

fn rig() -> Rig {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let config = Config::parse(EXAMPLE, Path::new("kiosk.toml")).unwrap();
    let mut services = Services::start(&config, Some(dir.path())).unwrap();
    let kiosk = Kiosk::new(UiOptions {
        opening_hours: hall_kiosk::platform::hours::OpeningHours::Always,
        // Within the categories' opening hours (08:30-17:30), whenever the test runs.
        fixed_clock: Some(time::macros::datetime!(2026-11-24 10:00 +08:00)),
        ..UiOptions::default()
    })
    .unwrap();
    kiosk
        .window()
        .window()
        .set_size(slint::PhysicalSize::new(1080, 1920));
    kiosk.window().show().unwrap();
    kiosk.set_catalog(&services.initial_catalog().unwrap());
    let events = std::mem::replace(&mut services.events, std::sync::mpsc::channel().1);
    kiosk.attach(Rc::new(services.desk.clone()), events);
    // Offline blocks come with the first sync; wait for them so every test starts alike.
    let start = Instant::now();
    while services.link.status().offline_left.is_empty()
        && start.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    Rig {
        kiosk,
        services,
        _dir: dir,
    }
}

fn tap(kiosk: &Kiosk, label: &str) {
    ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .unwrap_or_else(|| panic!("a button labelled {label:?}"))
        .mock_single_click(PointerEventButton::Left);
}

/// Pumps events from the device and backend tasks until `done` or 10 s.
fn wait_until(kiosk: &Rc<Kiosk>, what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        kiosk.pump();
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn screen(kiosk: &Kiosk) -> String {
    kiosk.window().global::<Nav>().get_screen().to_string()
}

#[test]
fn walk_in_ticket_online() {
    let r = rig();
    let k = &r.kiosk;
    tap(k, "取号");
    assert_eq!(screen(k), "ticket-categories");
    tap(k, "企业服务");
    assert_eq!(screen(k), "ticket-method");
    tap(k, "不刷卡，直接取号");
    wait_until(k, "the ticket", || screen(k) == "ticket-issued");
    let flow = k.window().global::<TicketFlow>();
    assert_eq!(flow.get_ticket_no(), "A001");
    assert!(!flow.get_offline());
    let hall = &r.services.demo.as_ref().unwrap().hall;
    let tickets = hall.tickets();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["source"], "walk_in");
    assert!(tickets[0]["priority"].is_null());
    wait_until(k, "the print result", || {
        flow.get_print_state() != "printing"
    });
}

#[test]
fn backend_down_gives_an_offline_ticket_marked_as_such() {
    let r = rig();
    let k = &r.kiosk;
    r.services
        .demo
        .as_ref()
        .unwrap()
        .hall
        .set_fault(hall_link::sim::Fault::Down);
    tap(k, "取号");
    tap(k, "社会事务");
    tap(k, "残疾人");
    tap(k, "不刷卡，直接取号");
    wait_until(k, "the offline ticket", || screen(k) == "ticket-issued");
    let flow = k.window().global::<TicketFlow>();
    assert!(flow.get_offline());
    assert!(
        flow.get_ticket_no().starts_with("B9"),
        "{}",
        flow.get_ticket_no()
    );
    assert_eq!(flow.get_priority(), "disabled");
    assert!(
        r.services.link.status().outbox.pending >= 1,
        "the report waits in the outbox"
    );
}

#[test]
fn appointment_qr_checks_in_and_a_used_code_is_explained() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "预约签到");
    assert_eq!(screen(k), "checkin");
    world.scanner.scan(b"hk:appt:v1:hezuo:AP0001").unwrap();
    wait_until(k, "the appointment ticket", || screen(k) == "ticket-issued");
    let flow = k.window().global::<TicketFlow>();
    assert!(flow.get_appointment_item().contains("不动产转移登记"));
    assert!(flow.get_ticket_no().starts_with('D'));
    assert_eq!(world.hall.checkins().len(), 1);

    tap(k, "返回首页");
    tap(k, "预约签到");
    world.scanner.scan(b"hk:appt:v1:hezuo:AP0002").unwrap();
    wait_until(k, "the used-code screen", || {
        screen(k) == "checkin-not-found"
    });
    assert_eq!(k.window().global::<Checkin>().get_state(), "used");
    // No dead end: an ordinary ticket is one tap away.
    tap(k, "取普通号");
    assert_eq!(screen(k), "ticket-categories");
}

#[test]
fn no_appointment_and_other_hall_codes() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "预约签到");
    world.scanner.scan(b"hk:appt:v1:lanzhou:AP7788").unwrap();
    wait_until(k, "the other-hall screen", || {
        screen(k) == "checkin-not-found"
    });
    assert_eq!(k.window().global::<Checkin>().get_state(), "other-hall");
    tap(k, "返回首页");
    tap(k, "预约签到");
    world.scanner.scan(b"hk:appt:v1:hezuo:NOSUCH").unwrap();
    wait_until(k, "the not-found screen", || {
        screen(k) == "checkin-not-found"
    });
    assert_eq!(k.window().global::<Checkin>().get_state(), "not-found");
}

#[test]
fn elderly_card_holder_gets_priority_and_elderly_mode() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "取号");
    tap(k, "企业服务");
    tap(k, "刷身份证取号");
    assert_eq!(screen(k), "ticket-card-wait");
    world.reader.present(0);
    wait_until(k, "the card ticket", || screen(k) == "ticket-issued");
    let flow = k.window().global::<TicketFlow>();
    assert_eq!(flow.get_priority(), "elderly");
    assert!(flow.get_priority_from_card());
    assert!(
        k.window().global::<hall_kiosk::ui::Theme>().get_elderly(),
        "elderly mode offered at once"
    );
    assert_eq!(
        flow.get_holder_name(),
        "李*英",
        "the name is masked on screen"
    );
    assert_eq!(flow.get_holder_id(), "110***********1542");
    let t = &world.hall.tickets()[0];
    assert_eq!(t["source"], "id_card");
    assert_eq!(t["priority"], "elderly");
    // Taking the card away wipes its data from the screen.
    world.reader.remove();
    wait_until(k, "the card data wiped", || {
        flow.get_holder_name().is_empty()
    });
}

#[test]
fn expired_card_is_explained_and_a_walk_in_ticket_still_works() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "取号");
    tap(k, "社会事务");
    tap(k, "刷身份证取号");
    world.reader.present(4);
    let flow = k.window().global::<TicketFlow>();
    wait_until(k, "the expiry notice", || {
        flow.get_card_problem() == "expired"
    });
    assert_eq!(screen(k), "ticket-card-wait");
    tap(k, "不刷卡，直接取号");
    wait_until(k, "the walk-in ticket", || screen(k) == "ticket-issued");
    assert!(
        flow.get_holder_name().is_empty(),
        "no card data on a walk-in ticket"
    );
}

#[test]
fn idle_timeout_mid_flow_returns_home_and_wipes_the_session() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "取号");
    tap(k, "企业服务");
    tap(k, "刷身份证取号");
    world.reader.present(4);
    let flow = k.window().global::<TicketFlow>();
    wait_until(k, "the card read", || !flow.get_card_problem().is_empty());
    for _ in 0..91 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(k), "home");
    assert!(flow.get_card_problem().is_empty());
    assert!(flow.get_category_code().is_empty() || flow.get_ticket_no().is_empty());
    assert!(!k.session_started());
}
