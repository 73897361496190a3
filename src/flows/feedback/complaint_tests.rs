//! The rules of 投诉建议, without a window, a backend or a device.

use super::complaint::{ComplaintFlow, Effect, Field, Input, Refusal, View};
use crate::domain::{ComplaintKind, ComplaintOrder, PrintOutcome, ScannedCode, ServiceRef};

fn ticket_code(ticket_no: &str) -> ScannedCode {
    ScannedCode::Ticket {
        date: "20261124".into(),
        ticket_no: ticket_no.into(),
    }
}

fn complaint_order(fx: &[Effect]) -> Option<(u64, ComplaintOrder)> {
    fx.iter().find_map(|e| match e {
        Effect::Complain { request, order } => Some((*request, order.clone())),
        _ => None,
    })
}

fn complaint_form() -> ComplaintFlow {
    let mut flow = ComplaintFlow::default();
    assert_eq!(
        flow.handle(Input::Start),
        [Effect::Cleared, Effect::Show(View::Form)]
    );
    flow
}

fn type_in(flow: &mut ComplaintFlow, field: Field, text: &str) -> Vec<Effect> {
    flow.handle(Input::Type {
        field,
        text: text.into(),
    })
}

#[test]
fn an_empty_complaint_is_refused() {
    let mut flow = complaint_form();
    assert_eq!(
        flow.handle(Input::Submit),
        [Effect::Refused(Some(Refusal::Empty))]
    );
    type_in(&mut flow, Field::Text, "  \n ");
    assert_eq!(
        flow.handle(Input::Submit),
        [Effect::Refused(Some(Refusal::Empty))],
        "blanks are empty"
    );
}

#[test]
fn the_order_carries_what_was_typed_the_kind_and_the_scanned_ticket() {
    let mut flow = complaint_form();
    assert_eq!(
        flow.handle(Input::Focus(Field::Text)),
        [
            Effect::Focus(Some(Field::Text)),
            Effect::Keyboard(Some(Field::Text))
        ]
    );
    assert_eq!(
        type_in(&mut flow, Field::Text, " 排队太久 "),
        [Effect::Text(" 排队太久 ".into())]
    );
    assert_eq!(flow.field(Field::Text), " 排队太久 ");
    flow.handle(Input::ChooseKind(ComplaintKind::NotDone));
    assert_eq!(
        flow.handle(Input::Scanned(ticket_code("A017"))),
        [Effect::RefText("A017".into())]
    );
    assert!(flow.handle(Input::Scanned(ScannedCode::Unknown)).is_empty());
    let fx = flow.handle(Input::Submit);
    assert_eq!(fx[0], Effect::Refused(None));
    assert!(fx.contains(&Effect::Keyboard(None)));
    let (_, order) = complaint_order(&fx).expect("filed");
    assert_eq!(order.kind, ComplaintKind::NotDone);
    assert_eq!(order.text, "排队太久", "trimmed");
    assert_eq!(order.phone, None);
    assert_eq!(
        order.reference,
        Some(ServiceRef::Ticket {
            date: "20261124".into(),
            ticket_no: "A017".into()
        })
    );
}

#[test]
fn a_phone_without_consent_is_refused_and_with_it_is_sent() {
    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "窗口无人");
    type_in(&mut flow, Field::Phone, "13800138000");
    assert_eq!(
        flow.handle(Input::Submit),
        [Effect::Refused(Some(Refusal::Consent))]
    );
    assert_eq!(flow.handle(Input::ToggleConsent), [Effect::Consent(true)]);
    let (_, order) = complaint_order(&flow.handle(Input::Submit)).unwrap();
    assert_eq!(order.phone.as_deref(), Some("13800138000"));
}

#[test]
fn an_invalid_phone_is_flagged_once_complete_and_refused() {
    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "建议");
    assert_eq!(
        type_in(&mut flow, Field::Phone, "1-2-3"),
        [Effect::PhoneInvalid(false), Effect::Phone("123".into())],
        "only digits, and not yet wrong"
    );
    assert_eq!(
        type_in(&mut flow, Field::Phone, "123456789012345"),
        [
            Effect::PhoneInvalid(true),
            Effect::Phone("12345678901".into())
        ],
        "eleven digits at most"
    );
    flow.handle(Input::ToggleConsent);
    assert_eq!(flow.handle(Input::Submit), [Effect::PhoneInvalid(true)]);
    type_in(&mut flow, Field::Phone, "1380013");
    assert_eq!(
        flow.handle(Input::Submit),
        [Effect::PhoneInvalid(true)],
        "a short number is wrong at submit"
    );
}

#[test]
fn the_number_and_slip_are_shown_and_a_stale_answer_is_ignored() {
    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "建议");
    let (request, _) = complaint_order(&flow.handle(Input::Submit)).unwrap();
    assert!(flow
        .handle(Input::Filed {
            request: request - 1,
            complaint_no: "TS-OLD".into(),
            provisional: false,
            slip: None,
        })
        .is_empty());
    let fx = flow.handle(Input::Filed {
        request,
        complaint_no: "LS-0001".into(),
        provisional: true,
        slip: Some(PrintOutcome::PrintedPaperLow),
    });
    assert_eq!(
        fx,
        [
            Effect::Filed {
                complaint_no: "LS-0001".into(),
                provisional: true,
                slip_printed: true
            },
            Effect::Show(View::Done)
        ]
    );
    assert!(!flow.wants_scan());

    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "建议");
    let (request, _) = complaint_order(&flow.handle(Input::Submit)).unwrap();
    let fx = flow.handle(Input::Filed {
        request,
        complaint_no: "TS1".into(),
        provisional: false,
        slip: Some(PrintOutcome::PaperOut),
    });
    assert!(matches!(
        fx[0],
        Effect::Filed {
            slip_printed: false,
            ..
        }
    ));
}

#[test]
fn a_complaint_that_could_not_be_kept_says_so_and_a_stale_failure_is_ignored() {
    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "建议");
    let (request, _) = complaint_order(&flow.handle(Input::Submit)).unwrap();
    assert!(flow
        .handle(Input::NotSaved {
            request: request - 1
        })
        .is_empty());
    assert_eq!(
        flow.handle(Input::NotSaved { request }),
        [Effect::NotSaved, Effect::Show(View::Done)]
    );
    assert!(!flow.wants_scan());
}

#[test]
fn reset_wipes_text_phone_and_consent() {
    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "私事");
    type_in(&mut flow, Field::Phone, "13800138000");
    flow.handle(Input::ToggleConsent);
    flow.handle(Input::ChooseKind(ComplaintKind::Suggestion));
    flow.handle(Input::Scanned(ticket_code("A017")));
    type_in(&mut flow, Field::Text, "私事");
    let (request, _) = complaint_order(&flow.handle(Input::Submit)).unwrap();
    assert_eq!(flow.handle(Input::Reset), [Effect::Cleared]);
    assert_eq!(flow.field(Field::Text), "");
    assert_eq!(flow.field(Field::Phone), "");
    assert!(!flow.awaits(request));
    assert!(flow.handle(Input::Submit).is_empty(), "no form open");
    flow.handle(Input::Start);
    type_in(&mut flow, Field::Text, "新的");
    let (_, order) = complaint_order(&flow.handle(Input::Submit)).unwrap();
    assert_eq!(order.kind, ComplaintKind::Complaint);
    assert_eq!(order.reference, None);
    assert_eq!(order.phone, None, "no phone, so no consent needed either");
}
