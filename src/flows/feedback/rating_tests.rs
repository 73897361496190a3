//! The rules of 好差评, without a window, a backend or a device.

use super::rating::{Effect, Input, Outcome, RatingFlow, Reason, RecentLine, StartState, View};
use crate::domain::{
    ProgressFailure, RatingOrder, RatingResult, RecentService, ScannedCode, ServiceRef,
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

fn rate_order(fx: &[Effect]) -> Option<(u64, RatingOrder)> {
    fx.iter().find_map(|e| match e {
        Effect::Rate { request, order } => Some((*request, order.clone())),
        _ => None,
    })
}

/// A rating flow on the rating screen for ticket A017.
fn rating_for_a017() -> RatingFlow {
    let mut flow = RatingFlow::default();
    flow.handle(Input::Start);
    flow.handle(Input::Scanned(ticket_code("A017")));
    flow
}

#[test]
fn a_ticket_qr_gives_the_service_with_its_date() {
    let mut flow = RatingFlow::default();
    let fx = flow.handle(Input::Start);
    assert!(fx.contains(&Effect::StartState(StartState::Scan)));
    let fx = flow.handle(Input::Scanned(ticket_code("A017")));
    assert_eq!(
        fx,
        [
            Effect::RefText("A017 · 20261124".into()),
            Effect::Show(View::Rate)
        ]
    );
    let (_, order) = rate_order(&flow.handle(Input::ChooseLevel(5))).unwrap();
    assert_eq!(order.reference, ticket_ref("A017"));
    let fx = flow.handle(Input::Scanned(ScannedCode::Receipt("SJ-9".into())));
    assert_eq!(fx[0], Effect::RefText("SJ-9".into()));
}

#[test]
fn a_code_that_names_no_service_is_refused() {
    let mut flow = RatingFlow::default();
    assert!(
        flow.handle(Input::Scanned(ticket_code("A017"))).is_empty(),
        "not rating: the scan is someone else's"
    );
    flow.handle(Input::Start);
    for code in [
        ScannedCode::Appointment("AP1".into()),
        ScannedCode::BadSignature,
        ScannedCode::Unknown,
    ] {
        assert_eq!(
            flow.handle(Input::Scanned(code)),
            [Effect::StartState(StartState::BadCode)]
        );
    }
    assert!(
        rate_order(&flow.handle(Input::ChooseLevel(5))).is_none(),
        "nothing to rate yet"
    );
}

#[test]
fn a_good_rating_is_sent_at_once_without_reasons() {
    let mut flow = rating_for_a017();
    let fx = flow.handle(Input::ChooseLevel(3));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Show(_))));
    assert!(fx.contains(&Effect::Outcome(Outcome::Sending)));
    let (_, order) = rate_order(&fx).expect("sent");
    assert_eq!(order.level, 3);
    assert!(order.reasons.is_empty());
}

#[test]
fn a_bad_rating_asks_for_reasons_and_sends_them_with_the_comment() {
    let mut flow = rating_for_a017();
    let fx = flow.handle(Input::ChooseLevel(2));
    assert!(rate_order(&fx).is_none(), "not before the reasons");
    assert_eq!(fx.last(), Some(&Effect::Show(View::Reasons)));
    assert!(fx.contains(&Effect::Reasons(
        Reason::ALL.iter().map(|r| (*r, false)).collect()
    )));
    flow.handle(Input::ToggleReason(Reason::Attitude));
    flow.handle(Input::ToggleReason(Reason::WaitedTooLong));
    flow.handle(Input::ToggleReason(Reason::Other));
    let fx = flow.handle(Input::ToggleReason(Reason::Other));
    let Effect::Reasons(shown) = &fx[0] else {
        panic!("{fx:?}")
    };
    assert!(shown.contains(&(Reason::Attitude, true)));
    assert!(shown.contains(&(Reason::Other, false)), "toggled off again");
    assert_eq!(
        flow.handle(Input::FocusComment),
        [Effect::CommentFocused(true), Effect::Keyboard(true)]
    );
    flow.handle(Input::TypeComment("排队".into()));
    let fx = flow.handle(Input::Submit);
    assert_eq!(fx[0], Effect::Keyboard(false));
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
        (RatingResult::NotSaved, Outcome::NotSaved),
    ] {
        let mut flow = rating_for_a017();
        let (request, _) = rate_order(&flow.handle(Input::ChooseLevel(5))).unwrap();
        assert!(flow.awaits(request));
        let fx = flow.handle(Input::Rated { request, result });
        assert_eq!(fx, [Effect::Outcome(outcome), Effect::Show(View::Done)]);
        assert!(!flow.wants_scan(), "done: scans go elsewhere");
    }

    let mut flow = rating_for_a017();
    let (request, _) = rate_order(&flow.handle(Input::ChooseLevel(5))).unwrap();
    assert_eq!(flow.handle(Input::Reset), [Effect::Cleared]);
    assert!(!flow.awaits(request));
    assert!(flow
        .handle(Input::Rated {
            request,
            result: RatingResult::Accepted
        })
        .is_empty());
}

