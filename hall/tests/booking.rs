//! Booking against hall-sim on loopback: slots, booking then check-in by code and by ID
//! card, a slot filling up between list and book, one open booking per person and item,
//! cancellation, booking offline, and one open ticket per card holder and category.

use std::time::Duration;

use hall_link::api::{
    Applicant, AppointmentRequest, BookingApplicant, CheckInRequest, Source, TicketRequest,
};
use hall_link::sim::{Fault, HallSim, SimOptions};
use hall_link::{BookingError, CheckInError, HallLink, LinkSettings, TicketError};

const ITEM: &str = "620000-040-QT-01"; // 不动产转移登记, category D, windows 8 and 9
const ID_A: &str = "440306199008152330";
const ID_B: &str = "623000196309090012";

async fn setup() -> (HallSim, HallLink, tempfile::TempDir) {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let link = open(&sim, dir.path(), 2000, 1500);
    (sim, link, dir)
}

/// A link on `dir` (a kiosk started again on the same store) with these timeouts (ms).
fn open(sim: &HallSim, dir: &std::path::Path, timeout: u64, budget: u64) -> HallLink {
    let mut s = LinkSettings::new("T-01", &sim.url(), "demo-token", dir.to_path_buf());
    s.timeout = Duration::from_millis(timeout);
    s.connect_timeout = Duration::from_millis(timeout);
    s.ticket_timeout = Duration::from_millis(budget);
    HallLink::open(s).unwrap()
}

/// The next Monday to Friday after today, and the Saturday after it (hall time).
fn days() -> (String, String) {
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap())
        .date();
    let mut d = today.next_day().unwrap();
    while matches!(d.weekday(), time::Weekday::Saturday | time::Weekday::Sunday) {
        d = d.next_day().unwrap();
    }
    let mut sat = d;
    while sat.weekday() != time::Weekday::Saturday {
        sat = sat.next_day().unwrap();
    }
    (d.to_string(), sat.to_string())
}

fn request(slot_id: &str, id_number: &str) -> AppointmentRequest {
    AppointmentRequest {
        item_code: ITEM.into(),
        slot_id: slot_id.into(),
        applicant: BookingApplicant {
            name: "李秀英".into(),
            id_number: id_number.into(),
            phone: Some("13912345678".into()),
        },
    }
}

async fn first_slot(link: &HallLink) -> hall_link::api::Slot {
    let (day, _) = days();
    link.slots(ITEM, &day).await.unwrap().slots.remove(0)
}

#[tokio::test]
async fn slots_are_half_hours_of_working_days_with_seats_left() {
    let (_sim, link, _d) = setup().await;
    let (day, saturday) = days();
    let slots = link.slots(ITEM, &day).await.unwrap();
    assert_eq!(
        (slots.item_code.as_str(), slots.date.as_str()),
        (ITEM, day.as_str())
    );
    // 09:00-11:30 (5) and 14:00-17:00 (6).
    assert_eq!(slots.slots.len(), 11, "{slots:?}");
    let first = &slots.slots[0];
    assert_eq!(first.start, format!("{day}T09:00:00+08:00"));
    assert_eq!(first.end, format!("{day}T09:30:00+08:00"));
    assert_eq!(slots.slots[5].start, format!("{day}T14:00:00+08:00"));
    assert!(slots.slots.iter().all(|s| s.left == 3));

    assert!(link.slots(ITEM, &saturday).await.unwrap().slots.is_empty());
    let unknown = link.slots("NO-SUCH-ITEM", &day).await.unwrap_err();
    assert_eq!(unknown.kind(), "not_found");
    let bad_date = link.slots(ITEM, "2026-13-45").await.unwrap_err();
    assert_eq!(bad_date.kind(), "refused");
}

