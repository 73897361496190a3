//! Booking a later slot at the kiosk, end to end: the real app on Slint's testing backend,
//! hall-sim on loopback, the card reader, scanner and printer simulators on ptys.

mod common;

use std::time::Duration;

use common::{rig, screen, shows, tap, wait_until};
use hall_kiosk::ui::{BookFailure, Booking, PrintState, TicketFlow};
use slint::ComponentHandle;

/// From the check-in tile to the confirmation of the first free slot of the first day
/// offered, by the card of identity `card`.
fn book_up_to_confirm(r: &common::Rig, card: usize) {
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "预约签到");
    tap(k, "预约其他日期办理");
    assert_eq!(screen(k), "book-pick");
    tap(k, "企业设立登记");
    assert_eq!(screen(k), "book-card");
    world.reader.present(card);
    wait_until(k, "the days", || screen(k) == "book-date");
    let b = k.window().global::<Booking>();
    assert!(b.get_holder_id().contains("****"), "masked on screen");
    // The clock is Tuesday 24 November: Wednesday is the first day offered.
    tap(k, "11月25日 星期三");
    assert_eq!(screen(k), "book-slot");
    wait_until(k, "the slots", || !b.get_slots_loading());
    let free = slint::Model::iter(&b.get_slots())
        .find(|s| s.left > 0)
        .expect("a slot with a seat");
    tap(k, &free.label);
    assert_eq!(screen(k), "book-confirm");
}

#[test]
fn a_citizen_books_by_card_and_checks_in_later_with_the_printed_qr() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    book_up_to_confirm(&r, 1);
    tap(k, "确认预约");
    wait_until(k, "the booking", || screen(k) == "book-done");
    let b = k.window().global::<Booking>();
    wait_until(k, "the slip", || b.get_print_state() == PrintState::Printed);
    assert_eq!(world.hall.appointments_booked().len(), 1);
    let pages = world.printer.wait_pages(1, Duration::from_secs(5));
    let slip = pages[0].text();
    assert!(
        slip.contains("预约凭证") && slip.contains("企业设立登记"),
        "{slip}"
    );
    assert!(
        slip.contains(b.get_code().as_str()),
        "the code in words: {slip}"
    );
    assert!(
        !slip.contains("张伟"),
        "the name is masked on paper: {slip}"
    );
    let qr = pages[0].qr_payloads();
    assert_eq!(qr.len(), 1);
    assert!(qr[0].starts_with("hk:appt:v1:hezuo:"), "{qr:?}");
    // Home, and later the slip's QR code checks the appointment in.
    tap(k, "返回首页");
    assert_eq!(b.get_holder_id(), "", "the session's data is wiped");
    tap(k, "预约签到");
    world.scanner.scan(qr[0].as_bytes()).unwrap();
    wait_until(k, "the appointment ticket", || screen(k) == "ticket-issued");
    let flow = k.window().global::<TicketFlow>();
    assert!(flow.get_appointment_item().contains("企业设立登记"));
    assert!(flow.get_ticket_no().starts_with('A'));
}

#[test]
fn a_second_booking_and_a_slot_taken_meanwhile_are_explained_with_the_way_on() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    book_up_to_confirm(&r, 1);
    // Someone else takes the last seat between the list and the booking.
    world.hall.fill_next_booked_slot();
    tap(k, "确认预约");
    let b = k.window().global::<Booking>();
    wait_until(k, "back at the slots", || {
        screen(k) == "book-slot" && b.get_slot_taken() && !b.get_slots_loading()
    });
    assert!(shows(k, "您选的时段刚刚约满了，请另选一个时段。"));
    let rows: Vec<_> = slint::Model::iter(&b.get_slots()).collect();
    assert_eq!(
        rows[0].left, 0,
        "the slot taken meanwhile shows as full: {rows:?}"
    );
    let free = rows.iter().find(|s| s.left > 0).expect("another slot");
    tap(k, &free.label);
    tap(k, "确认预约");
    wait_until(k, "the booking", || screen(k) == "book-done");
    world.reader.remove();
    wait_until(k, "the card seen leaving", || !k.card_present());
    tap(k, "返回首页");
    // The same card again, the same matter: one open appointment per person.
    book_up_to_confirm(&r, 1);
    tap(k, "确认预约");
    wait_until(k, "the refusal", || screen(k) == "book-failed");
    assert_eq!(b.get_failure(), BookFailure::AlreadyBooked);
    assert_eq!(world.hall.appointments_booked().len(), 1);
    // No dead end: a ticket now, or the appointment in progress queries.
    tap(k, "取号");
    assert_eq!(screen(k), "ticket-categories");
}

