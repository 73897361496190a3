//! Every named screen, put into a presentable state with sample data, for
//! `kiosk screenshot --screen NAME` and for looking at the UI without devices.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, VecModel};

use super::Kiosk;
use crate::ui::{CategoryRow, Checkin, Help, Nav, Shell, Staff, StatusRow, TicketFlow};

/// The names `kiosk screenshot --list` prints.
pub const SCREENS: &[&str] = &[
    "home",
    "unavailable",
    "idle-warning",
    "ticket-categories",
    "ticket-method",
    "ticket-card-wait",
    "ticket-card-expired",
    "ticket-printing",
    "ticket-issued",
    "ticket-elderly",
    "ticket-offline",
    "ticket-paper-out",
    "ticket-no-numbers",
    "ticket-closed",
    "checkin",
    "checkin-not-found",
    "checkin-used",
    "guide-list",
    "guide-search",
    "guide-detail",
    "help-called",
    "submit-pick",
    "submit-card",
    "submit-form",
    "submit-form-errors",
    "submit-materials",
    "submit-review",
    "submit-done",
    "submit-failed",
    "progress",
    "progress-result",
    "rating",
    "rating-reasons",
    "rating-done",
    "complaint",
    "keyboard-pinyin",
    "complaint-done",
    "staff-pin",
    "staff-status",
    "staff-outbox",
    "staff-test",
    "out-of-service",
    "out-of-service-printer",
    "screen-resting",
];

#[derive(Debug, thiserror::Error)]
#[error("no screen named {0:?}; `kiosk screenshot --list` names them all")]
pub struct UnknownScreen(pub String);

fn sample_categories() -> Vec<CategoryRow> {
    let rows = [
        ("A", "企业服务", "1, 2, 3", 12, 18, true),
        ("B", "社会事务", "4, 5, 6", 5, 8, true),
        ("C", "投资审批", "7", 0, 0, true),
        ("D", "不动产登记", "8, 9", 23, 41, true),
        ("E", "公共资源交易", "10", 0, 0, false),
        ("F", "办不成事反映", "11", 1, 3, true),
    ];
    rows.into_iter()
        .map(|(code, name, windows, waiting, est, open)| CategoryRow {
            code: code.into(),
            name: name.into(),
            windows: windows.into(),
            waiting,
            est_wait_min: est,
            open,
            hours: if open { "08:30-17:30" } else { "09:00-17:00" }.into(),
        })
        .collect()
}

/// The sample catalog the reference backend serves (hall/data/catalog.json).
pub fn sample_catalog() -> serde_json::Value {
    serde_json::from_str(include_str!("../../hall/data/catalog.json"))
        .expect("the bundled sample catalog is valid JSON")
}

fn sample_ticket(flow: &TicketFlow<'_>) {
    flow.set_category_code("A".into());
    flow.set_category_name("企业服务".into());
    flow.set_windows("1, 2, 3".into());
    flow.set_ticket_no("A023".into());
    flow.set_waiting_ahead(12);
    flow.set_est_wait_min(18);
    flow.set_issued_time("2026-11-24 09:41".into());
    flow.set_print_state("printed".into());
    flow.set_home_in(8);
}

