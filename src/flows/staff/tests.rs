use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::*;
use crate::domain::{CardHolder, ScannedCode};

const PIN: &str = "2468";
const NOW: i64 = 1_795_485_600;

/// Hashing is slow in a debug build; one hash serves every test.
fn hashes() -> Vec<String> {
    static HASH: OnceLock<String> = OnceLock::new();
    vec![HASH.get_or_init(|| hash_pin(PIN)).clone()]
}

fn flow() -> StaffFlow {
    let mut f = StaffFlow::new(hashes(), Duration::from_secs(300));
    f.handle(Input::Start);
    f
}

fn type_pin(f: &mut StaffFlow, pin: &str, now: Instant) -> Vec<Effect> {
    for d in pin.chars() {
        f.handle(Input::Digit(d.to_string()));
    }
    f.handle(Input::Submit { now })
}

fn code(staff_id: &str, expires: i64) -> Input {
    Input::Code {
        staff_id: staff_id.into(),
        expires,
        now: NOW,
        at: Instant::now(),
        refused: None,
    }
}

fn signed_in_by(staff_id: &str) -> StaffFlow {
    let mut f = flow();
    f.handle(code(staff_id, NOW + 3600));
    f
}

fn audits(fx: &[Effect]) -> Vec<(String, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Audit { who, what } => Some((who.clone(), what.clone())),
            _ => None,
        })
        .collect()
}

fn audit(who: &str, what: &str) -> Effect {
    Effect::Audit {
        who: who.into(),
        what: what.into(),
    }
}

fn card() -> AppEvent {
    AppEvent::CardPresented(CardHolder {
        name: "李小英".into(),
        id_number: "110101195003071542".into(),
        birth: None,
        valid_until: None,
        usable: true,
        address: String::new(),
    })
}

#[test]
fn the_pad_shows_a_dot_per_digit_and_ignores_digits_past_the_longest_pin() {
    let mut f = flow();
    assert_eq!(f.handle(Input::Digit("1".into())), [Effect::PinDots(1)]);
    for _ in 0..20 {
        f.handle(Input::Digit("1".into()));
    }
    assert_eq!(f.handle(Input::Erase), [Effect::PinDots(MAX_PIN - 1)]);
}

#[test]
fn the_right_pin_signs_in_as_pin_and_shows_the_status() {
    let mut f = flow();
    let fx = type_pin(&mut f, PIN, Instant::now());
    assert!(f.signed_in());
    assert_eq!(
        fx,
        [
            Effect::PinDots(0),
            Effect::GateChanged,
            Effect::StaffLocked(false),
            audit("pin", "signed in with PIN"),
            Effect::Activity,
            Effect::Confirm(None),
            Effect::Show(View::Status),
        ]
    );
}

#[test]
fn wrong_pins_count_down_and_lock_even_the_right_one_until_the_lockout_ends() {
    let mut f = flow();
    let t = Instant::now();
    for left in (1..MAX_TRIES).rev() {
        let fx = type_pin(&mut f, "1111", t);
        assert_eq!(
            fx,
            [
                Effect::PinDots(0),
                Effect::GateChanged,
                Effect::PinMessage(PinMessage::Wrong { tries_left: left })
            ],
            "each wrong PIN is kept (GateChanged), so a restart does not reset the count"
        );
    }
    let fx = type_pin(&mut f, "1111", t);
    assert!(fx.contains(&Effect::StaffLocked(true)), "{fx:?}");
    assert!(fx.contains(&Effect::PinMessage(PinMessage::Locked { minutes: 5 })));
    assert_eq!(
        audits(&fx),
        [(
            "pin".into(),
            "staff mode locked: too many wrong PINs".into()
        )]
    );
    assert!(matches!(fx[2], Effect::Alert { .. }), "hall IT are alerted");

    let fx = type_pin(&mut f, PIN, t + Duration::from_secs(61));
    assert!(!f.signed_in());
    assert!(fx.contains(&Effect::PinMessage(PinMessage::Locked { minutes: 4 })));

    type_pin(&mut f, PIN, t + Duration::from_secs(301));
    assert!(f.signed_in(), "the lockout ended");
}

