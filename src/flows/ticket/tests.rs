//! The ticket flow's rules, without a window, a backend or a device.

use time::macros::{date, datetime};

use super::*;
use crate::domain::PrintOutcome;

fn guides() -> Guides {
    Guides::from_catalog(&serde_json::json!({
        "categories": [
            {"code": "A", "name": "企业服务", "windows": ["1", "2"], "hours": "08:30-17:30"},
            {"code": "E", "name": "公共资源交易", "windows": ["10"], "hours": "09:00-17:00"}
        ]
    }))
}

struct World {
    flow: TicketFlow,
    guides: Guides,
    hours: OpeningHours,
    now: OffsetDateTime,
}

impl World {
    fn at(now: OffsetDateTime) -> World {
        World {
            flow: TicketFlow::default(),
            guides: guides(),
            hours: OpeningHours::Always,
            now,
        }
    }

    fn new() -> World {
        World::at(datetime!(2026-11-24 10:00 +08:00))
    }

    fn send(&mut self, input: Input) -> Vec<Effect> {
        let ctx = Context {
            now: self.now,
            hours: &self.hours,
            guides: &self.guides,
        };
        self.flow.handle(input, &ctx)
    }
}

fn holder(birth: time::Date, valid_until: Option<time::Date>) -> CardHolder {
    CardHolder {
        name: "李秀英".into(),
        id_number: "110101195003071542".into(),
        birth: Some(birth),
        valid_until,
        usable: true,
        address: String::new(),
    }
}

fn ticket(no: &str) -> IssuedTicket {
    IssuedTicket {
        ticket_no: no.into(),
        category: "A".into(),
        waiting_ahead: 3,
        est_wait_min: 9,
        issued_at: datetime!(2026-11-24 10:00 +08:00),
        track_url: "https://hall.example.gov.cn/t/A021".into(),
        offline: false,
        priority: None,
        appointment: None,
    }
}

fn order_of(fx: &[Effect]) -> Option<(u64, TicketOrder)> {
    fx.iter().find_map(|e| match e {
        Effect::TakeTicket { request, order } => Some((*request, order.clone())),
        _ => None,
    })
}

fn shows(fx: &[Effect]) -> Option<View> {
    fx.iter().rev().find_map(|e| match e {
        Effect::Show(v) => Some(*v),
        _ => None,
    })
}

#[test]
fn a_walk_in_without_a_card_gets_a_ticket_and_it_is_printed() {
    let mut w = World::new();
    let fx = w.send(Input::Start);
    assert_eq!(shows(&fx), Some(View::Categories));
    assert!(fx.contains(&Effect::AskForQueueFigures));
    let fx = w.send(Input::ChooseCategory("A".into()));
    assert_eq!(shows(&fx), Some(View::Method));
    assert!(fx.contains(&Effect::CategoryChosen {
        code: "A".into(),
        name: "企业服务".into(),
        windows: "1, 2".into()
    }));
    let fx = w.send(Input::WithoutCard);
    assert_eq!(shows(&fx), Some(View::Printing));
    let (request, order) = order_of(&fx).expect("an order with the desk");
    assert_eq!(order.category, "A");
    assert_eq!(order.source, Source::WalkIn);
    assert!(
        order.applicant.is_none(),
        "walk-ins are never asked who they are"
    );

    let fx = w.send(Input::Issued {
        request,
        result: Ok(ticket("A021")),
    });
    assert_eq!(shows(&fx), Some(View::Issued));
    let print = fx.iter().find_map(|e| match e {
        Effect::PrintTicket {
            request,
            category_name,
            ..
        } => Some((*request, category_name.clone())),
        _ => None,
    });
    let (print_request, name) = print.expect("the ticket is printed");
    assert_eq!(name, "企业服务");
    assert_eq!(
        w.flow.last_ticket().map(|t| t.ticket_no.as_str()),
        Some("A021")
    );

    let fx = w.send(Input::Printed {
        request: print_request,
        outcome: PrintOutcome::Printed,
    });
    assert_eq!(
        fx,
        [
            Effect::PrintState(PrintState::Printed),
            Effect::HomeIn(SHOW_PRINTED_S)
        ]
    );
}

