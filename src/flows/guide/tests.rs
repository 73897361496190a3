//! The guide flow's rules, on the hall's bundled sample catalog.

use super::*;

fn guides() -> Guides {
    let catalog: serde_json::Value =
        serde_json::from_str(include_str!("../../../hall/data/catalog.json")).unwrap();
    Guides::from_catalog(&catalog)
}

struct World {
    flow: GuideFlow,
    guides: Guides,
}

impl World {
    fn new() -> World {
        World {
            flow: GuideFlow::default(),
            guides: guides(),
        }
    }

    fn send(&mut self, input: Input) -> Vec<Effect> {
        let ctx = Context {
            guides: &self.guides,
        };
        self.flow.handle(input, &ctx)
    }

    fn key(&mut self, key: &str) -> Vec<Effect> {
        self.send(Input::Key(key.into()))
    }
}

/// The names listed, with the query and category on screen.
fn listed(fx: &[Effect]) -> (String, String, Vec<String>) {
    fx.iter()
        .find_map(|e| match e {
            Effect::List {
                query,
                category,
                rows,
            } => Some((
                query.clone(),
                category.clone(),
                rows.iter().map(|r| r.name.zh.clone()).collect(),
            )),
            _ => None,
        })
        .expect("a list")
}

fn print_request(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::PrintChecklist { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a checklist print")
}

#[test]
fn start_lists_every_guide_and_a_new_catalog_its_categories() {
    let mut w = World::new();
    let fx = w.send(Input::Start);
    assert_eq!(fx.last(), Some(&Effect::Show(View::List)));
    assert_eq!(listed(&fx).2.len(), 9);
    let fx = w.send(Input::Catalog);
    let Effect::Categories(choices) = &fx[0] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (choices[3].code.as_str(), choices[3].name.zh.as_str()),
        ("D", "不动产登记")
    );
    assert_eq!(choices[3].name.en, "Real estate registration");
    assert_eq!(listed(&fx).2.len(), 9);
}

#[test]
fn pinyin_initials_search_every_category() {
    let mut w = World::new();
    w.send(Input::Start);
    w.send(Input::ChooseCategory("B".into()));
    let mut fx = Vec::new();
    for k in ["q", "y", "S", "L"] {
        fx = w.key(k);
    }
    assert_eq!(
        listed(&fx),
        ("QYSL".into(), "".into(), vec!["企业设立登记".to_string()])
    );
    assert_eq!(listed(&w.key("backspace")).0, "QYS");
    assert_eq!(listed(&w.key("7")).0, "QYS", "only letters");
    let (query, _, names) = listed(&w.key("clear"));
    assert_eq!((query.as_str(), names.len()), ("", 9));
    for _ in 0..MAX_QUERY + 4 {
        w.key("A");
    }
    assert_eq!(listed(&w.key("A")).0.len(), MAX_QUERY);
}

#[test]
fn categories_and_bundles_filter_the_list() {
    let mut w = World::new();
    w.send(Input::Start);
    w.key("Q");
    let fx = w.send(Input::ChooseCategory("D".into()));
    assert_eq!(
        listed(&fx),
        (
            "".into(),
            "D".into(),
            vec!["不动产转移登记（二手房买卖）".to_string()]
        )
    );
    let fx = w.send(Input::ChooseCategory(BUNDLES.into()));
    let Effect::List { rows, .. } = &fx[0] else {
        panic!("{fx:?}")
    };
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(
        (r.code.as_str(), r.name.zh.as_str(), r.sub.zh.as_str()),
        (
            "YJS-001",
            "我要开办药店（一件事一次办）",
            "企业设立登记 + 药品零售企业许可"
        )
    );
    assert_eq!((r.days, r.self_service, r.bundle), (10, false, true));
    assert_eq!(
        r.sub.en, "Business establishment registration + Pharmaceutical retail licence",
        "the bundle's guides joined in English"
    );
    let fx = w.send(Input::Open("YJS-001".into()));
    assert_eq!(
        listed(&fx).2,
        ["企业设立登记", "药品零售企业许可"],
        "a bundle lists its guides, no page opens"
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Show(_))));
}

