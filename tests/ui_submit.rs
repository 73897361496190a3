//! Self-service filing and progress queries end to end: the real app on Slint's testing
//! backend, hall-sim on loopback, the card reader, scanner and printer simulators on ptys,
//! typing with the on-screen keyboard.

mod common;

use std::time::Duration;

use common::{pump_for, rig, screen, tap, wait_until, Rig};
use hall_kiosk::ui::{
    CaseStatus, FieldProblem, Keyboard, KeyboardMode, MaterialsError, PrintState, Progress, Submit,
    SubmitFailure,
};
use slint::{ComponentHandle, Model};

const ITEM: &str = "城乡居民基本养老保险参保登记";
const LI_ID: &str = "110101195003071542";

fn type_keys(r: &Rig, keys: &str) {
    let kb = r.kiosk.window().global::<Keyboard>();
    for c in keys.chars() {
        kb.invoke_key(c.to_string().into());
    }
}

fn field_error(r: &Rig, key: &str) -> FieldProblem {
    let fields = r.kiosk.window().global::<Submit>().get_fields();
    fields
        .iter()
        .find(|f| f.key == key)
        .map(|f| f.error)
        .unwrap_or_else(|| panic!("no field {key}"))
}

/// From home to the review page of the pension registration, with card 1 (李秀英).
fn fill_in(r: &Rig) {
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "自助申报");
    assert_eq!(screen(k), "submit-pick");
    tap(k, ITEM);
    assert_eq!(screen(k), "submit-card");
    world.reader.present(0);
    wait_until(k, "the form", || screen(k) == "submit-form");
    let s = k.window().global::<Submit>();
    // Name and ID number come from the card; the ID number is masked on screen.
    let fields = s.get_fields();
    let id = fields.iter().find(|f| f.key == "id_number").unwrap();
    assert!(id.from_card);
    assert_eq!(id.value, "110***********1542");
    assert!(!fields.iter().any(|f| f.value.contains(LI_ID)));

    // "Next" on an incomplete form: each problem shows next to its field.
    tap(k, "下一步");
    assert_eq!(screen(k), "submit-form");
    assert_eq!(field_error(r, "phone"), FieldProblem::Required);
    assert_eq!(field_error(r, "grade"), FieldProblem::Required);

    // A wrong mobile number is judged once complete, as it is typed.
    s.invoke_focus("phone".into());
    assert!(k.window().global::<Keyboard>().get_visible());
    assert_eq!(
        k.window().global::<Keyboard>().get_mode(),
        KeyboardMode::Digits
    );
    type_keys(r, "12812345678");
    assert_eq!(field_error(r, "phone"), FieldProblem::Phone);
    for _ in 0..11 {
        k.window()
            .global::<Keyboard>()
            .invoke_key("backspace".into());
    }
    type_keys(r, "13912345678");
    assert_eq!(field_error(r, "phone"), FieldProblem::None);
    assert_eq!(
        k.window().global::<Keyboard>().get_field_value(),
        "13912345678",
        "the keyboard echoes the field it types into"
    );
    s.invoke_choose("grade".into(), "500".into());
    tap(k, "下一步");
    assert_eq!(screen(k), "submit-materials");
    assert!(!k.window().global::<Keyboard>().get_visible());
    // Post without an address is caught here, not at the backend.
    tap(k, "邮寄送达");
    tap(k, "下一步");
    assert_eq!(s.get_materials_error(), MaterialsError::Address);
    tap(k, "窗口领取");
    tap(k, "下一步");
    assert_eq!(screen(k), "submit-review");
    let review: Vec<String> = s.get_review().iter().map(|r| r.value.to_string()).collect();
    assert!(
        review.contains(&"110***********1542".to_string()),
        "{review:?}"
    );
    assert!(review.contains(&"13912345678".to_string()));
}