#[tokio::test]
async fn a_booked_appointment_checks_in_by_its_code_and_by_id_card() {
    let (sim, link, dir) = setup().await;
    let slot = first_slot(&link).await;
    let booked = link.book(request(&slot.slot_id, ID_A)).await.unwrap();
    assert_eq!(booked.item_code, ITEM);
    assert_eq!(booked.start, slot.start);
    assert_eq!(booked.windows, vec!["8", "9"]);
    assert_eq!(sim.appointments_booked().len(), 1);
    let left = link.slots(ITEM, &slot.start[..10]).await.unwrap().slots[0].left;
    assert_eq!(left, 2, "the seat is taken");

    // The applicant left the kiosk's store once the backend had the booking.
    drop(link);
    let conn = rusqlite::Connection::open(hall_link::store::db_path(dir.path())).unwrap();
    let body: String = conn
        .query_row("SELECT body FROM outbox WHERE kind = 'booking'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(
        !body.contains(ID_A) && !body.contains("applicant"),
        "{body}"
    );
    drop(conn);
    let link = open(&sim, dir.path(), 2000, 1500);

    let by_code = link
        .check_in(CheckInRequest::Code {
            code: booked.code.clone(),
        })
        .await
        .unwrap();
    assert_eq!(by_code.answer.ticket.category, "D");
    assert_eq!(by_code.answer.appointment.slot, "09:00-09:30");
    assert_eq!(
        by_code.answer.appointment.item,
        "不动产转移登记（二手房买卖）"
    );

    // Another card holder's booking, checked in by the card.
    link.book(request(&slot.slot_id, ID_B)).await.unwrap();
    let by_id = link
        .check_in(CheckInRequest::IdNumber {
            id_number: ID_B.into(),
        })
        .await
        .unwrap();
    assert_eq!(by_id.answer.appointment.slot, "09:00-09:30");
    let again = link
        .check_in(CheckInRequest::IdNumber {
            id_number: ID_B.into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(again, CheckInError::AlreadyUsed), "{again:?}");
}

#[tokio::test]
async fn a_slot_that_fills_up_between_list_and_book_is_slot_full() {
    let (sim, link, _d) = setup().await;
    let slot = first_slot(&link).await;
    assert_eq!(slot.left, 3);
    sim.fill_next_booked_slot();
    let err = link.book(request(&slot.slot_id, ID_A)).await.unwrap_err();
    assert!(matches!(err, BookingError::SlotFull), "{err:?}");
    assert_eq!(err.kind(), "slot_full");
    assert!(sim.appointments_booked().is_empty());
    let listed = link.slots(ITEM, &slot.start[..10]).await.unwrap();
    assert_eq!(listed.slots[0].left, 0);
    // Another slot still books.
    link.book(request(&listed.slots[1].slot_id, ID_A))
        .await
        .unwrap();
}

#[tokio::test]
async fn one_open_booking_per_person_and_item_and_cancel_frees_the_seat() {
    let (sim, link, _d) = setup().await;
    sim.set_slot_capacity(1);
    let (day, _) = days();
    let slots = link.slots(ITEM, &day).await.unwrap().slots;
    let booked = link.book(request(&slots[0].slot_id, ID_A)).await.unwrap();

    let twice = link
        .book(request(&slots[1].slot_id, ID_A))
        .await
        .unwrap_err();
    assert!(matches!(twice, BookingError::AlreadyBooked), "{twice:?}");
    let full = link
        .book(request(&slots[0].slot_id, ID_B))
        .await
        .unwrap_err();
    assert!(matches!(full, BookingError::SlotFull), "{full:?}");

    link.cancel_appointment(&booked.appointment_no)
        .await
        .unwrap();
    assert_eq!(link.slots(ITEM, &day).await.unwrap().slots[0].left, 1);
    // A cancelled appointment cannot be checked in.
    let gone = link
        .check_in(CheckInRequest::Code { code: booked.code })
        .await
        .unwrap_err();
    assert!(matches!(gone, CheckInError::NotFound), "{gone:?}");
    // The seat and the person are free again.
    link.book(request(&slots[0].slot_id, ID_A)).await.unwrap();
    let unknown = link.cancel_appointment("YY-NO-SUCH").await.unwrap_err();
    assert!(matches!(unknown, BookingError::NotFound), "{unknown:?}");
}

#[tokio::test]
async fn booking_offline_is_an_offline_error_and_a_lost_answer_frees_its_seat() {
    let (sim, link, dir) = setup().await;
    let slot = first_slot(&link).await;
    drop(link);
    let link = open(&sim, dir.path(), 300, 800);

    sim.set_fault(Fault::Down);
    let err = link.book(request(&slot.slot_id, ID_A)).await.unwrap_err();
    assert_eq!(err.kind(), "offline", "{err:?}");
    let err = link.slots(ITEM, &slot.start[..10]).await.unwrap_err();
    assert_eq!(err.kind(), "offline", "{err:?}");

    // Booked at the backend, the answer lost: the citizen is told it failed, and the void
    // notice the kiosk sends once the link is back frees the seat.
    sim.set_fault(Fault::LoseAnswers);
    let err = link.book(request(&slot.slot_id, ID_A)).await.unwrap_err();
    assert_eq!(err.kind(), "offline", "{err:?}");
    assert_eq!(sim.appointments_booked().len(), 1);
    sim.set_fault(Fault::None);
    assert!(link.flush().await.unwrap());
    assert_eq!(sim.appointments_booked()[0]["cancelled"], true);
    let left = link.slots(ITEM, &slot.start[..10]).await.unwrap().slots[0].left;
    assert_eq!(left, 3);
}

#[tokio::test]
async fn a_second_ticket_in_a_category_by_the_same_card_gets_the_open_number_back() {
    let (sim, link, _d) = setup().await;
    let by_card = |category: &str, id: &str| TicketRequest {
        category: category.into(),
        source: Source::IdCard,
        priority: None,
        applicant: Some(Applicant {
            name: "李秀英".into(),
            id_number: id.into(),
        }),
    };
    let first = link.take_ticket(by_card("A", ID_A)).await.unwrap();
    let err = link.take_ticket(by_card("A", ID_A)).await.unwrap_err();
    assert_eq!(err.kind(), "ticket_limit");
    match err {
        TicketError::Limit { open_ticket } => assert_eq!(open_ticket, first.ticket.ticket_no),
        other => panic!("{other:?}"),
    }
    // Never an offline number instead; other categories, other cards and walk-ins go on.
    assert_eq!(link.status().outbox.pending, 0);
    assert!(link.take_ticket(by_card("B", ID_A)).await.is_ok());
    assert!(link.take_ticket(by_card("A", ID_B)).await.is_ok());
    let walk_in = TicketRequest {
        category: "A".into(),
        source: Source::WalkIn,
        priority: None,
        applicant: None,
    };
    assert!(link.take_ticket(walk_in.clone()).await.is_ok());
    assert!(link.take_ticket(walk_in).await.is_ok());
    assert_eq!(sim.tickets().len(), 5);
}
