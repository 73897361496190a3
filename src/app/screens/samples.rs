//! The sample data the screenshots show: categories, a ticket, a submission part way
//! through, a progress answer.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, VecModel};

use super::super::Kiosk;
use crate::domain::catalog::Guides;
use crate::ui::{CategoryRow, Feature, Nav, PrintState, Screen, TicketFlow};

pub(super) fn sample_categories() -> Vec<CategoryRow> {
    // The names are the sample catalog's, in every language it carries; the queue figures
    // are made up, one category closed.
    let figures = [
        ("A", 12, 18),
        ("B", 5, 8),
        ("C", 0, 0),
        ("D", 23, 41),
        ("E", 0, 0),
        ("F", 1, 3),
    ];
    let guides = Guides::from_catalog(&sample_catalog());
    guides
        .categories
        .iter()
        .map(|c| {
            let (waiting, est) = figures
                .iter()
                .find(|f| f.0 == c.code)
                .map_or((0, 0), |f| (f.1, f.2));
            let open = c.code != "E";
            CategoryRow {
                code: c.code.clone().into(),
                name: c.name_text().into(),
                windows: c.windows.join(", ").into(),
                waiting,
                est_wait_min: est,
                open,
                hours: if open { "08:30-17:30" } else { "09:00-17:00" }.into(),
            }
        })
        .collect()
}

/// The sample catalog the reference backend serves (hall/data/catalog.json).
pub fn sample_catalog() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../hall/data/catalog.json"))
        .expect("the bundled sample catalog is valid JSON")
}

pub(super) fn sample_ticket(flow: &TicketFlow<'_>) {
    flow.set_category_code("A".into());
    let guides = Guides::from_catalog(&sample_catalog());
    if let Some(c) = guides.category("A") {
        flow.set_category(c.name_text().into());
    }
    flow.set_windows("1, 2, 3".into());
    flow.set_ticket_no("A023".into());
    flow.set_waiting_ahead(12);
    flow.set_est_wait_min(18);
    flow.set_issued_time("2026-11-24 09:41".into());
    flow.set_print_state(PrintState::Printed);
    flow.set_home_in(8);
}

/// A citizen part way through filing 城乡居民基本养老保险参保登记, with the sample card.
pub(super) fn sample_submission(kiosk: &Rc<Kiosk>, name: &str) {
    use crate::domain::{AppEvent, CardHolder};
    use crate::ui::{Submit, SubmitFailure};
    let submit = kiosk.submit().clone();
    kiosk.open(Feature::Submit);
    submit.start_item("620000-020-GG-01");
    if name == "submit-card" {
        return;
    }
    if name == "submit-failed" {
        kiosk.submit().start_item("no-such-item");
        return;
    }
    submit.handle(&AppEvent::CardPresented(CardHolder {
        name: "李秀英".into(),
        id_number: "110101195003071542".into(),
        birth: None,
        valid_until: None,
        usable: true,
        address: "甘肃省甘南藏族自治州合作市当周街道 12 号".into(),
    }));
    let s = kiosk.window().global::<Submit>();
    if name == "submit-form-errors" {
        s.invoke_choose("phone".into(), "1391234".into());
        s.invoke_next();
        return;
    }
    s.invoke_choose("phone".into(), "13912345678".into());
    if name == "submit-form" {
        s.invoke_focus("phone".into());
        return;
    }
    s.invoke_choose("grade".into(), "500".into());
    s.invoke_next();
    if name == "submit-materials" {
        return;
    }
    s.invoke_next();
    if name == "submit-review" {
        return;
    }
    // Without a backend nothing is sent: show the receipt a citizen gets.
    s.set_failure(SubmitFailure::None);
    s.set_receipt_no("SB20261124-0007".into());
    s.set_promised_date("2026-11-29".into());
    s.set_print_state(PrintState::Printed);
    kiosk
        .window()
        .global::<Nav>()
        .set_screen(Screen::SubmitDone);
}

/// Two cases of the sample citizen: one moving, one still on the kiosk.
pub(super) fn sample_progress(kiosk: &Rc<Kiosk>) {
    use crate::ui::{CaseRow, CaseStatus, Progress, ProgressState};
    let guides = kiosk.guide().guides();
    let item = |name: &str| {
        guides
            .item_named(name)
            .map(|i| i.name_text().into())
            .unwrap_or_default()
    };
    let rows = vec![
        CaseRow {
            receipt_no: "SB20261120-0031".into(),
            item: item("城乡居民基本养老保险参保登记"),
            status: CaseStatus::InReview,
            step: 2,
            updated: "2026-11-24 09:12".into(),
            next_step: "审核中，如需补充材料将短信通知您".into(),
            r#where: "".into(),
        },
        CaseRow {
            receipt_no: "LS-7F3A9C21".into(),
            item: item("户籍证明开具"),
            status: CaseStatus::WaitingToSend,
            step: -1,
            updated: "".into(),
            next_step: "".into(),
            r#where: "".into(),
        },
    ];
    let p = kiosk.window().global::<Progress>();
    p.set_cases(ModelRc::new(VecModel::from(rows)));
    p.set_state(ProgressState::Found);
    kiosk
        .window()
        .global::<Nav>()
        .set_screen(Screen::ProgressResult);
}