#[test]
fn a_submission_online_gets_a_receipt_printed_with_the_applicant_masked() {
    let r = rig();
    let k = &r.kiosk;
    fill_in(&r);
    tap(k, "提交");
    wait_until(k, "the receipt", || screen(k) == "submit-done");
    let s = k.window().global::<Submit>();
    assert!(
        s.get_receipt_no().starts_with("SB"),
        "{}",
        s.get_receipt_no()
    );
    assert!(!s.get_provisional());
    assert_eq!(s.get_print_state(), PrintState::Printed);

    let world = r.services.demo.as_ref().unwrap();
    let subs = world.hall.submissions();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0]["applicant"]["id_number"], LI_ID);
    assert_eq!(subs[0]["form"]["grade"], "500");
    assert_eq!(subs[0]["delivery"]["method"], "pickup");

    let pages = world.printer.wait_pages(1, Duration::from_secs(5));
    let text = pages[0].text();
    assert!(text.contains("受理回执"), "{text}");
    assert!(text.contains(s.get_receipt_no().as_str()));
    assert!(text.contains(ITEM));
    assert!(text.contains("李*英"), "the applicant, masked: {text}");
    assert!(!text.contains("李秀英") && !text.contains(LI_ID));
    assert!(pages[0].qr_payloads()[0].ends_with(s.get_receipt_no().as_str()));

    // Progress by ID card: the same case, as a timeline.
    tap(k, "进度查询");
    assert_eq!(screen(k), "progress");
    world.reader.remove();
    pump_for(k, Duration::from_secs(1));
    world.reader.present(0);
    wait_until(k, "the cases", || screen(k) == "progress-result");
    let cases = k.window().global::<Progress>().get_cases();
    assert_eq!(cases.row_count(), 1);
    let c = cases.row_data(0).unwrap();
    assert_eq!(c.item.zh, ITEM);
    assert_eq!(c.status, CaseStatus::Received);
    assert_eq!(c.step, 0);
}

#[test]
fn offline_submission_is_provisional_then_found_after_delivery() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    world.hall.set_fault(hall_link::sim::Fault::Down);
    fill_in(&r);
    tap(k, "提交");
    wait_until(k, "the provisional receipt", || screen(k) == "submit-done");
    let s = k.window().global::<Submit>();
    assert!(s.get_provisional());
    let no = s.get_receipt_no().to_string();
    assert!(no.starts_with("LS-"), "{no}");
    let pages = world.printer.wait_pages(1, Duration::from_secs(5));
    let qr = pages[0].qr_payloads()[0].clone();
    assert!(qr.contains("/track/k/"), "the QR carries the key: {qr}");

    // Never "no such case" for what was just handed in.
    k.go_home();
    tap(k, "进度查询");
    world.reader.remove();
    pump_for(k, Duration::from_secs(1));
    world.reader.present(0);
    wait_until(k, "the cases", || screen(k) == "progress-result");
    let p = k.window().global::<Progress>();
    assert!(p.get_offline());
    let c = p.get_cases().row_data(0).unwrap();
    assert_eq!(c.receipt_no, no.as_str());
    assert_eq!(c.step, -1, "waiting to be sent");

    // The link comes back; the receipt's QR now finds the backend's case.
    world.hall.set_fault(hall_link::sim::Fault::None);
    let link = r.services.link.clone();
    r.services
        .block_on(async move { link.flush().await })
        .unwrap();
    assert_eq!(world.hall.submissions().len(), 1, "delivered once");
    k.go_home();
    tap(k, "进度查询");
    world.scanner.scan(qr.as_bytes()).unwrap();
    wait_until(k, "the delivered case", || {
        screen(k) == "progress-result" && !p.get_offline()
    });
    let c = p.get_cases().row_data(0).unwrap();
    assert!(c.receipt_no.starts_with("SB"), "{}", c.receipt_no);
    assert_eq!(c.step, 0);
}

#[test]
fn idle_timeout_in_the_middle_of_the_form_wipes_what_was_typed() {
    let r = rig();
    let k = &r.kiosk;
    let world = r.services.demo.as_ref().unwrap();
    tap(k, "自助申报");
    tap(k, ITEM);
    world.reader.present(0);
    wait_until(k, "the form", || screen(k) == "submit-form");
    let s = k.window().global::<Submit>();
    s.invoke_focus("phone".into());
    type_keys(&r, "13912345678");
    for _ in 0..91 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(k), "home");
    assert_eq!(s.get_fields().row_count(), 0, "the form is gone");
    assert!(!k.window().global::<Keyboard>().get_visible());
    assert_eq!(k.window().global::<Keyboard>().get_field_value(), "");
    // Starting again starts empty, and asks for the card again.
    tap(k, "自助申报");
    tap(k, ITEM);
    assert_eq!(screen(k), "submit-card");
}

#[test]
fn a_broken_form_in_the_catalog_sends_the_citizen_to_a_window() {
    let r = rig();
    let k = &r.kiosk;
    let mut catalog = r.services.initial_catalog().unwrap();
    for item in catalog["items"].as_array_mut().unwrap() {
        if item["name"] == ITEM {
            item["form"] = serde_json::json!([{"key": "x", "type": "colour"}]);
        }
    }
    k.set_catalog(&catalog);
    tap(k, "自助申报");
    tap(k, ITEM);
    assert_eq!(screen(k), "submit-failed");
    assert_eq!(
        k.window().global::<Submit>().get_failure(),
        SubmitFailure::Broken
    );
}