/// Shows the named screen with sample data.
pub fn show(kiosk: &Rc<Kiosk>, name: &str) -> Result<(), UnknownScreen> {
    if !SCREENS.contains(&name) {
        return Err(UnknownScreen(name.into()));
    }
    let window = kiosk.window();
    let nav = window.global::<Nav>();
    let flow = window.global::<TicketFlow>();
    let checkin = window.global::<Checkin>();
    kiosk.set_catalog(&sample_catalog());
    // Open the flow first: opening resets it, and the sample data goes on top.
    if name.starts_with("checkin") {
        kiosk.open("checkin");
    } else if name.starts_with("ticket") {
        kiosk.open("ticket");
    }
    flow.set_categories(ModelRc::new(VecModel::from(sample_categories())));
    flow.set_category_name("企业服务".into());
    let screen = match name {
        "home" => {
            kiosk.go_home();
            return Ok(());
        }
        "unavailable" | "idle-warning" => {
            // Any tile id no flow answers to; every tile of the home screen has one now.
            kiosk.open("certificates");
            if name == "idle-warning" {
                nav.set_idle_seconds_left(8);
            }
            return Ok(());
        }
        "ticket-card-expired" => {
            flow.set_card_problem("expired".into());
            "ticket-card-wait"
        }
        "ticket-issued" => {
            sample_ticket(&flow);
            name
        }
        "ticket-elderly" => {
            sample_ticket(&flow);
            flow.set_priority("elderly".into());
            flow.set_priority_from_card(true);
            flow.set_holder_name("李*英".into());
            flow.set_holder_id("110***********1542".into());
            "ticket-issued"
        }
        "ticket-offline" => {
            sample_ticket(&flow);
            flow.set_ticket_no("A9001".into());
            flow.set_offline(true);
            "ticket-issued"
        }
        "ticket-paper-out" => {
            sample_ticket(&flow);
            flow.set_print_state("paper_out".into());
            flow.set_home_in(0);
            flow.set_qr(super::qr::qr_image(
                "https://hall.example.gov.cn/track/t/20261124/A023",
                8,
            ));
            "ticket-issued"
        }
        "ticket-no-numbers" => {
            flow.set_failure("no_offline_numbers".into());
            "ticket-failed"
        }
        "ticket-closed" => {
            flow.set_failure("closed".into());
            flow.set_next_opening("08:30".into());
            "ticket-failed"
        }
        "guide-list" => {
            kiosk.open("guide");
            return Ok(());
        }
        "guide-search" => {
            kiosk.open("guide");
            for k in ["Q", "Y", "S", "L"] {
                kiosk.guide().key(k);
            }
            return Ok(());
        }
        "guide-detail" => {
            kiosk.open("guide");
            kiosk.guide().open("620000-001-XK-01");
            return Ok(());
        }
        "submit-pick" => {
            kiosk.open("submit");
            return Ok(());
        }
        "submit-card" | "submit-form" | "submit-form-errors" | "submit-materials"
        | "submit-review" | "submit-done" | "submit-failed" => {
            sample_submission(kiosk, name);
            return Ok(());
        }
        "progress" => {
            kiosk.open("progress");
            return Ok(());
        }
        "progress-result" => {
            kiosk.open("progress");
            sample_progress(kiosk);
            return Ok(());
        }
        "help-called" => {
            kiosk.open("help");
            window.global::<Help>().set_state("called".into());
            window
                .global::<Help>()
                .set_request_no("H20261124-007".into());
            return Ok(());
        }
        "rating" | "rating-reasons" | "rating-done" => {
            kiosk.open("rating");
            let fb = kiosk.feedback();
            fb.rate(crate::domain::ServiceRef::Ticket {
                date: "20261124".into(),
                ticket_no: "A023".into(),
            });
            if name != "rating" {
                window
                    .global::<crate::ui::Rating>()
                    .invoke_choose_level(if name == "rating-done" { 5 } else { 2 });
                window
                    .global::<crate::ui::Rating>()
                    .invoke_toggle_reason("waited_too_long".into());
            }
            if name == "rating-done" {
                window.global::<crate::ui::Rating>().set_level(5);
                window
                    .global::<crate::ui::Rating>()
                    .set_result("thanks".into());
                nav.set_screen("rating-done".into());
            }
            return Ok(());
        }
        "complaint" | "keyboard-pinyin" | "complaint-done" => {
            kiosk.open("complaint");
            let c = window.global::<crate::ui::Complaint>();
            c.set_kind("not_done".into());
            c.set_text("材料已经在网上提交过，窗口又要求".into());
            c.invoke_focus("text".into());
            if name == "keyboard-pinyin" {
                for k in ["c", "h", "o", "n", "g"] {
                    kiosk.keyboard().key(k);
                }
            }
            if name == "complaint-done" {
                kiosk.keyboard().detach();
                c.set_complaint_no("TS20261124-0042".into());
                nav.set_screen("complaint-done".into());
            }
            return Ok(());
        }
        "staff-pin" => {
            kiosk.open("staff");
            let staff = window.global::<Staff>();
            staff.set_pin_length(3);
            staff.set_pin_dots("● ● ●".into());
            staff.set_message("wrong".into());
            staff.set_tries_left(3);
            return Ok(());
        }
        "staff-status" => {
            let staff = window.global::<Staff>();
            let rows = [
                (
                    "printer",
                    "warn",
                    "纸将尽 paper near end · /dev/hall-kiosk/printer",
                ),
                (
                    "idcard",
                    "ok",
                    "SAM 05.01-20260101-0012345678 · last read 09:40",
                ),
                ("scanner", "ok", "last scan 09:12"),
                ("help", "warn", "H20261124-007 · 2 min ago"),
                (
                    "backend",
                    "ok",
                    "last contact 09:41 · clock skew 0.2 s · catalog 2026-11-20.1",
                ),
                (
                    "offline-numbers",
                    "ok",
                    "A 20 · B 20 · C 20 · D 20 · E 20 · F 20",
                ),
                (
                    "outbox",
                    "fault",
                    "3 pending · 1 dead letter (422 body mismatch)",
                ),
            ];
            staff.set_status(ModelRc::new(VecModel::from(
                rows.iter()
                    .map(|(n, l, d)| StatusRow {
                        name: (*n).into(),
                        level: (*l).into(),
                        detail: (*d).into(),
                    })
                    .collect::<Vec<_>>(),
            )));
            staff.set_kiosk_info("HZ-ZW-01 · hall-kiosk 0.1.0 · 192.0.2.21".into());
            kiosk.open("staff");
            staff.set_help_open(true);
            staff.set_has_backlight(true);
            staff.set_brightness(80);
            nav.set_screen("staff-status".into());
            return Ok(());
        }
        "staff-test" => {
            kiosk.open("staff");
            let staff = window.global::<Staff>();
            staff.set_test_kind("card".into());
            staff.set_test_state("ok".into());
            staff.set_test_result("李*英 · 110***********1542".into());
            nav.set_screen("staff-test".into());
            return Ok(());
        }
        "out-of-service-printer" => {
            let shell = window.global::<Shell>();
            shell.set_out_of_service(true);
            kiosk.go_home();
            shell.set_out_of_service_reason("printer".into());
            return Ok(());
        }
        "screen-resting" => {
            window.global::<Shell>().set_resting(true);
            return Ok(());
        }
        "staff-outbox" => {
            let staff = window.global::<Staff>();
            let rows = vec![crate::ui::DeadRow {
                key: "7f3a9c21-5b0e-4d8a-9c1f-2e6d4b8a0c13".into(),
                kind: "rating".into(),
                error: "422 key_reused: this Idempotency-Key came with a different body".into(),
            }];
            staff.set_dead(ModelRc::new(VecModel::from(rows)));
            staff.set_confirm_key("7f3a9c21-5b0e-4d8a-9c1f-2e6d4b8a0c13".into());
            staff.set_confirm_action("discard".into());
            kiosk.open("staff");
            nav.set_screen("staff-outbox".into());
            return Ok(());
        }
        "out-of-service" => {
            window.global::<Shell>().set_out_of_service(true);
            kiosk.go_home();
            return Ok(());
        }
        "checkin-used" => {
            checkin.set_state("used".into());
            "checkin-not-found"
        }
        "checkin-not-found" => {
            checkin.set_state("not-found".into());
            name
        }
        other => other,
    };
    nav.set_screen(screen.into());
    Ok(())
}