/// The booking flow's screens with a sample matter, card holder, days and slots.
pub(super) fn sample_booking(kiosk: &Rc<Kiosk>, name: &str) {
    use crate::ui::{BookFailure, Booking, DayChoice, SlotRow};
    let window = kiosk.window();
    let b = window.global::<Booking>();
    let guides = Guides::from_catalog(&sample_catalog());
    if let Some(item) = guides.items.first() {
        b.set_item(item.name_text().into());
    }
    b.set_windows("7, 8".into());
    b.set_holder_name("张*".into());
    b.set_holder_id("440***********2330".into());
    let day = |date: &str, month, day, weekday| DayChoice {
        date: date.into(),
        month,
        day,
        weekday,
    };
    let days = vec![
        day("2026-11-25", 11, 25, 2),
        day("2026-11-26", 11, 26, 3),
        day("2026-11-27", 11, 27, 4),
        day("2026-11-30", 11, 30, 0),
        day("2026-12-01", 12, 1, 1),
        day("2026-12-02", 12, 2, 2),
        day("2026-12-03", 12, 3, 3),
    ];
    b.set_day(days[3].clone());
    b.set_days(ModelRc::new(VecModel::from(days)));
    let slot = |id: &str, label: &str, left| SlotRow {
        id: id.into(),
        label: label.into(),
        left,
    };
    b.set_slots(ModelRc::new(VecModel::from(vec![
        slot("s0900", "09:00-09:30", 0),
        slot("s0930", "09:30-10:00", 2),
        slot("s1000", "10:00-10:30", 3),
        slot("s1030", "10:30-11:00", 1),
        slot("s1400", "14:00-14:30", 0),
        slot("s1430", "14:30-15:00", 3),
    ])));
    b.set_slot("09:30-10:00".into());
    let screen = match name {
        "book-pick" => Screen::BookPick,
        "book-card" => Screen::BookCard,
        "book-date" => Screen::BookDate,
        "book-slot" => Screen::BookSlot,
        "book-slot-taken" => {
            b.set_slot_taken(true);
            Screen::BookSlot
        }
        "book-confirm" => Screen::BookConfirm,
        "book-done" => {
            b.set_appointment_no("YY20261130007".into());
            b.set_code("AP0042".into());
            b.set_qr(super::super::qr::qr_image(
                "hk:appt:v1:hezuo-zwfw:AP0042",
                8,
            ));
            b.set_print_state(crate::ui::PrintState::Printed);
            Screen::BookDone
        }
        "book-offline" => {
            b.set_failure(BookFailure::Offline);
            Screen::BookFailed
        }
        _ => {
            b.set_failure(BookFailure::AlreadyBooked);
            Screen::BookFailed
        }
    };
    window.global::<Nav>().set_screen(screen);
}

/// The payment flow's screens with the sample catalog's fee.
pub(super) fn sample_payment(kiosk: &Rc<Kiosk>, name: &str) {
    use crate::ui::{FeeRow, Pay, PayFailure};
    let window = kiosk.window();
    let p = window.global::<Pay>();
    let guides = Guides::from_catalog(&sample_catalog());
    if let Some(item) = guides.item("620000-040-QT-01") {
        p.set_label(item.name_text().into());
    }
    p.set_payee("不动产登记中心".into());
    p.set_fees(ModelRc::new(VecModel::from(vec![FeeRow {
        name: "不动产登记费（住宅）".into(),
        amount: "80.00 元".into(),
    }])));
    p.set_total("80.00 元".into());
    let screen = match name {
        "pay-qr" => {
            p.set_qr(super::super::qr::qr_image(
                "https://pay.example.gov.cn/q/PAY20261124001",
                8,
            ));
            p.set_seconds_left(272);
            Screen::PayQr
        }
        "pay-scan" => Screen::PayScan,
        "pay-done" => {
            p.set_payment_no("PAY20261124001".into());
            p.set_einvoice(true);
            p.set_print_state(PrintState::Printed);
            Screen::PayDone
        }
        "pay-failed" => {
            p.set_failure(PayFailure::Declined);
            Screen::PayFailed
        }
        _ => Screen::PayMethod,
    };
    window.global::<Nav>().set_screen(screen);
}
