//! Taking a ticket and checking in, end to end: the real app on Slint's testing backend,
//! the built-in hall backend (hall-sim) on loopback, and the scanner simulator on a pty.

mod common;

use std::time::Duration;

use common::{rig, screen, tap, wait_until};
use hall_kiosk::ui::{CardProblem, Checkin, CheckinState, PrintState, TicketFlow, TicketPriority};
use slint::ComponentHandle;

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
        flow.get_print_state() != PrintState::Printing
    });
    assert_eq!(flow.get_print_state(), PrintState::Printed);
    // The ticket came out of the simulated printer, through the pty, as ESC/POS.
    let pages = r
        .services
        .demo
        .as_ref()
        .unwrap()
        .printer
        .wait_pages(1, Duration::from_secs(5));
    assert_eq!(pages.len(), 1);
    let number = pages[0].line_with("A001").expect("the number is printed");
    assert_eq!(number.size(), (4, 4));
    assert!(pages[0].text().contains("企业服务"));
    assert_eq!(
        pages[0].qr_payloads(),
        vec![tickets[0]["track_url"].as_str().unwrap().to_string()],
        "the QR code follows the queue"
    );
}

#[test]
fn paper_out_shows_the_ticket_on_screen_and_never_prints_it_later() {
    let r = rig();
    let k = &r.kiosk;
    let printer = r.services.demo.as_ref().unwrap().printer.clone();
    printer.set_paper(kiosk_drivers::printer::Paper::Out);
    tap(k, "取号");
    tap(k, "企业服务");
    tap(k, "不刷卡，直接取号");
    wait_until(k, "the ticket", || screen(k) == "ticket-issued");
    let flow = k.window().global::<TicketFlow>();
    wait_until(k, "the print result", || {
        flow.get_print_state() != PrintState::Printing
    });
    assert_eq!(flow.get_print_state(), PrintState::PaperOut);
    assert!(
        flow.get_qr().size().width > 0,
        "the ticket's QR code is on screen"
    );
    // The ticket is the citizen's, on screen: it must not come out for the next person.
    printer.set_paper(kiosk_drivers::printer::Paper::Ok);
    // The next citizen's ticket is the first page out: a ghost would have come before it.
    tap(k, "返回首页");
    tap(k, "取号");
    tap(k, "企业服务");
    tap(k, "不刷卡，直接取号");
    wait_until(k, "the next ticket", || screen(k) == "ticket-issued");
    wait_until(k, "its print", || {
        flow.get_print_state() == PrintState::Printed
    });
    let pages = printer.wait_pages(1, Duration::from_secs(5));
    assert_eq!(pages.len(), 1, "no ghost ticket");
    assert!(
        pages[0].text().contains(flow.get_ticket_no().as_str()),
        "the page is the next ticket: {}",
        pages[0].text()
    );
}