#[test]
fn a_signed_code_signs_in_and_names_the_person_in_the_audit() {
    let mut f = flow();
    let fx = f.handle(code("W0012", NOW + 3600));
    assert!(f.signed_in());
    assert_eq!(
        audits(&fx),
        [("W0012".into(), "signed in with staff code".into())]
    );
    assert_eq!(fx.last(), Some(&Effect::Show(View::Status)));
    let fx = f.handle(Input::Action(Action::TestPrint));
    assert_eq!(audits(&fx), [("W0012".into(), "test-print".into())]);
}

#[test]
fn an_expired_code_is_refused_and_logged() {
    let mut f = flow();
    let fx = f.handle(code("W0012", NOW));
    assert!(!f.signed_in());
    assert_eq!(
        audits(&fx),
        [("W0012".into(), "expired staff code refused".into())]
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Show(_))));
}

#[test]
fn a_signed_code_opens_a_locked_pad_and_hall_it_hear_of_it() {
    let mut f = flow();
    for _ in 0..MAX_TRIES {
        type_pin(&mut f, "1111", Instant::now());
    }
    let fx = f.handle(code("W0012", NOW + 60));
    assert!(f.signed_in());
    assert_eq!(
        fx[0],
        Effect::Alert {
            what: "staff code while staff mode is locked",
            staff: Some("W0012".into())
        }
    );
    assert!(fx.contains(&Effect::StaffLocked(false)));
}

#[test]
fn nothing_acts_before_sign_in() {
    let mut f = flow();
    for input in [
        Input::Action(Action::Restart),
        Input::Action(Action::TestCard),
        Input::ShowOutbox,
        Input::BackToStatus,
        Input::OutOfService {
            on: true,
            reason: Some(Reason::Printer),
        },
        Input::Device(card()),
    ] {
        assert_eq!(f.handle(input), []);
    }
}

#[test]
fn a_test_card_read_shows_the_masked_name_and_id_and_is_taken_from_the_flows() {
    let mut f = signed_in_by("W0012");
    let fx = f.handle(Input::Action(Action::TestCard));
    assert_eq!(
        fx,
        [Effect::TestStarted(Test::Card), Effect::Show(View::Test)]
    );
    assert!(f.testing());
    let fx = f.handle(Input::Device(card()));
    assert_eq!(
        fx,
        [
            audit("W0012", "test card read: ok"),
            Effect::TestResult {
                ok: true,
                result: "李*英 · 110***********1542".into()
            },
            Effect::Taken,
        ]
    );
    assert!(!f.testing(), "one read per test");
    assert_eq!(
        f.handle(Input::Device(card())),
        [],
        "the next card is a citizen's"
    );
}

#[test]
fn a_failed_read_or_an_offline_reader_fails_the_test() {
    let mut f = signed_in_by("W0012");
    f.handle(Input::Action(Action::TestCard));
    let fx = f.handle(Input::Device(AppEvent::ReaderOffline));
    assert!(fx.contains(&Effect::TestResult {
        ok: false,
        result: "offline".into()
    }));
    assert!(fx.contains(&Effect::Taken));
}

#[test]
fn an_event_during_a_test_that_is_not_the_tests_is_not_taken() {
    let mut f = signed_in_by("W0012");
    f.handle(Input::Action(Action::TestScan));
    assert_eq!(f.handle(Input::Device(card())), []);
    assert!(f.testing(), "still waiting for a scan");
    // A card lifted off the reader is swallowed, not half of a citizen's read.
    assert_eq!(
        f.handle(Input::Device(AppEvent::CardRemoved)),
        [Effect::Taken]
    );
    let fx = f.handle(Input::Device(AppEvent::Scanned(ScannedCode::Ticket {
        date: "20261124".into(),
        ticket_no: "A017".into(),
    })));
    assert!(fx.contains(&Effect::TestResult {
        ok: true,
        result: "ticket".into()
    }));
    assert!(fx.contains(&Effect::Taken));
}

