//! The progress flow's rules, without a window or a backend.

use super::*;

fn ctx() -> Context {
    Context {
        offset: UtcOffset::from_hms(8, 0, 0).unwrap(),
    }
}

fn case(status: &str) -> Case {
    Case {
        receipt_no: "SB20261124001".into(),
        item_name: "食品经营许可".into(),
        status: status.into(),
        updated_at: "2026-11-24T02:05:00Z".into(),
        next_step: None,
        pickup_window: None,
        tracking_no: Some("SF123".into()),
    }
}

fn started() -> ProgressFlow {
    let mut f = ProgressFlow::default();
    f.handle(Input::Start, &ctx());
    f
}

fn asked(fx: &[Effect]) -> Option<(u64, ProgressKey)> {
    fx.iter().find_map(|e| match e {
        Effect::Ask { request, key } => Some((*request, key.clone())),
        _ => None,
    })
}

#[test]
fn start_clears_and_shows_the_ask_screen() {
    let mut f = ProgressFlow::default();
    assert_eq!(
        f.handle(Input::Start, &ctx()),
        [Effect::Cleared, Effect::Show(View::Ask)]
    );
}

#[test]
fn a_card_or_a_receipt_qr_asks_the_desk() {
    let mut f = started();
    let fx = f.handle(Input::Card("110101195003071542".into()), &ctx());
    assert_eq!(fx[0], Effect::State(ProgressState::Looking));
    let (card, key) = asked(&fx).unwrap();
    assert_eq!(key, ProgressKey::IdNumber("110101195003071542".into()));
    let code = ScannedCode::Receipt("SB20261124001".into());
    assert!(f.takes(&Input::Scanned(code.clone())));
    let fx = f.handle(Input::Scanned(code), &ctx());
    assert_eq!(
        asked(&fx),
        Some((card + 1, ProgressKey::Receipt("SB20261124001".into()))),
        "a new request: the card's answer is no longer awaited"
    );
}

#[test]
fn a_ticket_qr_or_a_bad_code_is_left_to_the_other_flows() {
    let mut f = started();
    for code in [
        ScannedCode::Ticket {
            date: "20261124".into(),
            ticket_no: "A021".into(),
        },
        ScannedCode::Appointment("AP0001".into()),
        ScannedCode::BadSignature,
        ScannedCode::Unknown,
    ] {
        let input = Input::Scanned(code);
        assert!(!f.takes(&input));
        assert!(f.handle(input, &ctx()).is_empty());
    }
}

#[test]
fn nothing_is_taken_before_the_flow_is_open() {
    let mut f = ProgressFlow::default();
    let card = Input::Card("110101195003071542".into());
    assert!(!f.takes(&card));
    assert!(!f.takes(&Input::CardRemoved));
    assert!(f.handle(card, &ctx()).is_empty());
    let mut f = started();
    assert!(
        f.takes(&Input::CardRemoved),
        "the card is this flow's while open"
    );
    assert!(f.handle(Input::CardRemoved, &ctx()).is_empty());
}

#[test]
fn cases_found_are_listed_as_rows_in_the_halls_time() {
    let mut f = started();
    let (request, _) = asked(&f.handle(Input::Card("1".into()), &ctx())).unwrap();
    let mut ready = case("ready_for_pickup");
    ready.pickup_window = Some("3号窗口".into());
    let fx = f.handle(
        Input::Answer {
            request,
            result: Ok(ProgressFound {
                appointments: Vec::new(),
                cases: vec![case("in_review"), ready],
                offline: false,
            }),
        },
        &ctx(),
    );
    let Effect::Cases { rows, offline } = &fx[0] else {
        panic!("{fx:?}")
    };
    assert!(!offline);
    assert_eq!(rows[0].status, CaseStatus::InReview);
    assert_eq!(rows[0].updated, "2026-11-24 10:05");
    assert_eq!(rows[0].whereabouts, "快递单号 SF123");
    assert_eq!(
        rows[1].whereabouts, "3号窗口",
        "the window before the parcel"
    );
    assert_eq!(
        fx[1..],
        [
            Effect::Appointments(Vec::new()),
            Effect::CancelNote(CancelNote::None),
            Effect::State(ProgressState::Found),
            Effect::Show(View::Result)
        ]
    );
}

