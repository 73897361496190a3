//! The booking flow's rules, without a window, a backend or a device.

use time::macros::{date, datetime};

use super::*;

fn guides() -> Guides {
    Guides::from_catalog(&serde_json::json!({
        "categories": [{"code": "D", "name": "不动产登记", "windows": ["7", "8"]}],
        "items": [{"code": "BDC-01", "name": "不动产转移登记", "category": "D"}]
    }))
}

struct World {
    flow: BookingFlow,
    guides: Guides,
    calendar: HallCalendar,
    now: OffsetDateTime,
    online: bool,
}

impl World {
    fn new() -> World {
        World {
            flow: BookingFlow::default(),
            guides: guides(),
            calendar: HallCalendar::default(),
            // A Thursday.
            now: datetime!(2026-12-03 10:00 +08:00),
            online: true,
        }
    }

    fn send(&mut self, input: Input) -> Vec<Effect> {
        let ctx = Context {
            now: self.now,
            calendar: &self.calendar,
            guides: &self.guides,
            online: self.online,
        };
        self.flow.handle(input, &ctx)
    }

    /// From the guide page to the slots of Monday 7 December; the slots request number.
    fn walk_to_slots(&mut self) -> u64 {
        self.send(Input::Start {
            item: Some("BDC-01".into()),
        });
        self.send(Input::Card(holder()));
        let fx = self.send(Input::ChooseDate(date!(2026 - 12 - 07)));
        fx.iter()
            .find_map(|e| match e {
                Effect::ListSlots { request, .. } => Some(*request),
                _ => None,
            })
            .expect("slots asked for")
    }
}

fn holder() -> CardHolder {
    CardHolder {
        name: "张伟".into(),
        id_number: "440306199008152330".into(),
        birth: Some(date!(1980 - 01 - 01)),
        valid_until: None,
        usable: true,
        address: String::new(),
    }
}

fn slot(id: &str, h: u8, left: u32) -> BookSlot {
    let day = date!(2026 - 12 - 07);
    let at = |h: u8, m: u8| {
        day.with_hms(h, m, 0)
            .unwrap()
            .assume_offset(time::macros::offset!(+8))
    };
    BookSlot {
        slot_id: id.into(),
        start: at(h, 0),
        end: at(h, 30),
        left,
    }
}

fn shows(fx: &[Effect]) -> Option<View> {
    fx.iter().rev().find_map(|e| match e {
        Effect::Show(v) => Some(*v),
        _ => None,
    })
}

fn booked() -> Booked {
    Booked {
        appointment_no: "YY001".into(),
        code: "AP0042".into(),
        item_code: "BDC-01".into(),
        start: slot("s9", 9, 1).start,
        end: slot("s9", 9, 1).end,
        windows: vec!["7".into()],
    }
}

#[test]
fn a_citizen_books_by_card_a_day_a_slot_and_the_slip_prints() {
    let mut w = World::new();
    let fx = w.send(Input::Start {
        item: Some("BDC-01".into()),
    });
    assert_eq!(shows(&fx), Some(View::Card));
    assert!(fx.contains(&Effect::ItemChosen {
        code: "BDC-01".into(),
        name: "不动产转移登记".into(),
        windows: "7, 8".into()
    }));
    let fx = w.send(Input::Card(holder()));
    assert_eq!(shows(&fx), Some(View::Date));
    let days = fx
        .iter()
        .find_map(|e| match e {
            Effect::Dates(d) => Some(d.clone()),
            _ => None,
        })
        .unwrap();
    // From Thursday 3 December: Friday, then the next week; never today, never a weekend.
    assert_eq!(days.len(), DAYS_OFFERED);
    assert_eq!(days[0], date!(2026 - 12 - 04));
    assert_eq!(days[1], date!(2026 - 12 - 07));
    let fx = w.send(Input::ChooseDate(date!(2026 - 12 - 07)));
    assert_eq!(shows(&fx), Some(View::Slot));
    let request = match fx.iter().find(|e| matches!(e, Effect::ListSlots { .. })) {
        Some(Effect::ListSlots {
            request,
            item,
            date,
        }) => {
            assert_eq!((item.as_str(), *date), ("BDC-01", date!(2026 - 12 - 07)));
            *request
        }
        _ => panic!("no slot request in {fx:?}"),
    };
    let fx = w.send(Input::Slots {
        request,
        result: Ok(vec![
            slot("s14", 14, 2),
            slot("s9", 9, 1),
            slot("s10", 10, 0),
        ]),
    });
    let Some(Effect::Slots(Some(listed))) = fx.iter().find(|e| matches!(e, Effect::Slots(_)))
    else {
        panic!("no slots shown in {fx:?}");
    };
    let order: Vec<_> = listed.iter().map(|s| s.slot_id.as_str()).collect();
    assert_eq!(
        order,
        ["s9", "s10", "s14"],
        "in time order, the full one greyed not hidden"
    );
    // A full slot cannot be chosen.
    assert!(w.send(Input::ChooseSlot("s10".into())).is_empty());
    let fx = w.send(Input::ChooseSlot("s9".into()));
    assert_eq!(shows(&fx), Some(View::Confirm));
    let fx = w.send(Input::Confirm);
    let Some(Effect::Book { request, order }) = fx
        .iter()
        .find(|e| matches!(e, Effect::Book { .. }))
        .cloned()
    else {
        panic!("no booking in {fx:?}");
    };
    assert_eq!(
        (order.item_code.as_str(), order.slot_id.as_str()),
        ("BDC-01", "s9")
    );
    assert_eq!(order.applicant.id_number, "440306199008152330");
    // A second tap on confirm books nothing more.
    assert!(w.send(Input::Confirm).is_empty());
    let fx = w.send(Input::Booked {
        request,
        result: Ok(booked()),
    });
    assert_eq!(shows(&fx), Some(View::Done));
    let Some(Effect::PrintSlip { request, .. }) = fx
        .iter()
        .find(|e| matches!(e, Effect::PrintSlip { .. }))
        .cloned()
    else {
        panic!("no slip in {fx:?}");
    };
    let fx = w.send(Input::Printed {
        request,
        outcome: PrintOutcome::Printed,
    });
    assert!(fx.contains(&Effect::PrintState(PrintState::Printed)));
    assert!(fx.contains(&Effect::HomeIn(SHOW_PRINTED_S)));
}