#[test]
fn an_id_card_lists_the_holders_recent_services_to_pick_from() {
    let mut flow = RatingFlow::default();
    assert!(!flow.wants_card());
    flow.handle(Input::Start);
    assert!(flow.wants_card());
    let fx = flow.handle(Input::Card {
        id_number: "110101195003071542".into(),
    });
    assert_eq!(fx[0], Effect::StartState(StartState::LookingUp));
    let Effect::LookUpRecent { request, id_number } = fx[1].clone() else {
        panic!("{fx:?}")
    };
    assert_eq!(id_number, "110101195003071542");
    let fx = flow.handle(Input::Recent {
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
            Effect::Recent(vec![
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
            Effect::StartState(StartState::List)
        ]
    );
    assert!(flow.handle(Input::PickRecent(2)).is_empty());
    flow.handle(Input::PickRecent(1));
    assert!(!flow.wants_card(), "a service is chosen");
    let (_, order) = rate_order(&flow.handle(Input::ChooseLevel(4))).unwrap();
    assert_eq!(order.reference, ServiceRef::Receipt("SJ-9".into()));
}

#[test]
fn no_recent_services_or_no_answer_is_said() {
    let mut flow = RatingFlow::default();
    flow.handle(Input::Start);
    let look_up = |flow: &mut RatingFlow| {
        let fx = flow.handle(Input::Card {
            id_number: "1".into(),
        });
        match &fx[1] {
            Effect::LookUpRecent { request, .. } => *request,
            _ => panic!("{fx:?}"),
        }
    };
    let request = look_up(&mut flow);
    let fx = flow.handle(Input::Recent {
        request,
        result: Ok(Vec::new()),
    });
    assert_eq!(fx[1], Effect::StartState(StartState::NoneFound));
    let stale = request;
    let request = look_up(&mut flow);
    assert!(flow
        .handle(Input::Recent {
            request: stale,
            result: Ok(Vec::new())
        })
        .is_empty());
    let fx = flow.handle(Input::Recent {
        request,
        result: Err(ProgressFailure::Offline),
    });
    assert_eq!(fx, [Effect::StartState(StartState::Offline)]);
}

#[test]
fn reset_forgets_the_rating_and_its_comment() {
    let mut flow = rating_for_a017();
    flow.handle(Input::TypeComment("太慢".into()));
    flow.handle(Input::ChooseLevel(1));
    flow.handle(Input::ToggleReason(Reason::Attitude));
    flow.handle(Input::Reset);
    assert_eq!(flow.comment(), "");
    assert!(!flow.wants_scan());
    assert!(rate_order(&flow.handle(Input::Submit)).is_none());
    flow.handle(Input::Start);
    flow.handle(Input::Scanned(ticket_code("B005")));
    let (_, order) = rate_order(&flow.handle(Input::ChooseLevel(5))).unwrap();
    assert!(order.reasons.is_empty() && order.comment.is_empty());
}
