//! The filing's rules, without a window, a keyboard or a backend: picking a matter, the
//! card and the form here; the materials page and sending in the submodules.

mod materials;
mod sending;

use time::macros::date;

use super::*;
use crate::domain::catalog::Text;
use crate::domain::PrintOutcome;
use crate::flows::form::Problem;

const LI_ID: &str = "110101195003071542";

/// A matter with every kind of material and a field shown only for one choice.
fn items() -> Vec<GuideItem> {
    let item = |v: serde_json::Value| serde_json::from_value::<GuideItem>(v).unwrap();
    vec![
        item(serde_json::json!({
            "code": "P1",
            "name": "城乡居民基本养老保险参保登记",
            "self_service": true,
            "materials": [
                {"name": "居民身份证", "required": true, "shared": "刷身份证即可"},
                {"name": "参保登记表", "required": true},
                {"name": "户口簿", "required": true, "waivable": true, "commitment": "10日内补交"},
                {"name": "照片", "required": false}
            ],
            "form": [
                {"key": "name", "label": "姓名", "type": "text", "required": true, "prefill": "card.name"},
                {"key": "id_number", "label": "公民身份号码", "type": "id_number", "required": true, "prefill": "card.id_number"},
                {"key": "phone", "label": "联系电话", "type": "phone", "required": true},
                {"key": "kind", "label": "参保类型", "type": "choice", "required": true, "choices": ["本人", "代办"]},
                {"key": "agent", "label": "代办人", "type": "text", "required": true, "when": {"kind": "代办"}}
            ]
        })),
        item(serde_json::json!({"code": "G1", "name": "只看指南", "self_service": false})),
        item(serde_json::json!({
            "code": "B1", "name": "坏表单", "self_service": true,
            "form": [{"key": "x", "type": "colour"}]
        })),
    ]
}

fn holder(valid_until: Option<time::Date>) -> CardHolder {
    CardHolder {
        name: "李秀英".into(),
        id_number: LI_ID.into(),
        birth: None,
        valid_until,
        usable: true,
        address: "甘肃省合作市当周街道 12 号".into(),
    }
}

struct World {
    flow: SubmitFlow,
    items: Vec<GuideItem>,
    today: Date,
}

impl World {
    fn new() -> World {
        World {
            flow: SubmitFlow::default(),
            items: items(),
            today: date!(2026 - 11 - 24),
        }
    }

    fn send(&mut self, input: Input) -> Vec<Effect> {
        let ctx = Context {
            today: self.today,
            items: &self.items,
        };
        self.flow.handle(input, &ctx)
    }

    fn typed(&mut self, key: &str, text: &str) -> Vec<Effect> {
        self.send(Input::Typed {
            key: key.into(),
            text: text.into(),
        })
    }

    /// P1 picked and the card read: the form is open.
    fn at_form() -> World {
        let mut w = World::new();
        w.send(Input::Pick("P1".into()));
        w.send(Input::Card(holder(None)));
        w
    }

    /// The form filled in and accepted: the materials page is open.
    fn at_materials() -> World {
        let mut w = World::at_form();
        w.typed("phone", "13912345678");
        w.typed("kind", "本人");
        assert_eq!(shows(&w.send(Input::Next)), Some(View::Materials));
        w
    }

    /// Everything accepted: the review page is open.
    fn at_review() -> World {
        let mut w = World::at_materials();
        assert_eq!(shows(&w.send(Input::Next)), Some(View::Review));
        w
    }
}

fn shows(fx: &[Effect]) -> Option<View> {
    fx.iter().rev().find_map(|e| match e {
        Effect::Show(v) => Some(*v),
        _ => None,
    })
}

fn form_of(fx: &[Effect]) -> Vec<FieldRow> {
    fx.iter()
        .rev()
        .find_map(|e| match e {
            Effect::Form { fields, .. } => Some(fields.clone()),
            _ => None,
        })
        .expect("the form is shown")
}

fn field(fx: &[Effect], key: &str) -> FieldRow {
    form_of(fx)
        .into_iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("no field {key}"))
}

fn materials_of(fx: &[Effect]) -> MaterialsView {
    fx.iter()
        .rev()
        .find_map(|e| match e {
            Effect::Materials(v) => Some(v.clone()),
            _ => None,
        })
        .expect("the materials are shown")
}

fn order_of(fx: &[Effect]) -> Option<(u64, SubmissionOrder)> {
    fx.iter().find_map(|e| match e {
        Effect::Submit { request, order } => Some((*request, order.clone())),
        _ => None,
    })
}

fn receipt(printed: PrintOutcome) -> SubmitReceipt {
    SubmitReceipt {
        receipt_no: "SB20261124-0007".into(),
        provisional: false,
        promised_date: Some("2026-11-29".into()),
        printed,
    }
}

#[test]
fn only_self_service_matters_with_a_form_are_offered() {
    let mut w = World::new();
    let fx = w.send(Input::Start);
    assert_eq!(shows(&fx), Some(View::Pick));
    let codes: Vec<String> = fx
        .iter()
        .find_map(|e| match e {
            Effect::Items(items) => Some(items.iter().map(|i| i.code.clone()).collect()),
            _ => None,
        })
        .unwrap();
    assert_eq!(codes, ["P1", "B1"]);
    assert!(w.flow.active());
}

