//! The rules of 好差评 and 投诉建议, without a window, a backend or a device.

use super::complaint::{self, ComplaintFlow, Field, Refusal};
use super::rating::{self, Outcome, RatingFlow, Reason, RecentLine, StartState};
use crate::domain::{
    ComplaintKind, ComplaintOrder, PrintOutcome, ProgressFailure, RatingOrder, RatingResult,
    RecentService, ScannedCode, ServiceRef,
};

fn ticket_code(ticket_no: &str) -> ScannedCode {
    ScannedCode::Ticket {
        date: "20261124".into(),
        ticket_no: ticket_no.into(),
    }
}

fn ticket_ref(ticket_no: &str) -> ServiceRef {
    ServiceRef::Ticket {
        date: "20261124".into(),
        ticket_no: ticket_no.into(),
    }
}

fn rate_order(fx: &[rating::Effect]) -> Option<(u64, RatingOrder)> {
    fx.iter().find_map(|e| match e {
        rating::Effect::Rate { request, order } => Some((*request, order.clone())),
        _ => None,
    })
}

fn complaint_order(fx: &[complaint::Effect]) -> Option<(u64, ComplaintOrder)> {
    fx.iter().find_map(|e| match e {
        complaint::Effect::Complain { request, order } => Some((*request, order.clone())),
        _ => None,
    })
}

/// A rating flow on the rating screen for ticket A017.
fn rating_for_a017() -> RatingFlow {
    let mut flow = RatingFlow::default();
    flow.handle(rating::Input::Start);
    flow.handle(rating::Input::Scanned(ticket_code("A017")));
    flow
}

#[test]
fn a_ticket_qr_gives_the_service_with_its_date() {
    let mut flow = RatingFlow::default();
    let fx = flow.handle(rating::Input::Start);
    assert!(fx.contains(&rating::Effect::StartState(StartState::Scan)));
    let fx = flow.handle(rating::Input::Scanned(ticket_code("A017")));
    assert_eq!(
        fx,
        [
            rating::Effect::RefText("A017 · 20261124".into()),
            rating::Effect::Show(rating::View::Rate)
        ]
    );
    let (_, order) = rate_order(&flow.handle(rating::Input::ChooseLevel(5))).unwrap();
    assert_eq!(order.reference, ticket_ref("A017"));
    let fx = flow.handle(rating::Input::Scanned(ScannedCode::Receipt("SJ-9".into())));
    assert_eq!(fx[0], rating::Effect::RefText("SJ-9".into()));
}

#[test]
fn a_code_that_names_no_service_is_refused() {
    let mut flow = RatingFlow::default();
    assert!(
        flow.handle(rating::Input::Scanned(ticket_code("A017")))
            .is_empty(),
        "not rating: the scan is someone else's"
    );
    flow.handle(rating::Input::Start);
    for code in [
        ScannedCode::Appointment("AP1".into()),
        ScannedCode::BadSignature,
        ScannedCode::Unknown,
    ] {
        assert_eq!(
            flow.handle(rating::Input::Scanned(code)),
            [rating::Effect::StartState(StartState::BadCode)]
        );
    }
    assert!(
        rate_order(&flow.handle(rating::Input::ChooseLevel(5))).is_none(),
        "nothing to rate yet"
    );
}

#[test]
fn a_good_rating_is_sent_at_once_without_reasons() {
    let mut flow = rating_for_a017();
    let fx = flow.handle(rating::Input::ChooseLevel(3));
    assert!(!fx.iter().any(|e| matches!(e, rating::Effect::Show(_))));
    assert!(fx.contains(&rating::Effect::Outcome(Outcome::Sending)));
    let (_, order) = rate_order(&fx).expect("sent");
    assert_eq!(order.level, 3);
    assert!(order.reasons.is_empty());
}