#[test]
fn no_cases_and_offline_answers() {
    let mut f = started();
    let (request, _) = asked(&f.handle(Input::Card("1".into()), &ctx())).unwrap();
    let fx = f.handle(
        Input::Answer {
            request,
            result: Ok(ProgressFound {
                appointments: Vec::new(),
                cases: Vec::new(),
                offline: true,
            }),
        },
        &ctx(),
    );
    assert!(fx.contains(&Effect::State(ProgressState::None)));
    assert!(fx.contains(&Effect::Cases {
        rows: Vec::new(),
        offline: true
    }));

    // Offline with nothing held for the key, and a failed query: said on the ask screen.
    let (request, _) = asked(&f.handle(Input::Card("1".into()), &ctx())).unwrap();
    assert_eq!(
        f.handle(
            Input::Answer {
                request,
                result: Err(ProgressFailure::Offline)
            },
            &ctx()
        ),
        [Effect::State(ProgressState::Offline)]
    );
    let (request, _) = asked(&f.handle(Input::Card("1".into()), &ctx())).unwrap();
    assert_eq!(
        f.handle(
            Input::Answer {
                request,
                result: Err(ProgressFailure::Failed)
            },
            &ctx()
        ),
        [Effect::State(ProgressState::Failed)]
    );
}

#[test]
fn a_stale_answer_is_ignored() {
    let mut f = started();
    let (first, _) = asked(&f.handle(Input::Card("1".into()), &ctx())).unwrap();
    f.handle(Input::Scanned(ScannedCode::Receipt("SB1".into())), &ctx());
    let stale = Input::Answer {
        request: first,
        result: Err(ProgressFailure::Failed),
    };
    assert!(!f.takes(&stale));
    assert!(f.handle(stale, &ctx()).is_empty());
}

#[test]
fn reset_wipes_and_closes_the_flow() {
    let mut f = started();
    let (request, _) = asked(&f.handle(Input::Card("1".into()), &ctx())).unwrap();
    assert_eq!(f.handle(Input::Reset, &ctx()), [Effect::Cleared]);
    assert!(f
        .handle(
            Input::Answer {
                request,
                result: Ok(ProgressFound {
                    appointments: Vec::new(),
                    cases: vec![case("received")],
                    offline: false
                })
            },
            &ctx()
        )
        .is_empty());
    assert!(!f.takes(&Input::Card("1".into())));
}

#[test]
fn statuses_sit_on_the_timeline_and_unknown_ones_at_its_end() {
    assert_eq!(CaseStatus::parse("waiting_to_send").step(), None);
    assert_eq!(CaseStatus::parse("received").step(), Some(0));
    assert_eq!(CaseStatus::parse("approved").step(), Some(3));
    assert_eq!(CaseStatus::parse("archived"), CaseStatus::Completed);
    assert_eq!(CaseStatus::Completed.step(), Some(4));
}

#[test]
fn a_card_holders_appointment_is_listed_and_cancelled_and_a_failed_cancel_keeps_it() {
    use crate::domain::booking::{BookingFailure, OpenAppointment};
    use time::macros::datetime;
    let mut f = ProgressFlow::default();
    f.handle(Input::Start, &ctx());
    let fx = f.handle(Input::Card("440306199008152330".into()), &ctx());
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::Ask { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let fx = f.handle(
        Input::Answer {
            request,
            result: Ok(ProgressFound {
                cases: Vec::new(),
                appointments: vec![OpenAppointment {
                    appointment_no: "YY1".into(),
                    item_name: "企业设立登记".into(),
                    start: datetime!(2026-12-07 01:00 UTC),
                    end: datetime!(2026-12-07 01:30 UTC),
                }],
                offline: false,
            }),
        },
        &ctx(),
    );
    assert!(
        fx.contains(&Effect::State(ProgressState::Found)),
        "an appointment is found"
    );
    let Some(Effect::Appointments(rows)) = fx.iter().find(|e| matches!(e, Effect::Appointments(_)))
    else {
        panic!("{fx:?}")
    };
    assert_eq!(rows[0].when, "2026-12-07 09:00-09:30", "in the hall's time");
    // Only a listed appointment can be cancelled.
    assert!(f
        .handle(Input::CancelAppointment("YY9".into()), &ctx())
        .is_empty());
    // The first tap asks; the second cancels.
    assert_eq!(
        f.handle(Input::CancelAppointment("YY1".into()), &ctx()),
        [Effect::ConfirmCancel(Some("YY1".into()))]
    );
    let fx = f.handle(Input::CancelAppointment("YY1".into()), &ctx());
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::CancelAppointment { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let fx = f.handle(
        Input::Cancelled {
            request,
            result: Err(BookingFailure::Offline),
        },
        &ctx(),
    );
    assert_eq!(fx, [Effect::CancelNote(CancelNote::Failed)], "still listed");
    f.handle(Input::CancelAppointment("YY1".into()), &ctx());
    let fx = f.handle(Input::CancelAppointment("YY1".into()), &ctx());
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::CancelAppointment { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let fx = f.handle(
        Input::Cancelled {
            request,
            result: Ok(()),
        },
        &ctx(),
    );
    assert!(fx.contains(&Effect::Appointments(Vec::new())));
    assert!(fx.contains(&Effect::CancelNote(CancelNote::Cancelled)));
}
