//! 好差评, complaints and help calls end to end: the real app, hall-sim on loopback, the
//! scanner and printer simulators on ptys, the simulated GPIO.

mod common;

use std::time::Duration;

use common::{pump_for, rig, screen, tap, wait_until};
use hall_kiosk::ui::{
    Complaint, ComplaintField, Keyboard, Rating, RatingOutcome, RatingReason, RatingStartState,
};
use kiosk_drivers::gpio::Output;
use slint::ComponentHandle;

const TICKET_QR: &[u8] = b"https://hall.example.gov.cn/track/t/20261124/A017";

#[test]
fn rating_by_ticket_qr_once_and_a_second_time_is_already_rated() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    let rating = k.window().global::<Rating>();
    tap(k, "好差评");
    assert_eq!(screen(k), "rating-start");
    world.scanner.scan(TICKET_QR).unwrap();
    wait_until(k, "the rating screen", || screen(k) == "rating");
    assert!(rating.get_ref_text().contains("A017"));
    tap(k, "非常满意");
    wait_until(k, "the thanks", || screen(k) == "rating-done");
    assert_eq!(rating.get_result(), RatingOutcome::Thanks);
    let ratings = world.hall.ratings();
    assert_eq!(ratings.len(), 1);
    assert_eq!(ratings[0]["level"], 5);

    // The same ticket again (after the scanner's 1.5 s double-read window): told kindly,
    // not counted twice.
    k.go_home();
    pump_for(k, Duration::from_millis(1600));
    tap(k, "好差评");
    world.scanner.scan(TICKET_QR).unwrap();
    wait_until(k, "the rating screen", || screen(k) == "rating");
    tap(k, "满意");
    wait_until(k, "the answer", || screen(k) == "rating-done");
    assert_eq!(rating.get_result(), RatingOutcome::Already);
    assert_eq!(world.hall.ratings().len(), 1);
}

#[test]
fn a_bad_rating_asks_for_reasons_and_sends_them() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    let rating = k.window().global::<Rating>();
    tap(k, "好差评");
    world
        .scanner
        .scan(b"https://hall.example.gov.cn/track/t/20261124/B005")
        .unwrap();
    wait_until(k, "the rating screen", || screen(k) == "rating");
    tap(k, "不满意");
    assert_eq!(screen(k), "rating-reasons");
    rating.invoke_toggle_reason(RatingReason::WaitedTooLong);
    rating.invoke_toggle_reason(RatingReason::AskedToComeAgain);
    rating.invoke_submit();
    wait_until(k, "the thanks", || screen(k) == "rating-done");
    let ratings = world.hall.ratings();
    assert_eq!(ratings[0]["level"], 2);
    let reasons = ratings[0]["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
}

fn type_complaint(k: &std::rc::Rc<hall_kiosk::app::Kiosk>) {
    let c = k.window().global::<Complaint>();
    c.invoke_focus(ComplaintField::Text);
    let kb = k.window().global::<Keyboard>();
    // 排队 by pinyin: type, then pick the first candidate each time.
    for syllable in ["pai", "dui"] {
        for ch in syllable.chars() {
            kb.invoke_key(ch.to_string().into());
        }
        kb.invoke_pick(0);
    }
    assert!(!c.get_text().is_empty());
}

#[test]
fn a_complaint_online_gets_its_number_and_a_slip_with_the_hotline() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "投诉建议");
    assert_eq!(screen(k), "complaint");
    type_complaint(k);
    // The keyboard's Done key puts it away and keeps the text (it once panicked on a
    // RefCell borrowed twice).
    let kb = k.window().global::<Keyboard>();
    assert!(kb.get_visible());
    kb.invoke_key("done".into());
    assert!(!kb.get_visible());
    let c = k.window().global::<Complaint>();
    assert!(!c.get_text().is_empty());
    let typed = c.get_text().to_string();
    c.invoke_submit();
    wait_until(k, "the complaint number", || screen(k) == "complaint-done");
    assert!(
        c.get_complaint_no().starts_with("TS"),
        "{}",
        c.get_complaint_no()
    );
    assert!(!c.get_provisional());
    assert!(c.get_slip_printed());
    let complaints = world.hall.complaints();
    assert_eq!(complaints.len(), 1);
    assert_eq!(complaints[0]["text"], typed.as_str());
    let pages = world.printer.wait_pages(1, Duration::from_secs(5));
    let text = pages[0].text();
    assert!(text.contains(c.get_complaint_no().as_str()), "{text}");
    assert!(text.contains("12345"), "{text}");
}

#[test]
fn a_complaint_offline_is_provisional_and_delivered_once_later() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    world.hall.set_fault(hall_link::sim::Fault::Down);
    tap(k, "投诉建议");
    type_complaint(k);
    let c = k.window().global::<Complaint>();
    c.invoke_submit();
    wait_until(k, "the provisional number", || {
        screen(k) == "complaint-done"
    });
    assert!(c.get_provisional());
    assert!(c.get_complaint_no().starts_with("LS-"));
    assert!(world.hall.complaints().is_empty());
    world.hall.set_fault(hall_link::sim::Fault::None);
    let link = r.services.link.clone();
    assert!(r
        .services
        .block_on(async move { link.flush().await })
        .unwrap());
    assert_eq!(world.hall.complaints().len(), 1);
}