#[test]
fn a_bad_rating_asks_for_reasons_and_sends_them_with_the_comment() {
    let mut flow = rating_for_a017();
    let fx = flow.handle(rating::Input::ChooseLevel(2));
    assert!(rate_order(&fx).is_none(), "not before the reasons");
    assert_eq!(
        fx.last(),
        Some(&rating::Effect::Show(rating::View::Reasons))
    );
    assert!(fx.contains(&rating::Effect::Reasons(
        Reason::ALL.iter().map(|r| (*r, false)).collect()
    )));
    flow.handle(rating::Input::ToggleReason(Reason::Attitude));
    flow.handle(rating::Input::ToggleReason(Reason::WaitedTooLong));
    flow.handle(rating::Input::ToggleReason(Reason::Other));
    let fx = flow.handle(rating::Input::ToggleReason(Reason::Other));
    let rating::Effect::Reasons(shown) = &fx[0] else {
        panic!("{fx:?}")
    };
    assert!(shown.contains(&(Reason::Attitude, true)));
    assert!(shown.contains(&(Reason::Other, false)), "toggled off again");
    assert_eq!(
        flow.handle(rating::Input::FocusComment),
        [
            rating::Effect::CommentFocused(true),
            rating::Effect::Keyboard(true)
        ]
    );
    flow.handle(rating::Input::TypeComment("排队".into()));
    let fx = flow.handle(rating::Input::Submit);
    assert_eq!(fx[0], rating::Effect::Keyboard(false));
    let (_, order) = rate_order(&fx).unwrap();
    assert_eq!(order.level, 2);
    assert_eq!(order.reasons, ["attitude", "waited_too_long"]);
    assert_eq!(order.comment, "排队");
}

#[test]
fn each_answer_of_the_desk_is_told_and_a_stale_one_is_ignored() {
    for (result, outcome) in [
        (RatingResult::Accepted, Outcome::Thanks),
        (RatingResult::Queued, Outcome::Queued),
        (RatingResult::AlreadyRated, Outcome::Already),
    ] {
        let mut flow = rating_for_a017();
        let (request, _) = rate_order(&flow.handle(rating::Input::ChooseLevel(5))).unwrap();
        assert!(flow.awaits(request));
        let fx = flow.handle(rating::Input::Rated { request, result });
        assert_eq!(
            fx,
            [
                rating::Effect::Outcome(outcome),
                rating::Effect::Show(rating::View::Done)
            ]
        );
        assert!(!flow.wants_scan(), "done: scans go elsewhere");
    }

    let mut flow = rating_for_a017();
    let (request, _) = rate_order(&flow.handle(rating::Input::ChooseLevel(5))).unwrap();
    assert_eq!(flow.handle(rating::Input::Reset), [rating::Effect::Cleared]);
    assert!(!flow.awaits(request));
    assert!(flow
        .handle(rating::Input::Rated {
            request,
            result: RatingResult::Accepted
        })
        .is_empty());
}

#[test]
fn an_id_card_lists_the_holders_recent_services_to_pick_from() {
    let mut flow = RatingFlow::default();
    assert!(!flow.wants_card());
    flow.handle(rating::Input::Start);
    assert!(flow.wants_card());
    let fx = flow.handle(rating::Input::Card {
        id_number: "110101195001011234".into(),
    });
    assert_eq!(fx[0], rating::Effect::StartState(StartState::LookingUp));
    let rating::Effect::LookUpRecent { request, id_number } = fx[1].clone() else {
        panic!("{fx:?}")
    };
    assert_eq!(id_number, "110101195001011234");
    let fx = flow.handle(rating::Input::Recent {
        request,
        result: Ok(vec![
            RecentService {
                reference: ticket_ref("A021"),
                name: "企业服务".into(),
                date: "2026-11-24".into(),
            },
            RecentService {
                reference: ServiceRef::Receipt("SJ-9".into()),
                name: "不动产登记".into(),
                date: "2026-11-20".into(),
            },
        ]),
    });
    assert_eq!(
        fx,
        [
            rating::Effect::Recent(vec![
                RecentLine {
                    name: "企业服务".into(),
                    ref_text: "A021".into(),
                    date: "2026-11-24".into()
                },
                RecentLine {
                    name: "不动产登记".into(),
                    ref_text: "SJ-9".into(),
                    date: "2026-11-20".into()
                },
            ]),
            rating::Effect::StartState(StartState::List)
        ]
    );
    assert!(flow.handle(rating::Input::PickRecent(2)).is_empty());
    flow.handle(rating::Input::PickRecent(1));
    assert!(!flow.wants_card(), "a service is chosen");
    let (_, order) = rate_order(&flow.handle(rating::Input::ChooseLevel(4))).unwrap();
    assert_eq!(order.reference, ServiceRef::Receipt("SJ-9".into()));
}