#[test]
fn the_material_checklist_prints() {
    let r = rig();
    let k = &r.kiosk;
    tap(k, "办事指南");
    tap(k, "企业设立登记");
    assert_eq!(screen(k), "guide-detail");
    tap(k, "打印材料清单");
    let guide = k.window().global::<hall_kiosk::ui::Guide>();
    wait_until(k, "the checklist print", || {
        guide.get_print_state() != PrintState::Printing
    });
    assert_eq!(guide.get_print_state(), PrintState::Printed);
    let pages = r
        .services
        .demo
        .as_ref()
        .unwrap()
        .printer
        .wait_pages(1, Duration::from_secs(5));
    let text = pages[0].text();
    assert!(text.contains("材料清单"), "{text}");
    assert!(text.contains("企业设立登记"), "{text}");
    assert!(text.contains("1. "), "materials are numbered: {text}");
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
    assert_eq!(flow.get_priority(), TicketPriority::Disabled);
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
    assert_eq!(
        k.window().global::<Checkin>().get_state(),
        CheckinState::Used
    );
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
    assert_eq!(
        k.window().global::<Checkin>().get_state(),
        CheckinState::OtherHall
    );
    tap(k, "返回首页");
    tap(k, "预约签到");
    world.scanner.scan(b"hk:appt:v1:hezuo:NOSUCH").unwrap();
    wait_until(k, "the not-found screen", || {
        screen(k) == "checkin-not-found"
    });
    assert_eq!(
        k.window().global::<Checkin>().get_state(),
        CheckinState::NotFound
    );
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
    assert_eq!(flow.get_priority(), TicketPriority::Elderly);
    assert!(flow.get_priority_from_card());
    // 长辈模式 is offered, one tap away, not imposed.
    let theme = k.window().global::<hall_kiosk::ui::Theme>();
    assert!(!theme.get_elderly(), "not switched on without asking");
    let offer = "字大、选项少：点此切换到长辈模式";
    assert!(common::shows(k, offer), "offered at once");
    tap(k, offer);
    assert!(theme.get_elderly());
    assert!(!common::shows(k, offer), "the offer goes once taken");
    assert_eq!(
        flow.get_holder_name(),
        "李*英",
        "the name is masked on screen"
    );
    assert_eq!(flow.get_holder_id(), "110***********1542");
    let t = &world.hall.tickets()[0];
    assert_eq!(t["source"], "id_card");
    assert_eq!(t["priority"], "elderly");
    // The slip names the priority the screen showed, and nothing of the card holder.
    let pages = world.printer.wait_pages(1, Duration::from_secs(5));
    let slip = pages[0].text();
    assert!(slip.contains("【老年人优先】"), "{slip}");
    assert!(!slip.contains("李秀英"), "{slip}");
    assert!(!slip.contains("110101195003071542"), "{slip}");
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
        flow.get_card_problem() == CardProblem::Expired
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
    wait_until(k, "the card read", || {
        flow.get_card_problem() != CardProblem::None
    });
    for _ in 0..91 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(k), "home");
    assert_eq!(flow.get_card_problem(), CardProblem::None);
    assert!(flow.get_category_code().is_empty() || flow.get_ticket_no().is_empty());
    assert!(!k.session_started());
}

#[test]
fn staff_see_the_printer_and_can_test_it() {
    use hall_kiosk::domain::{Level, Phrase, StaffActions};
    let r = rig();
    let staff = r.services.staff();
    let printer = r.services.demo.as_ref().unwrap().printer.clone();
    assert_eq!(staff.act("test-print"), Phrase::new("test-page-printed"));
    let pages = printer.wait_pages(1, Duration::from_secs(5));
    assert!(pages[0].text().contains("打印测试"));
    let line = |lines: Vec<hall_kiosk::domain::StatusLine>| {
        lines.into_iter().find(|l| l.name == "printer").unwrap()
    };
    assert_eq!(line(staff.status()).level, Level::Ok);

    printer.set_paper(kiosk_drivers::printer::Paper::NearEnd);
    assert_eq!(
        staff.act("paper-replaced"),
        Phrase::with("printer-now", "paper-near-end")
    );
    assert_eq!(line(staff.status()).level, Level::Warn);
    printer.set_paper(kiosk_drivers::printer::Paper::Out);
    assert_eq!(staff.act("test-print"), Phrase::new("not-printed"));
    let out = line(staff.status());
    assert_eq!(out.level, Level::Fault);
    assert_eq!(out.phrases[0].code, "paper-out", "the line says why");
    assert_eq!(
        printer.pages().len(),
        1,
        "nothing printed while out of paper"
    );
    printer.set_paper(kiosk_drivers::printer::Paper::Ok);
    assert_eq!(
        staff.act("paper-replaced"),
        Phrase::with("printer-now", "ready")
    );
    assert_eq!(staff.act("reprint"), Phrase::new("nothing-to-reprint"));
    let backend = line_named(staff.status(), "backend");
    let codes: Vec<&str> = backend.phrases.iter().map(|p| p.code).collect();
    assert!(
        codes.contains(&"catalog") && codes.contains(&"catalog-confirmed"),
        "staff see the catalog's age: {codes:?}"
    );
    let names: Vec<String> = staff.status().into_iter().map(|l| l.name).collect();
    assert_eq!(
        names,
        [
            "printer",
            "idcard",
            "scanner",
            "backend",
            "outbox",
            "software",
            "offline-numbers"
        ]
    );
}