#[test]
fn a_forged_code_fails_the_scan_test() {
    let mut f = signed_in_by("W0012");
    f.handle(Input::Action(Action::TestScan));
    let fx = f.handle(Input::Device(AppEvent::Scanned(ScannedCode::BadSignature)));
    assert!(fx.contains(&Effect::TestResult {
        ok: false,
        result: "bad-signature".into()
    }));
}

#[test]
fn back_to_status_ends_a_waiting_test() {
    let mut f = signed_in_by("W0012");
    f.handle(Input::Action(Action::TestCard));
    f.handle(Input::BackToStatus);
    assert!(!f.testing());
    assert_eq!(f.handle(Input::Device(card())), []);
}

#[test]
fn restart_needs_a_second_tap_and_any_other_action_cancels_the_question() {
    let mut f = signed_in_by("W0012");
    let ask = || Effect::Confirm(Some(("restart".into(), Confirm::Restart)));
    assert_eq!(f.handle(Input::Action(Action::Restart)), [ask()]);
    let fx = f.handle(Input::Action(Action::TestPrint));
    assert!(fx.contains(&Effect::Confirm(None)), "{fx:?}");
    assert_eq!(
        f.handle(Input::Action(Action::Restart)),
        [ask()],
        "asked again"
    );
    let fx = f.handle(Input::Action(Action::Restart));
    assert_eq!(
        fx,
        [
            Effect::Confirm(None),
            audit("W0012", "restarted the kiosk"),
            Effect::RequestRestart,
        ]
    );
}

#[test]
fn a_dead_letter_acts_on_the_second_tap_on_the_same_entry_and_action() {
    let mut f = signed_in_by("W0012");
    f.handle(Input::ShowOutbox);
    let tap = |f: &mut StaffFlow, key: &str, action| {
        f.handle(Input::DeadLetter {
            key: key.into(),
            action,
        })
    };
    tap(&mut f, "k1", DeadAction::Retry);
    let fx = tap(&mut f, "k2", DeadAction::Retry);
    assert_eq!(
        fx,
        [Effect::Confirm(Some(("k2".into(), Confirm::Retry)))],
        "another entry asks anew"
    );
    let fx = tap(&mut f, "k2", DeadAction::Discard);
    assert!(audits(&fx).is_empty(), "another action asks anew");
    let fx = tap(&mut f, "k2", DeadAction::Discard);
    assert_eq!(
        audits(&fx),
        [("W0012".into(), "dead letter k2: discard".into())]
    );
    assert!(fx.contains(&Effect::DeadLetter {
        key: "k2".into(),
        action: "discard"
    }));
    assert_eq!(fx.last(), Some(&Effect::Show(View::Outbox)));
}

#[test]
fn brightness_is_audited_with_the_level_the_screen_reached() {
    let mut f = signed_in_by("W0012");
    assert_eq!(
        f.handle(Input::Action(Action::BrightnessDown)),
        [Effect::StepBrightness(-BRIGHTNESS_STEP)]
    );
    let fx = f.handle(Input::Brightness(70));
    assert_eq!(audits(&fx), [("W0012".into(), "brightness 70 %".into())]);
    assert_eq!(fx.last(), Some(&Effect::Show(View::Status)));
}

#[test]
fn volume_is_stepped_and_audited_with_the_level_reached() {
    let mut f = signed_in_by("W0012");
    assert_eq!(
        f.handle(Input::Action(Action::VolumeUp)),
        [Effect::StepVolume(VOLUME_STEP)]
    );
    assert_eq!(
        f.handle(Input::Action(Action::VolumeDown)),
        [Effect::StepVolume(-VOLUME_STEP)]
    );
    let fx = f.handle(Input::Volume(90));
    assert_eq!(audits(&fx), [("W0012".into(), "volume 90 %".into())]);
    assert_eq!(fx.last(), Some(&Effect::Show(View::Status)));
}