#[test]
fn no_recent_services_or_no_answer_is_said() {
    let mut flow = RatingFlow::default();
    flow.handle(rating::Input::Start);
    let look_up = |flow: &mut RatingFlow| {
        let fx = flow.handle(rating::Input::Card {
            id_number: "1".into(),
        });
        match &fx[1] {
            rating::Effect::LookUpRecent { request, .. } => *request,
            _ => panic!("{fx:?}"),
        }
    };
    let request = look_up(&mut flow);
    let fx = flow.handle(rating::Input::Recent {
        request,
        result: Ok(Vec::new()),
    });
    assert_eq!(fx[1], rating::Effect::StartState(StartState::NoneFound));
    let stale = request;
    let request = look_up(&mut flow);
    assert!(flow
        .handle(rating::Input::Recent {
            request: stale,
            result: Ok(Vec::new())
        })
        .is_empty());
    let fx = flow.handle(rating::Input::Recent {
        request,
        result: Err(ProgressFailure::Offline),
    });
    assert_eq!(fx, [rating::Effect::StartState(StartState::Offline)]);
}

#[test]
fn reset_forgets_the_rating_and_its_comment() {
    let mut flow = rating_for_a017();
    flow.handle(rating::Input::TypeComment("太慢".into()));
    flow.handle(rating::Input::ChooseLevel(1));
    flow.handle(rating::Input::ToggleReason(Reason::Attitude));
    flow.handle(rating::Input::Reset);
    assert_eq!(flow.comment(), "");
    assert!(!flow.wants_scan());
    assert!(rate_order(&flow.handle(rating::Input::Submit)).is_none());
    flow.handle(rating::Input::Start);
    flow.handle(rating::Input::Scanned(ticket_code("B005")));
    let (_, order) = rate_order(&flow.handle(rating::Input::ChooseLevel(5))).unwrap();
    assert!(order.reasons.is_empty() && order.comment.is_empty());
}

// ---- complaints ------------------------------------------------------------------------

fn complaint_form() -> ComplaintFlow {
    let mut flow = ComplaintFlow::default();
    assert_eq!(
        flow.handle(complaint::Input::Start),
        [
            complaint::Effect::Cleared,
            complaint::Effect::Show(complaint::View::Form)
        ]
    );
    flow
}

fn type_in(flow: &mut ComplaintFlow, field: Field, text: &str) -> Vec<complaint::Effect> {
    flow.handle(complaint::Input::Type {
        field,
        text: text.into(),
    })
}

#[test]
fn an_empty_complaint_is_refused() {
    let mut flow = complaint_form();
    assert_eq!(
        flow.handle(complaint::Input::Submit),
        [complaint::Effect::Refused(Some(Refusal::Empty))]
    );
    type_in(&mut flow, Field::Text, "  \n ");
    assert_eq!(
        flow.handle(complaint::Input::Submit),
        [complaint::Effect::Refused(Some(Refusal::Empty))],
        "blanks are empty"
    );
}

#[test]
fn the_order_carries_what_was_typed_the_kind_and_the_scanned_ticket() {
    let mut flow = complaint_form();
    assert_eq!(
        flow.handle(complaint::Input::Focus(Field::Text)),
        [
            complaint::Effect::Focus(Some(Field::Text)),
            complaint::Effect::Keyboard(Some(Field::Text))
        ]
    );
    assert_eq!(
        type_in(&mut flow, Field::Text, " 排队太久 "),
        [complaint::Effect::Text(" 排队太久 ".into())]
    );
    assert_eq!(flow.field(Field::Text), " 排队太久 ");
    flow.handle(complaint::Input::ChooseKind(ComplaintKind::NotDone));
    assert_eq!(
        flow.handle(complaint::Input::Scanned(ticket_code("A017"))),
        [complaint::Effect::RefText("A017".into())]
    );
    assert!(flow
        .handle(complaint::Input::Scanned(ScannedCode::Unknown))
        .is_empty());
    let fx = flow.handle(complaint::Input::Submit);
    assert_eq!(fx[0], complaint::Effect::Refused(None));
    assert!(fx.contains(&complaint::Effect::Keyboard(None)));
    let (_, order) = complaint_order(&fx).expect("filed");
    assert_eq!(order.kind, ComplaintKind::NotDone);
    assert_eq!(order.text, "排队太久", "trimmed");
    assert_eq!(order.phone, None);
    assert_eq!(order.reference, Some(ticket_ref("A017")));
}