#[test]
fn the_status_lamp_and_heartbeat_follow_the_kiosk_and_the_help_button_calls_staff() {
    use hall_kiosk::domain::StaffActions;
    use hall_kiosk::health::assess::Lamp;
    use kiosk_drivers::gpio::Output;
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    let staff = r.services.staff();
    let monitor = r.services.monitor();
    staff.act("paper-replaced");
    let a = r.services.block_on(monitor.tick());
    assert_eq!(a.lamp, Lamp::Green, "{:?}", a.alerts);
    assert!(world.gpio.is_on(Output::LampGreen));
    assert!(!world.gpio.is_on(Output::LampRed));

    world.printer.set_paper(kiosk_drivers::printer::Paper::Out);
    staff.act("paper-replaced");
    let a = r.services.block_on(monitor.tick());
    assert_eq!(a.lamp, Lamp::Red);
    assert!(world.gpio.is_on(Output::LampRed));
    assert!(!world.gpio.is_on(Output::LampGreen));
    // The change went out in a heartbeat at once.
    let beats = world.hall.heartbeats();
    let last = beats.last().expect("a heartbeat");
    assert_eq!(last["devices"]["printer"], "paper_out");
    assert_eq!(last["devices"]["alerts"][0], "paper_out");

    world.printer.set_paper(kiosk_drivers::printer::Paper::Ok);
    staff.act("paper-replaced");
    assert_eq!(r.services.block_on(monitor.tick()).lamp, Lamp::Green);

    // The physical help button calls staff from any screen.
    world.gpio.press_help();
    wait_until(k, "the help call", || screen(k) == "help-called");
    assert!(world.gpio.is_on(Output::HelpLamp));
}

#[test]
fn metrics_count_a_ticket_and_its_print_and_are_served_as_openmetrics_text() {
    use std::io::{Read, Write};
    let r = rig();
    let k = &r.kiosk;
    tap(k, "取号");
    tap(k, "企业服务");
    tap(k, "不刷卡，直接取号");
    wait_until(k, "the ticket", || screen(k) == "ticket-issued");
    let flow = k.window().global::<TicketFlow>();
    wait_until(k, "the print", || {
        flow.get_print_state() != PrintState::Printing
    });
    let text = r.services.metrics.encode();
    assert!(
        text.contains("hall_kiosk_tickets_total{mode=\"online\"} 1"),
        "{text}"
    );
    assert!(text.contains("hall_kiosk_prints_total{kind=\"ticket\",outcome=\"printed\"} 1"));
    assert!(text.contains("hall_kiosk_ticket_seconds_count 1"));
    // Every request to the backend is timed for hall IT, labelled by whether it got an answer.
    assert!(
        text.contains("hall_kiosk_backend_request_seconds_count{result=\"answered\"}"),
        "{text}"
    );
    assert!(text.contains("hall_kiosk_outbox_oldest_seconds 0"));
    assert!(
        text.ends_with("# EOF\n"),
        "OpenMetrics text ends with # EOF"
    );

    // The same over HTTP on a loopback port.
    let listener = r
        .services
        .block_on(hall_kiosk::health::metrics::bind(
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    r.services.tasks().spawn(hall_kiosk::health::metrics::serve(
        listener,
        r.services.metrics.clone(),
        r.services.tasks().stop_signal(),
    ));
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: kiosk\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("hall_kiosk_tickets_total{mode=\"online\"} 1"));
}

#[test]
fn staff_retry_or_discard_a_dead_letter_and_discarded_ones_are_kept_for_audit() {
    use hall_kiosk::domain::{Phrase, StaffActions};
    let r = rig();
    let staff = r.services.staff();
    let link = r.services.link.clone();
    // Something the backend refuses for good (no such endpoint): a dead letter.
    let posted = r
        .services
        .block_on(async move {
            link.post_or_queue("test", "/no-such-endpoint", serde_json::json!({"n": 1}))
                .await
        })
        .unwrap();
    assert!(matches!(
        posted,
        hall_link::Posted::Refused { status: 404, .. }
    ));
    let dead = staff.dead_letters();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].2, Phrase::with("refused-by-hall", 404), "{dead:?}");
    assert_eq!(r.services.link.status().outbox.dead, 1);

    let key = dead[0].0.clone();
    assert_eq!(staff.dead_letter(&key, "discard"), Phrase::new("discarded"));
    assert!(staff.dead_letters().is_empty());
    assert_eq!(r.services.link.status().outbox.dead, 0);
    assert_eq!(
        staff.dead_letter(&key, "retry"),
        Phrase::new("already-handled")
    );
    drop(staff);
    let db = rusqlite::Connection::open(r.dir.path().join("kiosk.db")).unwrap();
    let state: String = db
        .query_row("SELECT state FROM outbox WHERE key = ?1", [&key], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(state, "discarded", "kept for audit, never sent");
}