#[test]
fn offline_booking_is_not_offered_and_a_ticket_is() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    world.hall.set_fault(hall_link::sim::Fault::Down);
    // The kiosk learns the link is down from a request that goes unanswered: a walk-in
    // ticket, which comes from the offline block.
    tap(k, "取号");
    tap(k, "社会事务");
    tap(k, "不刷卡，直接取号");
    wait_until(k, "the offline ticket", || screen(k) == "ticket-issued");
    assert!(!r.services.link.status().online);
    tap(k, "返回首页");
    tap(k, "预约签到");
    tap(k, "预约其他日期办理");
    assert_eq!(screen(k), "book-failed");
    assert_eq!(
        k.window().global::<Booking>().get_failure(),
        BookFailure::Offline
    );
    assert!(shows(k, "暂时无法预约"));
    assert!(world.hall.appointments_booked().is_empty());
    tap(k, "取号");
    assert_eq!(screen(k), "ticket-categories");
}

#[test]
fn the_appointment_shows_in_progress_by_card_and_is_cancelled_there() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    book_up_to_confirm(&r, 1);
    tap(k, "确认预约");
    wait_until(k, "the booking", || screen(k) == "book-done");
    world.reader.remove();
    wait_until(k, "the card seen leaving", || !k.card_present());
    tap(k, "返回首页");
    tap(k, "进度查询");
    world.reader.present(1);
    wait_until(k, "the result", || screen(k) == "progress-result");
    let progress = k.window().global::<hall_kiosk::ui::Progress>();
    assert_eq!(slint::Model::row_count(&progress.get_appointments()), 1);
    tap(k, "取消这个预约");
    // One tap only asks: no cancel is on its way (the flow would have said so at the tap).
    assert_eq!(
        progress.get_cancel(),
        hall_kiosk::ui::AppointmentCancel::None,
        "one tap only asks"
    );
    assert!(shows(k, "再点一次确认取消"));
    tap(k, "再点一次确认取消");
    wait_until(k, "the cancel", || {
        progress.get_cancel() == hall_kiosk::ui::AppointmentCancel::Cancelled
    });
    assert_eq!(slint::Model::row_count(&progress.get_appointments()), 0);
    assert_eq!(world.hall.appointments_booked()[0]["cancelled"], true);
    // Cancelled at the backend: the seat is free and the slip's code no longer checks in.
    let code = world.hall.appointments_booked()[0]["code"]
        .as_str()
        .unwrap()
        .to_string();
    world.reader.remove();
    wait_until(k, "the card seen leaving", || !k.card_present());
    tap(k, "返回首页");
    tap(k, "预约签到");
    world
        .scanner
        .scan(format!("hk:appt:v1:hezuo:{code}").as_bytes())
        .unwrap();
    wait_until(k, "the refusal", || screen(k) == "checkin-not-found");
}

/// 长辈模式 keeps one way back per screen: from the card screen of a booking started on a
/// guide page, that way leads back to the guide.
#[test]
fn in_elderly_mode_the_card_screens_way_back_leads_to_the_guide() {
    let r = common::rig_with(|o| o.elderly_default = true);
    let k = &r.kiosk;
    k.open(hall_kiosk::ui::Feature::Guide);
    k.guide().open("620000-001-XK-01");
    assert_eq!(screen(k), "guide-detail");
    tap(k, "预约办理");
    assert_eq!(screen(k), "book-card");
    assert!(!shows(k, "返回首页"), "one way back in 长辈模式");
    tap(k, "返回上一步");
    assert_eq!(screen(k), "guide-detail");
}