#[test]
fn a_phone_without_consent_is_refused_and_with_it_is_sent() {
    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "窗口无人");
    type_in(&mut flow, Field::Phone, "13800138000");
    assert_eq!(
        flow.handle(complaint::Input::Submit),
        [complaint::Effect::Refused(Some(Refusal::Consent))]
    );
    assert_eq!(
        flow.handle(complaint::Input::ToggleConsent),
        [complaint::Effect::Consent(true)]
    );
    let (_, order) = complaint_order(&flow.handle(complaint::Input::Submit)).unwrap();
    assert_eq!(order.phone.as_deref(), Some("13800138000"));
}

#[test]
fn an_invalid_phone_is_flagged_once_complete_and_refused() {
    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "建议");
    assert_eq!(
        type_in(&mut flow, Field::Phone, "1-2-3"),
        [
            complaint::Effect::PhoneInvalid(false),
            complaint::Effect::Phone("123".into())
        ],
        "only digits, and not yet wrong"
    );
    assert_eq!(
        type_in(&mut flow, Field::Phone, "123456789012345"),
        [
            complaint::Effect::PhoneInvalid(true),
            complaint::Effect::Phone("12345678901".into())
        ],
        "eleven digits at most"
    );
    flow.handle(complaint::Input::ToggleConsent);
    assert_eq!(
        flow.handle(complaint::Input::Submit),
        [complaint::Effect::PhoneInvalid(true)]
    );
    type_in(&mut flow, Field::Phone, "1380013");
    assert_eq!(
        flow.handle(complaint::Input::Submit),
        [complaint::Effect::PhoneInvalid(true)],
        "a short number is wrong at submit"
    );
}

#[test]
fn the_number_and_slip_are_shown_and_a_stale_answer_is_ignored() {
    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "建议");
    let (request, _) = complaint_order(&flow.handle(complaint::Input::Submit)).unwrap();
    assert!(flow
        .handle(complaint::Input::Filed {
            request: request - 1,
            complaint_no: "TS-OLD".into(),
            provisional: false,
            slip: None,
        })
        .is_empty());
    let fx = flow.handle(complaint::Input::Filed {
        request,
        complaint_no: "LS-0001".into(),
        provisional: true,
        slip: Some(PrintOutcome::PrintedPaperLow),
    });
    assert_eq!(
        fx,
        [
            complaint::Effect::Filed {
                complaint_no: "LS-0001".into(),
                provisional: true,
                slip_printed: true
            },
            complaint::Effect::Show(complaint::View::Done)
        ]
    );
    assert!(!flow.wants_scan());

    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "建议");
    let (request, _) = complaint_order(&flow.handle(complaint::Input::Submit)).unwrap();
    let fx = flow.handle(complaint::Input::Filed {
        request,
        complaint_no: "TS1".into(),
        provisional: false,
        slip: Some(PrintOutcome::PaperOut),
    });
    assert!(matches!(
        fx[0],
        complaint::Effect::Filed {
            slip_printed: false,
            ..
        }
    ));
}

#[test]
fn reset_wipes_text_phone_and_consent() {
    let mut flow = complaint_form();
    type_in(&mut flow, Field::Text, "私事");
    type_in(&mut flow, Field::Phone, "13800138000");
    flow.handle(complaint::Input::ToggleConsent);
    flow.handle(complaint::Input::ChooseKind(ComplaintKind::Suggestion));
    flow.handle(complaint::Input::Scanned(ticket_code("A017")));
    type_in(&mut flow, Field::Text, "私事");
    let (request, _) = complaint_order(&flow.handle(complaint::Input::Submit)).unwrap();
    assert_eq!(
        flow.handle(complaint::Input::Reset),
        [complaint::Effect::Cleared]
    );
    assert_eq!(flow.field(Field::Text), "");
    assert_eq!(flow.field(Field::Phone), "");
    assert!(!flow.awaits(request));
    assert!(
        flow.handle(complaint::Input::Submit).is_empty(),
        "no form open"
    );
    flow.handle(complaint::Input::Start);
    type_in(&mut flow, Field::Text, "新的");
    let (_, order) = complaint_order(&flow.handle(complaint::Input::Submit)).unwrap();
    assert_eq!(order.kind, ComplaintKind::Complaint);
    assert_eq!(order.reference, None);
    assert_eq!(order.phone, None, "no phone, so no consent needed either");
}