#[test]
fn a_help_call_lights_the_lamp_buzzes_and_ends_when_staff_clear_it() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "取号");
    assert_eq!(screen(k), "ticket-categories");
    tap(k, "呼叫帮办");
    assert_eq!(screen(k), "help-called");
    assert!(world.gpio.is_on(Output::HelpLamp));
    wait_until(k, "the buzzer", || world.gpio.is_on(Output::Buzzer));
    wait_until(k, "the request number", || {
        !world.hall.help_requests().is_empty() && !world.gpio.is_on(Output::Buzzer)
    });
    let (no, open) = world.hall.help_requests()[0].clone();
    assert!(open);
    // The session is held while staff come: no idle timeout after two minutes.
    for _ in 0..120 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(k), "help-called");
    // Staff clear it at their desk: the lamp goes out and the citizen is back where they were.
    world.hall.clear_help(&no);
    pump_for(k, Duration::from_millis(100));
    wait_until(k, "the call to end", || screen(k) == "ticket-categories");
    assert!(!world.gpio.is_on(Output::HelpLamp));
}

#[test]
fn rating_by_id_card_lists_the_citizens_recent_services() {
    use hall_kiosk::ui::TicketFlow;
    use slint::Model;
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    // A ticket taken with the card: the backend knows it was this person's.
    tap(k, "取号");
    tap(k, "企业服务");
    tap(k, "刷身份证取号");
    world.reader.present(1);
    wait_until(k, "the card ticket", || screen(k) == "ticket-issued");
    let ticket_no = k
        .window()
        .global::<TicketFlow>()
        .get_ticket_no()
        .to_string();
    // Staff can tell the reader works from its last read.
    {
        use hall_kiosk::domain::StaffActions;
        let reader_line = r
            .services
            .staff()
            .status()
            .into_iter()
            .find(|l| l.name == "idcard")
            .unwrap();
        let read = reader_line.phrases.iter().find(|p| p.code == "last-read");
        assert!(
            read.is_some_and(|p| p.a == "s"),
            "the card just read: {:?}",
            reader_line.phrases
        );
    }
    k.go_home();
    world.reader.remove();
    pump_for(k, Duration::from_secs(1));

    let rating = k.window().global::<Rating>();
    tap(k, "好差评");
    world.reader.present(1);
    wait_until(k, "the recent services", || {
        rating.get_start_state() == RatingStartState::List
    });
    let recent = rating.get_recent();
    assert_eq!(recent.row_count(), 1);
    let row = recent.row_data(0).unwrap();
    assert_eq!(row.ref_text, ticket_no.as_str());
    assert_eq!(row.name, "企业服务");
    rating.invoke_pick_recent(0);
    assert_eq!(screen(k), "rating");
    tap(k, "非常满意");
    wait_until(k, "the thanks", || screen(k) == "rating-done");
    let ratings = world.hall.ratings();
    assert_eq!(ratings[0]["ref"]["ticket_no"], ticket_no.as_str());

    // Someone with no services here is told so, and can still scan.
    k.go_home();
    world.reader.remove();
    pump_for(k, Duration::from_secs(1));
    tap(k, "好差评");
    world.reader.present(2);
    wait_until(k, "the answer", || {
        rating.get_start_state() == RatingStartState::None
    });
}

/// Say saved only when saved (issue 17, item 3): a rating the kiosk cannot commit (another
/// writer holds its store past the busy timeout) is not thanked or "queued": the citizen is
/// sent to the service desk, nothing reaches the backend, and the lamp turns red.
#[test]
fn a_rating_the_kiosk_cannot_save_sends_the_citizen_to_the_desk_and_lights_the_lamp_red() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    let rating = k.window().global::<Rating>();
    tap(k, "好差评");
    world.scanner.scan(TICKET_QR).unwrap();
    wait_until(k, "the rating screen", || screen(k) == "rating");
    let db = hall_link::store::db_path(&r.services.config.kiosk.data_dir);
    let holder = rusqlite::Connection::open(db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    tap(k, "非常满意");
    wait_until(k, "the answer", || screen(k) == "rating-done");
    assert_eq!(rating.get_result(), RatingOutcome::NotSaved);
    assert!(world.hall.ratings().is_empty(), "nothing was sent");
    let assessment = r.services.block_on(r.services.monitor().tick());
    assert_eq!(assessment.lamp, hall_kiosk::health::assess::Lamp::Red);
    assert!(assessment.alerts.contains(&"store_failing"));
    assert!(world.gpio.is_on(Output::LampRed));
    holder.execute_batch("ROLLBACK").unwrap();
}
