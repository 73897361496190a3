//! 办事指南 controller: turns the `Guide` global's callbacks and the checklist printer's
//! answers into inputs of the flow (`crate::flows::guide`), and carries out what it asks:
//! property writes, screens, the checklist print and the hand-over to 在线申办. The rules
//! live in the flow; this file only knows Slint.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{Kiosk, KioskLink};
use crate::domain::catalog::{Guides, Text};
use crate::domain::{AppEvent, Desk, PrintOutcome};
use crate::flows::guide::{self as flow, Context, Effect, GuideFlow, Input, View};
use crate::ui::{
    CatalogText, Choice, Guide, GuideMaterialStatus, GuideRow, MaterialRow, PrintState, Screen,
};

pub struct GuideController {
    kiosk: Weak<Kiosk>,
    guides: RefCell<Rc<Guides>>,
    flow: RefCell<GuideFlow>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
}

impl GuideController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(GuideController {
            kiosk,
            guides: RefCell::default(),
            flow: RefCell::default(),
            desk: RefCell::default(),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    /// Takes the answer to a checklist print; true when it was for this controller.
    pub fn handle(&self, event: &AppEvent) -> bool {
        match event {
            AppEvent::ChecklistPrinted { request, outcome }
                if self.flow.borrow().awaits(*request) =>
            {
                self.send(Input::ChecklistPrinted {
                    request: *request,
                    outcome: *outcome,
                });
                true
            }
            _ => false,
        }
    }

    /// A new catalog (startup, or a background refresh).
    pub fn set_catalog(&self, catalog: &serde_json::Value) {
        *self.guides.borrow_mut() = Rc::new(Guides::from_catalog(catalog));
        self.send(Input::Catalog);
    }

    pub fn guides(&self) -> Rc<Guides> {
        self.guides.borrow().clone()
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let g = window.global::<Guide>();
        let me = Rc::downgrade(self);
        g.on_key(move |k| {
            if let Some(me) = me.upgrade() {
                me.key(&k);
            }
        });
        let me = Rc::downgrade(self);
        g.on_choose_category(move |c| {
            if let Some(me) = me.upgrade() {
                me.send(Input::ChooseCategory(c.to_string()));
            }
        });
        let me = Rc::downgrade(self);
        g.on_open(move |code| {
            if let Some(me) = me.upgrade() {
                me.open(&code);
            }
        });
        let me = Rc::downgrade(self);
        g.on_back_to_list(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::BackToList);
            }
        });
        let me = Rc::downgrade(self);
        g.on_print_checklist(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::PrintChecklist);
            }
        });
        let me = Rc::downgrade(self);
        g.on_start_submission(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::StartSubmission);
            }
        });
    }

    /// Opens the guide list afresh.
    pub fn start(&self) {
        self.send(Input::Start);
    }

    /// A search key: a letter, "backspace" or "clear".
    pub fn key(&self, key: &str) {
        self.send(Input::Key(key.to_string()));
    }

    /// A guide's page, or a bundle's guides.
    pub fn open(&self, code: &str) {
        self.send(Input::Open(code.to_string()));
    }

    /// The code of the guide on screen, if any.
    pub fn current(&self) -> Option<String> {
        self.flow.borrow().current().map(str::to_string)
    }

    /// Forgets the search and the guide (home, idle timeout).
    pub fn wipe(&self) {
        self.send(Input::Reset);
    }

    /// Feeds one input to the flow and carries out its effects, in order.
    fn send(&self, input: Input) {
        let guides = self.guides();
        let effects = self
            .flow
            .borrow_mut()
            .handle(input, &Context { guides: &guides });
        for effect in effects {
            self.apply(effect, &guides);
        }
    }

    fn apply(&self, effect: Effect, guides: &Guides) {
        match effect {
            Effect::Show(view) => {
                let screen = match view {
                    View::List => Screen::GuideList,
                    View::Detail => Screen::GuideDetail,
                };
                self.kiosk.show(screen);
            }
            Effect::Categories(choices) => {
                let choices: Vec<Choice> = choices
                    .into_iter()
                    .map(|c| Choice {
                        code: c.code.into(),
                        name: c.name.into(),
                    })
                    .collect();
                self.kiosk.ui(|w| {
                    w.global::<Guide>()
                        .set_categories(ModelRc::new(VecModel::from(choices)))
                });
            }
            Effect::List {
                query,
                category,
                rows,
            } => {
                let rows: Vec<GuideRow> = rows.into_iter().map(guide_row).collect();
                self.kiosk.ui(|w| {
                    let g = w.global::<Guide>();
                    g.set_query(query.into());
                    g.set_category(category.into());
                    g.set_rows(ModelRc::new(VecModel::from(rows)));
                });
            }
            Effect::Detail(d) => self.kiosk.ui(|w| show_detail(&w.global::<Guide>(), *d)),
            Effect::PrintState(state) => {
                let state = match state {
                    None => PrintState::None,
                    Some(flow::PrintState::Printing) => PrintState::Printing,
                    Some(flow::PrintState::Printed) => PrintState::Printed,
                    Some(flow::PrintState::PaperOut) => PrintState::PaperOut,
                    Some(flow::PrintState::Failed) => PrintState::Failed,
                };
                self.kiosk
                    .ui(|w| w.global::<Guide>().set_print_state(state));
            }
            Effect::PrintChecklist {
                request,
                code,
                windows,
            } => {
                let desk = self.desk.borrow().clone();
                match (desk, guides.item(&code)) {
                    (Some(desk), Some(item)) => desk.print_checklist(request, item, &windows),
                    _ => self.send(Input::ChecklistPrinted {
                        request,
                        outcome: PrintOutcome::PrinterOffline,
                    }),
                }
            }
            Effect::StartSubmission(code) => {
                if let Some(k) = self.kiosk.upgrade() {
                    k.submit().start_item(&code);
                }
            }
        }
    }
}

fn guide_row(r: flow::Row) -> GuideRow {
    GuideRow {
        code: r.code.into(),
        name: r.name.into(),
        sub: r.sub.into(),
        days: r.days as i32,
        self_service: r.self_service,
        bundle: r.bundle,
    }
}

fn show_detail(g: &Guide<'_>, d: flow::Detail) {
    let texts = |v: Vec<Text>| -> ModelRc<CatalogText> {
        ModelRc::new(VecModel::from(
            v.into_iter().map(CatalogText::from).collect::<Vec<_>>(),
        ))
    };
    let materials: Vec<MaterialRow> = d.materials.into_iter().map(material_row).collect();
    g.set_name(d.name.into());
    g.set_department(d.department.into());
    g.set_kind(d.kind.into());
    g.set_basis(d.basis.into());
    g.set_conditions(texts(d.conditions));
    g.set_steps(texts(d.steps));
    g.set_materials(ModelRc::new(VecModel::from(materials)));
    g.set_legal_days(d.legal_days as i32);
    g.set_promised_days(d.promised_days as i32);
    g.set_fee(d.fee.into());
    g.set_trips(d.trips as i32);
    g.set_windows(d.windows.into());
    g.set_online(d.online);
    g.set_self_service(d.self_service);
    g.set_payable(d.payable);
}

fn material_row(m: flow::MaterialLine) -> MaterialRow {
    MaterialRow {
        name: m.name.into(),
        original: m.original as i32,
        copies: m.copies as i32,
        status: match m.status {
            flow::MaterialStatus::Bring => GuideMaterialStatus::Bring,
            flow::MaterialStatus::Shared => GuideMaterialStatus::Shared,
            flow::MaterialStatus::Waivable => GuideMaterialStatus::Waivable,
        },
        note: m.note.into(),
    }
}