/// A citizen part way through filing 城乡居民基本养老保险参保登记, with the sample card.
fn sample_submission(kiosk: &Rc<Kiosk>, name: &str) {
    use crate::domain::{AppEvent, CardHolder};
    use crate::ui::Submit;
    let submit = kiosk.submit().clone();
    kiosk.open("submit");
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
    s.set_failure("".into());
    s.set_receipt_no("SB20261124-0007".into());
    s.set_promised_date("2026-11-29".into());
    s.set_print_state("printed".into());
    kiosk
        .window()
        .global::<Nav>()
        .set_screen("submit-done".into());
}

/// Two cases of the sample citizen: one moving, one still on the kiosk.
fn sample_progress(kiosk: &Rc<Kiosk>) {
    use crate::ui::{CaseRow, Progress};
    let rows = vec![
        CaseRow {
            receipt_no: "SB20261120-0031".into(),
            item_name: "城乡居民基本养老保险参保登记".into(),
            status: "in_review".into(),
            step: 2,
            updated: "2026-11-24 09:12".into(),
            next_step: "审核中，如需补充材料将短信通知您".into(),
            r#where: "".into(),
        },
        CaseRow {
            receipt_no: "LS-7F3A9C21".into(),
            item_name: "户籍证明开具".into(),
            status: "waiting_to_send".into(),
            step: -1,
            updated: "".into(),
            next_step: "".into(),
            r#where: "".into(),
        },
    ];
    let p = kiosk.window().global::<Progress>();
    p.set_cases(ModelRc::new(VecModel::from(rows)));
    p.set_state("found".into());
    kiosk
        .window()
        .global::<Nav>()
        .set_screen("progress-result".into());
}