#[test]
fn paper_out_keeps_the_ticket_on_screen_longer() {
    let mut w = World::new();
    w.send(Input::Start);
    w.send(Input::ChooseCategory("A".into()));
    let (request, _) = order_of(&w.send(Input::WithoutCard)).unwrap();
    let fx = w.send(Input::Issued {
        request,
        result: Ok(ticket("A021")),
    });
    let print_request = fx
        .iter()
        .find_map(|e| match e {
            Effect::PrintTicket { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let fx = w.send(Input::Printed {
        request: print_request,
        outcome: PrintOutcome::PaperOut,
    });
    assert!(fx.contains(&Effect::PrintState(PrintState::PaperOut)));
    assert!(fx.contains(&Effect::HomeIn(SHOW_ON_SCREEN_S)));
}

#[test]
fn a_card_holder_of_65_gets_the_elderly_priority_from_the_card() {
    let mut w = World::new();
    w.send(Input::Start);
    w.send(Input::ChooseCategory("A".into()));
    let fx = w.send(Input::WithCard);
    assert!(fx.contains(&Effect::StartCardWait(CARD_WAIT)));
    let fx = w.send(Input::Card(holder(date!(1950 - 03 - 07), None)));
    assert!(fx.contains(&Effect::Priority {
        priority: Some(Priority::Elderly),
        from_card: true
    }));
    let (_, order) = order_of(&fx).unwrap();
    assert_eq!(order.priority, Some(Priority::Elderly));
    assert_eq!(order.source, Source::IdCard);
    assert!(order.applicant.is_some());
}

#[test]
fn a_chosen_priority_wins_over_the_age_on_the_card() {
    let mut w = World::new();
    w.send(Input::Start);
    w.send(Input::ChooseCategory("A".into()));
    w.send(Input::ChoosePriority(Some(Priority::Disabled)));
    w.send(Input::WithCard);
    let fx = w.send(Input::Card(holder(date!(1950 - 03 - 07), None)));
    assert_eq!(order_of(&fx).unwrap().1.priority, Some(Priority::Disabled));
}

#[test]
fn an_expired_card_is_refused_and_the_flow_keeps_waiting_for_another() {
    let mut w = World::new();
    w.send(Input::Start);
    w.send(Input::ChooseCategory("A".into()));
    w.send(Input::WithCard);
    let fx = w.send(Input::Card(holder(
        date!(1990 - 01 - 01),
        Some(date!(2026 - 11 - 23)),
    )));
    assert_eq!(fx, [Effect::CardProblem(Some(CardProblem::Expired))]);
    let fx = w.send(Input::Card(holder(
        date!(1990 - 01 - 01),
        Some(date!(2026 - 11 - 24)),
    )));
    assert!(order_of(&fx).is_some(), "valid through today is valid");
}

#[test]
fn no_card_within_the_wait_is_said_and_a_card_outside_a_wait_is_ignored() {
    let mut w = World::new();
    assert!(w
        .send(Input::Card(holder(date!(1950 - 01 - 01), None)))
        .is_empty());
    w.send(Input::Start);
    w.send(Input::ChooseCategory("A".into()));
    assert!(w.send(Input::CardWaitElapsed).is_empty(), "not waiting yet");
    w.send(Input::WithCard);
    assert_eq!(
        w.send(Input::CardWaitElapsed),
        [Effect::CardProblem(Some(CardProblem::NoCard))]
    );
    assert_eq!(
        w.send(Input::ReaderOffline),
        [Effect::CardProblem(Some(CardProblem::ReaderOffline))]
    );
    let fx = w.send(Input::CancelCard);
    assert_eq!(shows(&fx), Some(View::Method));
}

#[test]
fn a_closed_category_says_when_it_opens_next() {
    let mut w = World::at(datetime!(2026-11-24 08:45 +08:00));
    w.send(Input::Start);
    let fx = w.send(Input::ChooseCategory("E".into()));
    assert_eq!(
        fx,
        [
            Effect::Failed(Failure::Closed {
                next_opening: "09:00".into()
            }),
            Effect::Show(View::Failed)
        ]
    );
    let mut w = World::at(datetime!(2026-11-24 18:00 +08:00));
    w.send(Input::Start);
    let fx = w.send(Input::ChooseCategory("A".into()));
    assert!(fx.contains(&Effect::Failed(Failure::Closed {
        next_opening: "2026-11-25 08:30".into()
    })));
    assert!(
        w.send(Input::ChooseCategory("Z".into())).is_empty(),
        "an unknown category does nothing"
    );
}

#[test]
fn no_offline_numbers_and_a_silent_backend_end_at_the_failure_screen() {
    let mut w = World::new();
    w.send(Input::Start);
    w.send(Input::ChooseCategory("A".into()));
    let (request, _) = order_of(&w.send(Input::WithoutCard)).unwrap();
    let fx = w.send(Input::Issued {
        request,
        result: Err(TicketFailure::NoOfflineNumbers),
    });
    assert!(fx.contains(&Effect::Failed(Failure::NoOfflineNumbers)));

    w.send(Input::Start);
    w.send(Input::ChooseCategory("A".into()));
    let fx = w.send(Input::WithoutCard);
    let timeout = fx
        .iter()
        .find_map(|e| match e {
            Effect::StartIssueTimeout { request, after } => Some((*request, *after)),
            _ => None,
        })
        .unwrap();
    assert_eq!(timeout.1, ISSUE_TIMEOUT);
    let fx = w.send(Input::IssueTimedOut { request: timeout.0 });
    assert!(fx.contains(&Effect::Failed(Failure::Unavailable)));
    // The answer that comes after the citizen was told is ignored.
    assert!(w
        .send(Input::Issued {
            request: timeout.0,
            result: Ok(ticket("A022"))
        })
        .is_empty());
}

#[test]
fn a_late_answer_for_an_abandoned_flow_is_ignored() {
    let mut w = World::new();
    w.send(Input::Start);
    w.send(Input::ChooseCategory("A".into()));
    let (request, _) = order_of(&w.send(Input::WithoutCard)).unwrap();
    let fx = w.send(Input::Reset);
    assert!(fx.contains(&Effect::Cleared));
    assert!(w
        .send(Input::Issued {
            request,
            result: Ok(ticket("A021"))
        })
        .is_empty());
    assert!(w.flow.last_ticket().is_none());
}

#[test]
fn check_in_by_code_by_card_and_the_codes_it_refuses() {
    let mut w = World::new();
    let fx = w.send(Input::StartCheckin);
    assert_eq!(shows(&fx), Some(View::Checkin));
    assert!(fx.contains(&Effect::Checkin(CheckinState::Waiting)));
    assert_eq!(
        w.send(Input::Scanned(ScannedCode::Unknown)),
        [Effect::Checkin(CheckinState::BadCode)]
    );
    let fx = w.send(Input::Scanned(ScannedCode::Appointment("AP0001".into())));
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::CheckIn { request, key } => {
                assert_eq!(key, &CheckinKey::Code("AP0001".into()));
                Some(*request)
            }
            _ => None,
        })
        .expect("a check-in at the desk");
    let fx = w.send(Input::CheckedIn {
        request,
        result: Err(CheckinFailure::AlreadyUsed),
    });
    assert!(fx.contains(&Effect::Checkin(CheckinState::Failed(
        CheckinFailure::AlreadyUsed
    ))));
    assert_eq!(shows(&fx), Some(View::CheckinFailed));

    w.send(Input::StartCheckin);
    let fx = w.send(Input::Scanned(ScannedCode::OtherHallAppointment));
    assert!(fx.contains(&Effect::Checkin(CheckinState::Failed(
        CheckinFailure::OtherHall
    ))));

    w.send(Input::StartCheckin);
    let fx = w.send(Input::Card(holder(date!(1980 - 01 - 01), None)));
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::CheckIn {
            key: CheckinKey::IdNumber(_),
            ..
        }
    )));
}

