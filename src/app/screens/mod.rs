//! Every named screen, put into a presentable state with sample data, for
//! `kiosk screenshot --screen NAME` and for looking at the UI without devices.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, VecModel};

use super::keyboard::Pen;
use super::Kiosk;

mod samples;
use crate::ui::{
    CardProblem, Checkin, CheckinState, ComplaintField, ComplaintKind, ConfirmAction, DeviceTest,
    DeviceTestState, Feature, Help, HelpState, Nav, NoTicketReason, OutOfServiceReason, PinMessage,
    PrintState, RatingOutcome, RatingReason, Screen, Shell, Staff, StatusLevel, StatusRow,
    TicketFlow, TicketPriority,
};
pub use samples::sample_catalog;
use samples::{sample_categories, sample_progress, sample_submission, sample_ticket};

// One list gives both directions of the mapping; `screen_name`'s match makes a new Screen a
// compile error until it has a name here.
macro_rules! screen_names {
    ($($screen:ident => $name:literal,)*) => {
        const ALL_SCREENS: &[Screen] = &[$(Screen::$screen),*];

        /// A screen's name in `kiosk screenshot`, the tests and the help call's report: the
        /// name it has in ui/globals.slint.
        pub fn screen_name(screen: Screen) -> &'static str {
            match screen {
                $(Screen::$screen => $name,)*
            }
        }
    };
}

screen_names! {
    Home => "home",
    Unavailable => "unavailable",
    TicketCategories => "ticket-categories",
    TicketMethod => "ticket-method",
    TicketCardWait => "ticket-card-wait",
    TicketPrinting => "ticket-printing",
    TicketIssued => "ticket-issued",
    TicketFailed => "ticket-failed",
    Checkin => "checkin",
    CheckinNotFound => "checkin-not-found",
    BookPick => "book-pick",
    BookCard => "book-card",
    BookDate => "book-date",
    BookSlot => "book-slot",
    BookConfirm => "book-confirm",
    BookBooking => "book-booking",
    BookDone => "book-done",
    BookFailed => "book-failed",
    PayMethod => "pay-method",
    PayQr => "pay-qr",
    PayScan => "pay-scan",
    PayDone => "pay-done",
    PayFailed => "pay-failed",
    GuideList => "guide-list",
    GuideDetail => "guide-detail",
    HelpCalled => "help-called",
    SubmitPick => "submit-pick",
    SubmitCard => "submit-card",
    SubmitForm => "submit-form",
    SubmitMaterials => "submit-materials",
    SubmitReview => "submit-review",
    SubmitSending => "submit-sending",
    SubmitDone => "submit-done",
    SubmitFailed => "submit-failed",
    Progress => "progress",
    ProgressResult => "progress-result",
    RatingStart => "rating-start",
    Rating => "rating",
    RatingReasons => "rating-reasons",
    RatingDone => "rating-done",
    Complaint => "complaint",
    ComplaintDone => "complaint-done",
    StaffPin => "staff-pin",
    StaffStatus => "staff-status",
    StaffOutbox => "staff-outbox",
    StaffTest => "staff-test",
    OutOfService => "out-of-service",
}

/// The screen of this name, if there is one.
pub fn screen_named(name: &str) -> Option<Screen> {
    ALL_SCREENS
        .iter()
        .copied()
        .find(|s| screen_name(*s) == name)
}

/// The names `kiosk screenshot --list` prints: screens, some of them in more than one state.
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
    "ticket-already-held",
    "checkin",
    "checkin-not-found",
    "checkin-used",
    "book-pick",
    "book-card",
    "book-date",
    "book-slot",
    "book-slot-taken",
    "book-confirm",
    "book-done",
    "book-failed",
    "book-offline",
    "pay-method",
    "pay-qr",
    "pay-scan",
    "pay-done",
    "pay-failed",
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
    "rating-not-saved",
    "complaint",
    "keyboard-pinyin",
    "keyboard-handwriting",
    "complaint-done",
    "complaint-not-saved",
    "staff-pin",
    "staff-status",
    "staff-outbox",
    "staff-test",
    "out-of-service",
    "out-of-service-printer",
    "out-of-service-fault",
    "screen-resting",
];