#[test]
fn offline_booking_is_not_offered_and_a_silent_backend_ends_in_the_offline_notice() {
    let mut w = World::new();
    w.online = false;
    let fx = w.send(Input::Start { item: None });
    assert!(fx.contains(&Effect::Failed(Failure::Offline)));
    assert_eq!(shows(&fx), Some(View::Failed));
    w.online = true;
    let request = w.walk_to_slots();
    let fx = w.send(Input::TimedOut { request });
    assert!(fx.contains(&Effect::Failed(Failure::Offline)));
    // The late answer changes nothing.
    assert!(w
        .send(Input::Slots {
            request,
            result: Ok(vec![slot("s9", 9, 1)])
        })
        .is_empty());
}

#[test]
fn a_slot_taken_meanwhile_returns_to_the_days_slots_fetched_again() {
    let mut w = World::new();
    let request = w.walk_to_slots();
    w.send(Input::Slots {
        request,
        result: Ok(vec![slot("s9", 9, 1)]),
    });
    w.send(Input::ChooseSlot("s9".into()));
    let fx = w.send(Input::Confirm);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::Book { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let fx = w.send(Input::Booked {
        request,
        result: Err(BookingFailure::SlotFull),
    });
    assert!(fx.contains(&Effect::SlotTaken));
    assert_eq!(shows(&fx), Some(View::Slot));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::ListSlots { date, .. } if *date == date!(2026 - 12 - 07))));
}

#[test]
fn a_second_booking_is_explained_and_back_walks_the_steps_in_reverse() {
    let mut w = World::new();
    let request = w.walk_to_slots();
    w.send(Input::Slots {
        request,
        result: Ok(vec![slot("s9", 9, 1)]),
    });
    w.send(Input::ChooseSlot("s9".into()));
    assert_eq!(shows(&w.send(Input::Back)), Some(View::Slot));
    assert_eq!(shows(&w.send(Input::Back)), Some(View::Date));
    let fx = w.send(Input::Back);
    assert_eq!(shows(&fx), Some(View::Card));
    assert!(
        fx.contains(&Effect::Cleared),
        "the holder leaves the screen"
    );
    // Choosing a day needs a card again.
    assert!(w.send(Input::ChooseDate(date!(2026 - 12 - 07))).is_empty());
    w.send(Input::Card(holder()));
    w.send(Input::ChooseDate(date!(2026 - 12 - 07)));
    let request = w.flow.request;
    w.send(Input::Slots {
        request,
        result: Ok(vec![slot("s9", 9, 1)]),
    });
    w.send(Input::ChooseSlot("s9".into()));
    let fx = w.send(Input::Confirm);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::Book { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let fx = w.send(Input::Booked {
        request,
        result: Err(BookingFailure::AlreadyBooked),
    });
    assert!(fx.contains(&Effect::Failed(Failure::AlreadyBooked)));
}

#[test]
fn back_from_the_card_returns_to_the_guide_page_it_came_from() {
    let mut w = World::new();
    w.send(Input::Start {
        item: Some("BDC-01".into()),
    });
    let fx = w.send(Input::Back);
    assert!(fx.contains(&Effect::BackToGuide), "{fx:?}");
    assert!(fx.contains(&Effect::Cleared));
    assert!(
        w.send(Input::Card(holder())).is_empty(),
        "the flow is closed"
    );
}

#[test]
fn an_expired_card_cannot_book_and_the_pick_list_comes_first_from_the_check_in_tile() {
    let mut w = World::new();
    let fx = w.send(Input::Start { item: None });
    assert_eq!(shows(&fx), Some(View::Pick));
    // An unknown matter is ignored.
    assert!(w.send(Input::PickItem("nope".into())).is_empty());
    assert_eq!(
        shows(&w.send(Input::PickItem("BDC-01".into()))),
        Some(View::Card)
    );
    let fx = w.send(Input::Card(CardHolder {
        valid_until: Some(date!(2026 - 12 - 02)),
        ..holder()
    }));
    assert_eq!(fx, [Effect::CardProblem(Some(CardProblem::Expired))]);
    assert_eq!(shows(&w.send(Input::Back)), Some(View::Pick));
    let fx = w.send(Input::Reset);
    assert!(fx.contains(&Effect::Cleared));
    assert!(
        w.send(Input::Card(holder())).is_empty(),
        "no card wanted after home"
    );
}