#[test]
fn removing_the_card_forgets_its_holder() {
    let mut w = World::new();
    w.send(Input::StartCheckin);
    w.send(Input::Card(holder(date!(1980 - 01 - 01), None)));
    assert_eq!(w.send(Input::CardRemoved), [Effect::ForgetHolder]);
    assert!(w.flow.holder.is_none());
}

#[test]
fn a_second_ticket_by_the_same_card_shows_the_open_number_and_offers_a_reprint() {
    let mut w = World::new();
    w.send(Input::Start);
    w.send(Input::ChooseCategory("A".into()));
    w.send(Input::WithCard);
    let fx = w.send(Input::Card(holder(date!(1990 - 01 - 01), None)));
    let (request, _) = order_of(&fx).unwrap();
    // No reprint before the backend said a ticket is held.
    assert!(w.send(Input::ReprintHeld).is_empty());
    let fx = w.send(Input::Issued {
        request,
        result: Err(TicketFailure::Limit {
            open_ticket: "A023".into(),
        }),
    });
    assert!(fx.contains(&Effect::Failed(Failure::AlreadyHeld {
        ticket_no: "A023".into()
    })));
    assert_eq!(shows(&fx), Some(View::Failed));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::TakeTicket { .. })),
        "never a second number, not even an offline one"
    );
    let fx = w.send(Input::ReprintHeld);
    let Some(Effect::ReprintHeld {
        request,
        ticket_no,
        category,
        category_name,
        windows,
    }) = fx
        .iter()
        .find(|e| matches!(e, Effect::ReprintHeld { .. }))
        .cloned()
    else {
        panic!("no reprint in {fx:?}");
    };
    assert_eq!(
        (
            ticket_no.as_str(),
            category.as_str(),
            category_name.as_str(),
            windows.as_str()
        ),
        ("A023", "A", "企业服务", "1, 2")
    );
    let fx = w.send(Input::Printed {
        request,
        outcome: PrintOutcome::Printed,
    });
    assert!(fx.contains(&Effect::PrintState(PrintState::Printed)));
    assert!(fx.contains(&Effect::HomeIn(SHOW_PRINTED_S)));
    // Home forgets the held number: nothing to reprint in the next session.
    w.send(Input::Reset);
    assert!(w.send(Input::ReprintHeld).is_empty());
}
