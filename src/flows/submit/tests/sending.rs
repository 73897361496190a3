//! Sending the order, the answers to it, and forgetting the citizen.

use super::*;

#[test]
fn the_order_sent_carries_the_visible_fields_only_and_the_materials_statuses() {
    let mut w = World::at_form();
    w.typed("phone", "13912345678");
    w.typed("kind", "代办");
    w.typed("agent", "王五");
    // The agent is no longer asked for: what was typed there is not filed.
    w.typed("kind", "本人");
    w.send(Input::Next);
    w.send(Input::SetMaterial(2, MaterialStatus::Commitment));
    w.send(Input::ToggleCommitment);
    w.send(Input::Next);
    let fx = w.send(Input::Confirm);
    assert_eq!(shows(&fx), Some(View::Sending));
    let (_, order) = order_of(&fx).expect("the order goes to the desk");
    assert_eq!(order.item_code, "P1");
    assert_eq!(order.holder.id_number, LI_ID);
    assert_eq!(order.phone, "13912345678");
    assert_eq!(order.form.get("id_number").map(String::as_str), Some(LI_ID));
    assert_eq!(order.form.get("kind").map(String::as_str), Some("本人"));
    assert!(!order.form.contains_key("agent"), "{:?}", order.form.keys());
    assert_eq!(
        order.materials,
        [
            ("居民身份证".to_string(), MaterialStatus::Shared),
            ("参保登记表".to_string(), MaterialStatus::Provided),
            ("户口簿".to_string(), MaterialStatus::Commitment),
            ("照片".to_string(), MaterialStatus::Provided),
        ]
    );
    assert!(order.commitment_accepted);
    assert_eq!(order.mail_to, None);
}

#[test]
fn confirm_sends_once() {
    let mut w = World::at_review();
    assert!(order_of(&w.send(Input::Confirm)).is_some());
    assert_eq!(w.send(Input::Confirm), []);
}

#[test]
fn a_receipt_wipes_what_was_typed_and_is_shown() {
    let mut w = World::at_review();
    let (request, _) = order_of(&w.send(Input::Confirm)).unwrap();
    let answer = Input::Submitted {
        request,
        result: Ok(receipt(PrintOutcome::PrintedPaperLow)),
    };
    assert!(w.flow.wants(&answer));
    let fx = w.send(answer);
    assert_eq!(
        fx,
        [
            Effect::Receipt {
                receipt_no: "SB20261124-0007".into(),
                provisional: false,
                promised_date: "2026-11-29".into(),
                print: PrintState::Printed,
            },
            Effect::Show(View::Done)
        ]
    );
    assert_eq!(w.flow.text("phone"), "");
    assert!(w.flow.holder.is_none());
}

#[test]
fn a_printer_out_of_paper_or_offline_is_said_on_the_receipt_page() {
    for (outcome, state) in [
        (PrintOutcome::PaperOut, PrintState::PaperOut),
        (PrintOutcome::PrinterOffline, PrintState::Failed),
    ] {
        let mut w = World::at_review();
        let (request, _) = order_of(&w.send(Input::Confirm)).unwrap();
        let fx = w.send(Input::Submitted {
            request,
            result: Ok(receipt(outcome)),
        });
        assert!(fx.iter().any(|e| matches!(
            e,
            Effect::Receipt { print, .. } if *print == state
        )));
    }
}

#[test]
fn a_stale_submitted_answer_is_ignored() {
    let mut w = World::at_review();
    let (request, _) = order_of(&w.send(Input::Confirm)).unwrap();
    // The citizen left; a new filing began before the answer came.
    w.send(Input::Reset);
    w.send(Input::Pick("P1".into()));
    let late = Input::Submitted {
        request,
        result: Ok(receipt(PrintOutcome::Printed)),
    };
    assert!(!w.flow.wants(&late), "passed on, not taken");
    assert_eq!(w.send(late), []);
    // The current request answered twice: the second is no news.
    let mut w = World::at_review();
    let (request, _) = order_of(&w.send(Input::Confirm)).unwrap();
    let answer = || Input::Submitted {
        request,
        result: Err(SubmitFailure::Store),
    };
    assert!(!w.send(answer()).is_empty());
    assert!(w.flow.wants(&answer()));
    assert_eq!(w.send(answer()), []);
}

#[test]
fn a_store_failure_shows_the_store_failure_and_a_refusal_the_refusal() {
    for (failure, shown) in [
        (SubmitFailure::Store, Failure::Store),
        (
            SubmitFailure::Refused("invalid_form".into()),
            Failure::Refused,
        ),
    ] {
        let mut w = World::at_review();
        let (request, _) = order_of(&w.send(Input::Confirm)).unwrap();
        let fx = w.send(Input::Submitted {
            request,
            result: Err(failure),
        });
        assert_eq!(fx, [Effect::Failed(shown), Effect::Show(View::Failed)]);
    }
}

#[test]
fn back_steps_through_the_pages_and_off_the_form_forgets_it() {
    let mut w = World::at_review();
    assert_eq!(shows(&w.send(Input::Back)), Some(View::Materials));
    let fx = w.send(Input::Back);
    assert_eq!(shows(&fx), Some(View::Form));
    assert_eq!(field(&fx, "phone").value, "13912345678");
    let fx = w.send(Input::Back);
    assert_eq!(shows(&fx), Some(View::Pick));
    assert!(fx.contains(&Effect::Cleared));
    assert_eq!(w.flow.text("phone"), "");
    assert!(w.flow.holder.is_none());
}

#[test]
fn reset_wipes_the_form_values_the_address_and_the_holder() {
    let mut w = World::at_materials();
    w.send(Input::SetMail(true));
    w.typed(ADDRESS, "合作市当周街道 12 号");
    assert_eq!(w.send(Input::Reset), [Effect::Cleared]);
    assert!(!w.flow.active());
    assert_eq!(w.flow.text("phone"), "");
    assert_eq!(w.flow.text("id_number"), "");
    assert_eq!(w.flow.text(ADDRESS), "");
    assert!(w.flow.holder.is_none());
    assert!(w.flow.order().is_none());
    // Starting again asks for the card again.
    let fx = w.send(Input::Pick("P1".into()));
    assert_eq!(shows(&fx), Some(View::Card));
    assert!(!w.flow.wants(&Input::Submitted {
        request: 1,
        result: Err(SubmitFailure::Store)
    }));
}
