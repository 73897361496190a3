//! Service guides controller: list, search, category and bundle filters, the guide page,
//! and printing its material checklist.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{Kiosk, KioskLink};
use crate::domain::catalog::{GuideItem, Guides};
use crate::domain::{AppEvent, Desk, PrintOutcome};
use crate::ui::{
    Choice, Guide, GuideMaterialStatus, GuideRow, MaterialRow, Nav, PrintState, Screen,
};

pub struct GuideController {
    kiosk: Weak<Kiosk>,
    guides: RefCell<Rc<Guides>>,
    query: RefCell<String>,
    category: RefCell<String>,
    current: RefCell<Option<String>>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    /// The print request in flight; answers to older ones are ignored.
    request: Cell<u64>,
}

impl GuideController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(GuideController {
            kiosk,
            guides: RefCell::default(),
            query: RefCell::default(),
            category: RefCell::default(),
            current: RefCell::default(),
            desk: RefCell::default(),
            request: Cell::new(0),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    /// Takes the answer to a checklist print; true when it was for this controller.
    pub fn handle(&self, event: &AppEvent) -> bool {
        match event {
            AppEvent::ChecklistPrinted { request, outcome } if *request == self.request.get() => {
                let state = match outcome {
                    PrintOutcome::Printed | PrintOutcome::PrintedPaperLow => PrintState::Printed,
                    PrintOutcome::PaperOut => PrintState::PaperOut,
                    PrintOutcome::PrinterOffline => PrintState::Failed,
                };
                self.kiosk
                    .ui(|w| w.global::<Guide>().set_print_state(state));
                true
            }
            _ => false,
        }
    }

    /// A new catalog (startup, or a background refresh).
    pub fn set_catalog(&self, catalog: &serde_json::Value) {
        *self.guides.borrow_mut() = Rc::new(Guides::from_catalog(catalog));
        let categories: Vec<Choice> = self
            .guides
            .borrow()
            .categories
            .iter()
            .map(|c| Choice {
                code: c.code.clone().into(),
                name: c.name.clone().into(),
            })
            .collect();
        self.kiosk.ui(|w| {
            w.global::<Guide>()
                .set_categories(ModelRc::new(VecModel::from(categories)))
        });
        self.refresh_list();
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
                *me.category.borrow_mut() = c.to_string();
                me.query.borrow_mut().clear();
                me.refresh_list();
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
                me.kiosk
                    .ui(|w| w.global::<Nav>().set_screen(Screen::GuideList));
            }
        });
        let me = Rc::downgrade(self);
        g.on_print_checklist(move || {
            if let Some(me) = me.upgrade() {
                me.print();
            }
        });
        let me = Rc::downgrade(self);
        g.on_start_submission(move || {
            if let Some(me) = me.upgrade() {
                let code = me.current.borrow().clone();
                if let (Some(k), Some(code)) = (me.kiosk.upgrade(), code) {
                    k.submit().start_item(&code);
                }
            }
        });
    }

    /// Opens the guide list afresh.
    pub fn start(&self) {
        self.query.borrow_mut().clear();
        self.category.borrow_mut().clear();
        *self.current.borrow_mut() = None;
        self.refresh_list();
        self.kiosk
            .ui(|w| w.global::<Nav>().set_screen(Screen::GuideList));
    }

    pub fn key(&self, key: &str) {
        {
            let mut q = self.query.borrow_mut();
            match key {
                "backspace" => {
                    q.pop();
                }
                "clear" => q.clear(),
                k if k.chars().all(|c| c.is_ascii_alphabetic()) && q.len() < 16 => {
                    q.push_str(&k.to_ascii_uppercase())
                }
                _ => {}
            }
        }
        if !self.query.borrow().is_empty() {
            self.category.borrow_mut().clear();
        }
        self.refresh_list();
    }

    fn refresh_list(&self) {
        let guides = self.guides();
        let query = self.query.borrow().clone();
        let category = self.category.borrow().clone();
        let rows: Vec<GuideRow> = if category == "bundles" {
            guides
                .bundles
                .iter()
                .map(|b| GuideRow {
                    code: b.code.clone().into(),
                    name: b.name.clone().into(),
                    sub: b
                        .items
                        .iter()
                        .filter_map(|c| guides.item(c).map(|i| i.name.clone()))
                        .collect::<Vec<_>>()
                        .join(" + ")
                        .into(),
                    days: b.promised_days.unwrap_or(0) as i32,
                    self_service: false,
                    bundle: true,
                })
                .collect()
        } else if let Some(bundle) = guides.bundle(&category) {
            bundle
                .items
                .iter()
                .filter_map(|c| guides.item(c))
                .map(row)
                .collect()
        } else if !query.is_empty() {
            guides.search(&query).into_iter().map(row).collect()
        } else {
            guides.in_category(&category).map(row).collect()
        };
        self.kiosk.ui(|w| {
            let g = w.global::<Guide>();
            g.set_query(query.into());
            g.set_category(category.into());
            g.set_rows(ModelRc::new(VecModel::from(rows)));
        });
    }

    pub fn open(&self, code: &str) {
        let guides = self.guides();
        if guides.bundle(code).is_some() {
            *self.category.borrow_mut() = code.to_string();
            self.query.borrow_mut().clear();
            self.refresh_list();
            return;
        }
        let Some(item) = guides.item(code) else {
            return;
        };
        *self.current.borrow_mut() = Some(code.to_string());
        let windows = windows_of(&guides, item);
        let materials: Vec<MaterialRow> = item.materials.iter().map(material_row).collect();
        let strings = |v: &[String]| -> ModelRc<SharedString> {
            ModelRc::new(VecModel::from(
                v.iter()
                    .map(|s| SharedString::from(s.as_str()))
                    .collect::<Vec<_>>(),
            ))
        };
        self.kiosk.ui(|w| {
            let g = w.global::<Guide>();
            g.set_name(item.name.clone().into());
            g.set_department(item.department.clone().into());
            g.set_kind(item.kind.clone().into());
            g.set_basis(item.basis.clone().into());
            g.set_conditions(strings(&item.conditions));
            g.set_steps(strings(&item.steps));
            g.set_materials(ModelRc::new(VecModel::from(materials)));
            g.set_legal_days(item.legal_days.unwrap_or(0) as i32);
            g.set_promised_days(item.promised_days.or(item.legal_days).unwrap_or(0) as i32);
            g.set_fee(item.fee.clone().into());
            g.set_trips(item.trips.unwrap_or(1) as i32);
            g.set_windows(windows.into());
            g.set_online(item.online);
            g.set_self_service(item.self_service && item.form.is_some());
            g.set_print_state(PrintState::None);
            w.global::<Nav>().set_screen(Screen::GuideDetail);
        });
    }

    fn print(self: &Rc<Self>) {
        let guides = self.guides();
        let Some(code) = self.current.borrow().clone() else {
            return;
        };
        let Some(item) = guides.item(&code) else {
            return;
        };
        let Some(desk) = self.desk.borrow().clone() else {
            self.kiosk
                .ui(|w| w.global::<Guide>().set_print_state(PrintState::Failed));
            return;
        };
        self.kiosk
            .ui(|w| w.global::<Guide>().set_print_state(PrintState::Printing));
        self.request.set(self.request.get() + 1);
        desk.print_checklist(self.request.get(), item, &windows_of(&guides, item));
    }

    pub fn wipe(&self) {
        self.query.borrow_mut().clear();
        self.category.borrow_mut().clear();
        *self.current.borrow_mut() = None;
        self.request.set(self.request.get() + 1);
    }
}

fn row(item: &GuideItem) -> GuideRow {
    GuideRow {
        code: item.code.clone().into(),
        name: item.name.clone().into(),
        sub: item.department.clone().into(),
        days: item.promised_days.or(item.legal_days).unwrap_or(0) as i32,
        self_service: item.self_service && item.form.is_some(),
        bundle: false,
    }
}

pub fn windows_of(guides: &Guides, item: &GuideItem) -> String {
    guides
        .category(&item.category)
        .map(|c| format!("{} ({})", c.name, c.windows.join(", ")))
        .unwrap_or_default()
}

fn material_row(m: &crate::domain::catalog::Material) -> MaterialRow {
    let (status, note) = if let Some(shared) = &m.shared {
        (GuideMaterialStatus::Shared, shared.clone())
    } else if m.waivable {
        (
            GuideMaterialStatus::Waivable,
            m.commitment.clone().unwrap_or_default(),
        )
    } else {
        (GuideMaterialStatus::Bring, String::new())
    };
    MaterialRow {
        name: m.name.clone().into(),
        original: m.original as i32,
        copies: m.copies as i32,
        status,
        note: note.into(),
    }
}