#[test]
fn an_unknown_or_unusable_matter_sends_the_citizen_to_a_window() {
    for code in ["nope", "G1", "B1"] {
        let mut w = World::new();
        let fx = w.send(Input::Pick(code.into()));
        assert!(fx.contains(&Effect::Failed(Failure::Broken)), "{code}");
        assert_eq!(shows(&fx), Some(View::Failed), "{code}");
    }
}

#[test]
fn the_id_field_is_prefilled_from_the_card_and_shown_masked() {
    let mut w = World::new();
    let fx = w.send(Input::Pick("P1".into()));
    assert_eq!(
        fx,
        [
            Effect::Cleared,
            Effect::ItemName(Text::zh("城乡居民基本养老保险参保登记")),
            Effect::Show(View::Card)
        ]
    );
    let fx = w.send(Input::Card(holder(None)));
    assert_eq!(shows(&fx), Some(View::Form));
    let id = field(&fx, "id_number");
    assert!(id.from_card);
    assert_eq!(id.value, "110***********1542");
    assert!(!form_of(&fx).iter().any(|f| f.value.contains(LI_ID)));
    assert_eq!(field(&fx, "name").value, "李秀英");
    // The whole number stays in memory for the order.
    assert_eq!(w.flow.text("id_number"), LI_ID);
}

#[test]
fn an_expired_or_unread_card_is_said_and_the_flow_keeps_waiting() {
    let mut w = World::new();
    w.send(Input::Pick("P1".into()));
    let expired = Input::Card(holder(Some(date!(2026 - 11 - 23))));
    assert!(w.flow.wants(&expired));
    assert_eq!(w.send(expired), [Effect::CardProblem(CardProblem::Expired)]);
    assert_eq!(
        w.send(Input::CardUnreadable),
        [Effect::CardProblem(CardProblem::ReadFailed)]
    );
    assert_eq!(
        w.send(Input::ReaderOffline),
        [Effect::CardProblem(CardProblem::ReaderOffline)]
    );
    let fx = w.send(Input::Card(holder(Some(w.today))));
    assert_eq!(shows(&fx), Some(View::Form), "valid through today");
}

#[test]
fn the_reader_is_this_flows_only_while_a_filing_is_under_way() {
    let mut w = World::new();
    assert!(!w.flow.wants(&Input::Card(holder(None))));
    assert!(!w.flow.wants(&Input::CardRemoved));
    w = World::at_form();
    assert!(w.flow.wants(&Input::Card(holder(None))));
    assert!(w.flow.wants(&Input::CardRemoved));
    // Past the card page a read error is no news to this flow.
    assert!(!w.flow.wants(&Input::CardUnreadable));
    assert!(!w.flow.wants(&Input::ReaderOffline));
}

#[test]
fn taking_the_card_back_keeps_the_form_it_filled() {
    // The card was read; citizens take it back while they type.
    let mut w = World::at_form();
    assert_eq!(w.send(Input::CardRemoved), []);
    assert_eq!(w.send(Input::Card(holder(None))), []);
    assert_eq!(w.flow.text("id_number"), LI_ID);
    assert!(w.flow.holder.is_some());
}

#[test]
fn a_value_is_judged_once_complete_and_every_field_after_next() {
    let mut w = World::at_form();
    let fx = w.typed("phone", "1281234");
    assert_eq!(field(&fx, "phone").problem, None, "not complete yet");
    let fx = w.typed("phone", "12812345678");
    assert_eq!(field(&fx, "phone").problem, Some(Problem::Phone));
    let fx = w.typed("phone", "139-1234-5678");
    assert_eq!(
        field(&fx, "phone").value,
        "13912345678",
        "kept as the field allows"
    );
    assert_eq!(field(&fx, "phone").problem, None);

    let fx = w.send(Input::Next);
    assert_eq!(shows(&fx), None, "the form stays");
    assert_eq!(field(&fx, "kind").problem, Some(Problem::Required));
}

#[test]
fn a_conditional_field_shows_and_is_checked_only_when_chosen() {
    let mut w = World::at_form();
    w.typed("phone", "13912345678");
    let fx = w.typed("kind", "代办");
    assert!(form_of(&fx).iter().any(|f| f.key == "agent"));
    let fx = w.send(Input::Next);
    assert_eq!(field(&fx, "agent").problem, Some(Problem::Required));
    let fx = w.typed("kind", "本人");
    assert!(!form_of(&fx).iter().any(|f| f.key == "agent"));
    assert_eq!(shows(&w.send(Input::Next)), Some(View::Materials));
}

#[test]
fn card_fields_and_choices_take_no_keyboard_and_a_phone_gets_digits() {
    let mut w = World::at_form();
    assert_eq!(w.send(Input::Focus("id_number".into())), []);
    assert_eq!(w.send(Input::Focus("kind".into())), []);
    assert_eq!(
        w.send(Input::Focus("phone".into())),
        [
            Effect::Keyboard {
                key: "phone".into(),
                keys: Keys::Digits,
                max_len: 11,
                label: "联系电话".into()
            },
            Effect::Focused("phone".into())
        ]
    );
    // Leaving the form puts the keyboard away.
    w.typed("phone", "13912345678");
    w.typed("kind", "本人");
    let fx = w.send(Input::Next);
    assert!(fx.contains(&Effect::HideKeyboard));
    assert_eq!(materials_of(&fx).focused, "");
}