#[test]
fn clearing_the_help_call_ends_it_and_stays_in_staff_mode() {
    let mut f = signed_in_by("W0012");
    let fx = f.handle(Input::Action(Action::ClearHelp));
    assert!(fx.contains(&Effect::ClearHelp));
    assert_eq!(fx.last(), Some(&Effect::Show(View::Status)));
    assert!(f.signed_in());
}

#[test]
fn leaving_audits_and_goes_home() {
    let mut f = signed_in_by("W0012");
    let fx = f.handle(Input::Leave);
    assert_eq!(fx, [audit("W0012", "left staff mode"), Effect::GoHome]);
    assert!(!f.signed_in());
    // Going home leaves staff mode again; only the first leave is audited.
    assert_eq!(f.handle(Input::Leave), [Effect::GoHome]);
}

#[test]
fn out_of_service_keeps_the_reason_until_staff_put_it_back() {
    let mut f = signed_in_by("W0012");
    let fx = f.handle(Input::OutOfService {
        on: true,
        reason: Some(Reason::Printer),
    });
    assert_eq!(
        audits(&fx),
        [("W0012".into(), "out of service: on (printer)".into())]
    );
    assert!(fx.contains(&Effect::KeepOutOfService {
        on: true,
        reason: Some(Reason::Printer)
    }));
    assert!(fx.contains(&Effect::ShowOutOfService {
        on: true,
        reason: Some(Reason::Printer)
    }));
    assert_eq!(f.out_of_service(), Some(Some(Reason::Printer)));
    f.handle(Input::Leave);
    assert_eq!(f.out_of_service(), Some(Some(Reason::Printer)));

    let mut f = signed_in_by("W0013");
    f.handle(Input::OutOfService {
        on: false,
        reason: None,
    });
    assert_eq!(f.out_of_service(), None);
}

#[test]
fn a_kept_reason_is_shown_at_start_up_without_a_sign_in() {
    let mut f = StaffFlow::new(hashes(), Duration::from_secs(300));
    let fx = f.handle(Input::KeptOutOfService {
        on: true,
        reason: "network".into(),
    });
    assert_eq!(
        fx,
        [Effect::ShowOutOfService {
            on: true,
            reason: Some(Reason::Network)
        }]
    );
    // A reason from a newer build shows the general words.
    assert_eq!(Reason::from_code("flood"), Some(Reason::Maintenance));
    assert_eq!(Reason::from_code(""), None);
}

/// A signed code the services refused (shown before, or valid too long) opens nothing, is
/// named in the audit trail and an alert, and counts toward the lockout like a wrong PIN.
#[test]
fn refused_staff_codes_open_nothing_and_lock_staff_mode_after_five() {
    use crate::domain::StaffRefusal;
    let mut f = flow();
    let refused = |why| Input::Code {
        staff_id: "W0012".into(),
        expires: NOW + 3600,
        now: NOW,
        at: Instant::now(),
        refused: Some(why),
    };
    let fx = f.handle(refused(StaffRefusal::Replayed));
    assert!(!f.signed_in());
    assert!(fx.contains(&Effect::Audit {
        who: "W0012".into(),
        what: "replayed staff code refused".into(),
    }));
    assert!(!fx.contains(&Effect::StaffLocked(true)));
    for _ in 0..3 {
        f.handle(refused(StaffRefusal::TooLong));
    }
    let fx = f.handle(code("W0012", NOW - 1));
    assert!(
        fx.contains(&Effect::StaffLocked(true)),
        "the fifth refusal locks: {fx:?}"
    );
    assert!(fx.contains(&Effect::Alert {
        what: "staff mode locked after refused staff codes",
        staff: None,
    }));
    // Locked: the right PIN does not open it either.
    type_pin(&mut f, PIN, Instant::now());
    assert!(!f.signed_in(), "locked by refused codes");
}