#[derive(Debug, thiserror::Error)]
#[error("no screen named {0:?}; `kiosk screenshot --list` names them all")]
pub struct UnknownScreen(pub String);

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
        kiosk.open(Feature::Checkin);
    } else if name.starts_with("ticket") {
        kiosk.open(Feature::Ticket);
    }
    flow.set_categories(ModelRc::new(VecModel::from(sample_categories())));
    if let Some(c) = kiosk.guide().guides().category("A") {
        flow.set_category(c.name_text().into());
    }
    let screen = match name {
        "home" => {
            kiosk.go_home();
            return Ok(());
        }
        "unavailable" | "idle-warning" => {
            // Every tile of the home screen has its flow now; this is how a new one would look.
            kiosk.unavailable(Feature::Ticket);
            if name == "idle-warning" {
                nav.set_idle_seconds_left(8);
            }
            return Ok(());
        }
        "ticket-card-expired" => {
            flow.set_card_problem(CardProblem::Expired);
            Screen::TicketCardWait
        }
        "ticket-issued" => {
            sample_ticket(&flow);
            Screen::TicketIssued
        }
        "ticket-elderly" => {
            sample_ticket(&flow);
            flow.set_priority(TicketPriority::Elderly);
            flow.set_priority_from_card(true);
            flow.set_holder_name("李*英".into());
            flow.set_holder_id("110***********1542".into());
            // The card showed 65+: 长辈模式 is offered at the top.
            window.global::<Shell>().set_elderly_offer(true);
            Screen::TicketIssued
        }
        "ticket-offline" => {
            sample_ticket(&flow);
            flow.set_ticket_no("A9001".into());
            flow.set_offline(true);
            Screen::TicketIssued
        }
        "ticket-paper-out" => {
            sample_ticket(&flow);
            flow.set_print_state(PrintState::PaperOut);
            flow.set_home_in(0);
            flow.set_qr(super::qr::qr_image(
                "https://hall.example.gov.cn/track/t/20261124/A023",
                8,
            ));
            Screen::TicketIssued
        }
        "ticket-no-numbers" => {
            flow.set_failure(NoTicketReason::NoOfflineNumbers);
            Screen::TicketFailed
        }
        "ticket-closed" => {
            flow.set_failure(NoTicketReason::Closed);
            flow.set_next_opening("08:30".into());
            Screen::TicketFailed
        }
        "guide-list" => {
            kiosk.open(Feature::Guide);
            return Ok(());
        }
        "guide-search" => {
            kiosk.open(Feature::Guide);
            for k in ["Q", "Y", "S", "L"] {
                kiosk.guide().key(k);
            }
            return Ok(());
        }
        "guide-detail" => {
            kiosk.open(Feature::Guide);
            kiosk.guide().open("620000-001-XK-01");
            return Ok(());
        }
        "submit-pick" => {
            kiosk.open(Feature::Submit);
            return Ok(());
        }
        "submit-card" | "submit-form" | "submit-form-errors" | "submit-materials"
        | "submit-review" | "submit-done" | "submit-failed" => {
            sample_submission(kiosk, name);
            return Ok(());
        }
        "progress" => {
            kiosk.open(Feature::Progress);
            return Ok(());
        }
        "progress-result" => {
            kiosk.open(Feature::Progress);
            sample_progress(kiosk);
            return Ok(());
        }
        "help-called" => {
            kiosk.open(Feature::Help);
            window.global::<Help>().set_state(HelpState::Called);
            window
                .global::<Help>()
                .set_request_no("H20261124-007".into());
            return Ok(());
        }
        "rating" | "rating-reasons" | "rating-done" | "rating-not-saved" => {
            kiosk.open(Feature::Rating);
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
                    .invoke_toggle_reason(RatingReason::WaitedTooLong);
            }
            if name == "rating-done" || name == "rating-not-saved" {
                window.global::<crate::ui::Rating>().set_level(5);
                window
                    .global::<crate::ui::Rating>()
                    .set_result(if name == "rating-done" {
                        RatingOutcome::Thanks
                    } else {
                        RatingOutcome::NotSaved
                    });
                nav.set_screen(Screen::RatingDone);
            }
            return Ok(());
        }
        "complaint"
        | "keyboard-pinyin"
        | "keyboard-handwriting"
        | "complaint-done"
        | "complaint-not-saved" => {
            kiosk.open(Feature::Complaint);
            let c = window.global::<crate::ui::Complaint>();
            c.set_kind(ComplaintKind::NotDone);
            c.set_text("材料已经在网上提交过，窗口又要求".into());
            c.invoke_focus(ComplaintField::Text);
            if name == "keyboard-pinyin" {
                for k in ["c", "h", "o", "n", "g"] {
                    kiosk.keyboard().key(k);
                }
            }
            if name == "keyboard-handwriting" {
                // 政 as a finger wrote it (the recognition tests' recorded strokes).
                kiosk.keyboard().key("mode");
                let strokes = kiosk_handwriting::Strokes::from_json(include_str!(
                    "../../../handwriting/tests/strokes/zheng.json"
                ))
                .expect("the sample strokes parse");
                for stroke in strokes.strokes() {
                    for (i, &(x, y)) in stroke.iter().enumerate() {
                        let pen = if i == 0 { Pen::Down } else { Pen::Move };
                        kiosk.keyboard().pen(pen, x, y);
                    }
                    if let Some(&(x, y)) = stroke.last() {
                        kiosk.keyboard().pen(Pen::Up, x, y);
                    }
                }
            }
            if name == "complaint-done" || name == "complaint-not-saved" {
                kiosk.keyboard().detach();
                c.set_complaint_no("TS20261124-0042".into());
                c.set_not_saved(name == "complaint-not-saved");
                nav.set_screen(Screen::ComplaintDone);
            }
            return Ok(());
        }
        "staff-pin" => {
            kiosk.open(Feature::Staff);
            let staff = window.global::<Staff>();
            staff.set_pin_length(3);
            staff.set_pin_dots("● ● ●".into());
            staff.set_message(PinMessage::Wrong);
            staff.set_tries_left(3);
            return Ok(());
        }
        "staff-status" => {
            let staff = window.global::<Staff>();
            let p = |code: &str, a: &str, b: &str| crate::ui::StaffPhrase {
                code: code.into(),
                a: a.into(),
                b: b.into(),
            };
            let rows = [
                (
                    "printer",
                    StatusLevel::Warn,
                    vec![p("paper-near-end", "", "")],
                ),
                (
                    "idcard",
                    StatusLevel::Ok,
                    vec![p("ready", "", ""), p("last-read", "s", "42")],
                ),
                (
                    "scanner",
                    StatusLevel::Ok,
                    vec![p("ready", "", ""), p("last-scan", "min", "29")],
                ),
                (
                    "help",
                    StatusLevel::Warn,
                    vec![
                        p("help-no", "H20261124-007", ""),
                        p("help-since", "min", "2"),
                    ],
                ),
                (
                    "backend",
                    StatusLevel::Ok,
                    vec![
                        p("online", "", ""),
                        p("last-answer", "s", "12"),
                        p("catalog", "2026-11-20.1", ""),
                        p("catalog-confirmed", "min", "3"),
                    ],
                ),
                (
                    "offline-numbers",
                    StatusLevel::Ok,
                    vec![p("numbers-left", "A", "20"), p("numbers-left", "B", "18")],
                ),
                (
                    "outbox",
                    StatusLevel::Fault,
                    vec![p("waiting", "3", ""), p("refused", "1", "")],
                ),
                (
                    "software",
                    StatusLevel::Ok,
                    vec![
                        p("version-slot", "0.1.0", "A"),
                        p("other-slot", "B", "0.0.9"),
                        p("update-waits-closing", "0.2.0", "02:00-05:00"),
                    ],
                ),
            ];
            staff.set_status(ModelRc::new(VecModel::from(
                rows.into_iter()
                    .map(|(n, l, phrases)| StatusRow {
                        name: n.into(),
                        level: l,
                        phrases: ModelRc::new(VecModel::from(phrases)),
                    })
                    .collect::<Vec<_>>(),
            )));
            staff.set_kiosk_info(crate::ui::KioskInfo {
                id: "HZ-ZW-01".into(),
                version: "0.1.0".into(),
                address: "192.0.2.21".into(),
            });
            staff.set_notice(p("test-page-printed", "", ""));
            kiosk.open(Feature::Staff);
            staff.set_help_open(true);
            staff.set_has_backlight(true);
            staff.set_brightness(80);
            staff.set_has_voice(true);
            staff.set_volume(80);
            nav.set_screen(Screen::StaffStatus);
            return Ok(());
        }
        "staff-test" => {
            kiosk.open(Feature::Staff);
            let staff = window.global::<Staff>();
            staff.set_test_kind(DeviceTest::Card);
            staff.set_test_state(DeviceTestState::Ok);
            staff.set_test_result("李*英 · 110***********1542".into());
            nav.set_screen(Screen::StaffTest);
            return Ok(());
        }
        "out-of-service-printer" => {
            let shell = window.global::<Shell>();
            shell.set_out_of_service(true);
            kiosk.go_home();
            shell.set_out_of_service_reason(OutOfServiceReason::Printer);
            return Ok(());
        }
        "out-of-service-fault" => {
            kiosk.show_fault("/etc/hall-kiosk/kiosk.toml: still to set: kiosk.id, kiosk.hall_id, kiosk.hall_name, kiosk.public_url, backend.url (in a drop-in in /etc/hall-kiosk/kiosk.toml.d/; provisioning writes 50-provision.toml)\n\nkiosk doctor: config FAIL · cjk-font ok · display ok\nnetwork: eth0 192.168.1.23, eth0 fe80::e65f:1ff:fe2a:77c1");
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
                why: crate::ui::StaffPhrase {
                    code: "refused-by-hall".into(),
                    a: "422".into(),
                    b: "".into(),
                },
            }];
            staff.set_dead(ModelRc::new(VecModel::from(rows)));
            staff.set_confirm_key("7f3a9c21-5b0e-4d8a-9c1f-2e6d4b8a0c13".into());
            staff.set_confirm_action(ConfirmAction::Discard);
            kiosk.open(Feature::Staff);
            nav.set_screen(Screen::StaffOutbox);
            return Ok(());
        }
        "out-of-service" => {
            window.global::<Shell>().set_out_of_service(true);
            kiosk.go_home();
            return Ok(());
        }
        "ticket-already-held" => {
            flow.set_failure(NoTicketReason::AlreadyHeld);
            flow.set_ticket_no("C012".into());
            Screen::TicketFailed
        }
        name if name.starts_with("pay-") => {
            samples::sample_payment(kiosk, name);
            return Ok(());
        }
        name if name.starts_with("book-") => {
            samples::sample_booking(kiosk, name);
            return Ok(());
        }
        "checkin-used" => {
            checkin.set_state(CheckinState::Used);
            Screen::CheckinNotFound
        }
        "checkin-not-found" => {
            checkin.set_state(CheckinState::NotFound);
            Screen::CheckinNotFound
        }
        other => screen_named(other).ok_or_else(|| UnknownScreen(other.into()))?,
    };
    nav.set_screen(screen);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_has_a_name_that_leads_back_to_it() {
        let mut seen = std::collections::HashSet::new();
        for &screen in ALL_SCREENS {
            let name = screen_name(screen);
            assert!(seen.insert(name), "{name} names two screens");
            assert_eq!(screen_named(name), Some(screen), "{name}");
        }
        assert_eq!(screen_named("nope"), None);
    }
}