#[test]
fn choosing_a_guide_shows_its_page_with_every_material_once() {
    let mut w = World::new();
    w.send(Input::Start);
    let fx = w.send(Input::Open("620000-001-XK-01".into()));
    assert_eq!(
        fx[1..],
        [Effect::PrintState(None), Effect::Show(View::Detail)]
    );
    let Effect::Detail(d) = &fx[0] else {
        panic!("{fx:?}")
    };
    assert_eq!(d.name.zh, "企业设立登记");
    assert_eq!(d.name.en, "Business establishment registration");
    assert_eq!((d.legal_days, d.promised_days, d.trips), (15, 3, 1));
    assert_eq!(d.windows.zh, "企业服务 (1, 2, 3)");
    assert_eq!(d.windows.en, "Business services (1, 2, 3)");
    assert!(!d.self_service, "no form to fill in");
    let statuses: Vec<_> = d.materials.iter().map(|m| m.status).collect();
    assert_eq!(
        statuses,
        [
            MaterialStatus::Bring,
            MaterialStatus::Bring,
            MaterialStatus::Shared,
            MaterialStatus::Waivable
        ]
    );
    assert_eq!(d.materials[3].note.zh, "可承诺后补");
    assert!(w.send(Input::Open("nope".into())).is_empty());
    assert_eq!(w.send(Input::BackToList), [Effect::Show(View::List)]);
}

#[test]
fn print_asks_the_desk_once_and_shows_the_outcome() {
    let mut w = World::new();
    w.send(Input::Start);
    assert!(
        w.send(Input::PrintChecklist).is_empty(),
        "no guide open, nothing to print"
    );
    w.send(Input::Open("620000-001-XK-01".into()));
    let fx = w.send(Input::PrintChecklist);
    assert_eq!(
        fx,
        [
            Effect::PrintState(Some(PrintState::Printing)),
            Effect::PrintChecklist {
                request: print_request(&fx),
                code: "620000-001-XK-01".into(),
                windows: "企业服务 (1, 2, 3)".into()
            }
        ]
    );
    let request = print_request(&fx);
    for (outcome, state) in [
        (PrintOutcome::PrintedPaperLow, PrintState::Printed),
        (PrintOutcome::PaperOut, PrintState::PaperOut),
        (PrintOutcome::PrinterOffline, PrintState::Failed),
    ] {
        assert_eq!(
            w.send(Input::ChecklistPrinted { request, outcome }),
            [Effect::PrintState(Some(state))]
        );
    }
}

#[test]
fn a_stale_checklist_answer_is_ignored() {
    let mut w = World::new();
    w.send(Input::Start);
    w.send(Input::Open("620000-001-XK-01".into()));
    let first = print_request(&w.send(Input::PrintChecklist));
    let second = print_request(&w.send(Input::PrintChecklist));
    assert!(!w.flow.awaits(first));
    assert!(w
        .send(Input::ChecklistPrinted {
            request: first,
            outcome: PrintOutcome::PaperOut
        })
        .is_empty());
    assert!(w.send(Input::Reset).is_empty());
    assert!(w
        .send(Input::ChecklistPrinted {
            request: second,
            outcome: PrintOutcome::Printed
        })
        .is_empty());
    assert!(
        w.send(Input::PrintChecklist).is_empty(),
        "the guide is gone"
    );
}

#[test]
fn submission_starts_from_the_open_guide_only() {
    let mut w = World::new();
    w.send(Input::Start);
    assert!(w.send(Input::StartSubmission).is_empty());
    w.send(Input::Open("620000-002-GG-03".into()));
    assert_eq!(
        w.send(Input::StartSubmission),
        [Effect::StartSubmission("620000-002-GG-03".into())]
    );
    w.send(Input::Start);
    assert!(w.send(Input::StartSubmission).is_empty());
}