fn line_named(
    lines: Vec<hall_kiosk::domain::StatusLine>,
    name: &str,
) -> hall_kiosk::domain::StatusLine {
    lines.into_iter().find(|l| l.name == name).unwrap()
}

/// In English the queue categories carry the catalog's English names, with the Chinese
/// beneath for the window staff; in Chinese only the Chinese.
#[test]
fn categories_are_shown_by_their_english_names_in_english() {
    let r = rig();
    let k = &r.kiosk;
    tap(k, "取号");
    assert!(common::shows(k, "企业服务"));
    assert!(!common::shows(k, "Business services"));
    k.set_locale(hall_kiosk::platform::config::Locale::En);
    assert!(
        common::shows(k, "Business services"),
        "the catalog's name_en"
    );
    assert!(
        common::shows(k, "企业服务"),
        "the Chinese beneath, for the window staff"
    );
    tap(k, "Business services");
    assert_eq!(screen(k), "ticket-method");
    tap(k, "Take a ticket without a card");
    wait_until(k, "the ticket", || screen(k) == "ticket-issued");
    assert!(
        common::shows(k, "Business services"),
        "the ticket screen names the category in English too"
    );
}

/// In Tibetan the categories carry the catalog's Tibetan names, and the ticket taken comes
/// out in both scripts: the Chinese in the printer's own text mode for the window staff,
/// the Tibetan as pictures (a receipt printer has no Tibetan font).
#[test]
fn a_ticket_taken_in_tibetan_prints_in_both_scripts() {
    use kiosk_drivers::printer::document::Block;
    let r = rig();
    let k = &r.kiosk;
    k.set_locale(hall_kiosk::platform::config::Locale::Bo);
    tap(k, "ཨང་ཤོག་ལེན");
    let tibetan = "ཁེ་ལས་ཞབས་ཞུ།";
    assert!(common::shows(k, tibetan), "the catalog's name_bo");
    assert!(common::shows(k, "企业服务"), "the Chinese beneath");
    tap(k, tibetan);
    assert_eq!(screen(k), "ticket-method");
    tap(k, "ལག་ཁྱེར་མེད་པར་ཨང་ཤོག་ལེན།");
    wait_until(k, "the ticket", || screen(k) == "ticket-issued");
    let pages = r
        .services
        .demo
        .as_ref()
        .unwrap()
        .printer
        .wait_pages(1, Duration::from_secs(5));
    let page = &pages[0];
    assert!(page.text().contains("企业服务"), "{}", page.text());
    assert!(page.line_with("A001").is_some(), "the number in text mode");
    let pictures = page
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Image { .. }))
        .count();
    // Hall, category, and the people-ahead, wait, window and instruction lines; the
    // slip's size on the wire is checked in the driver's tests (under 8 KB at 80 mm).
    assert!(pictures >= 4, "Tibetan lines drawn: {pictures}");
}

#[test]
fn a_second_ticket_by_the_same_card_gets_the_open_number_back_and_a_reprint() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    let take_by_card = || {
        tap(k, "取号");
        tap(k, "社会事务");
        tap(k, "刷身份证取号");
        world.reader.present(1);
    };
    take_by_card();
    wait_until(k, "the first ticket", || screen(k) == "ticket-issued");
    let flow = k.window().global::<TicketFlow>();
    let first = flow.get_ticket_no().to_string();
    world.printer.wait_pages(1, Duration::from_secs(5));
    world.reader.remove();
    wait_until(k, "the card seen leaving", || !k.card_present());
    k.go_home();
    take_by_card();
    wait_until(k, "the one-ticket notice", || screen(k) == "ticket-failed");
    assert!(common::shows(k, "您已取过本项业务的号票"));
    assert_eq!(
        flow.get_ticket_no().as_str(),
        first,
        "the open number is shown"
    );
    assert_eq!(
        world.hall.tickets().len(),
        1,
        "no second ticket, online or offline"
    );
    tap(k, "重新打印我的号票");
    wait_until(k, "the reprint", || {
        flow.get_print_state() == PrintState::Printed
    });
    let pages = world.printer.wait_pages(2, Duration::from_secs(5));
    let slip = pages[1].text();
    assert!(slip.contains(&first) && slip.contains("【补打】"), "{slip}");
    assert!(!slip.contains("前面等候"), "no stale queue figures: {slip}");
    assert!(
        !common::shows(k, "重新打印我的号票"),
        "one reprint per visit"
    );
}
