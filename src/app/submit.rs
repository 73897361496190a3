//! Self-service filing (自助申报): choose a matter, identify by ID card, fill in the form
//! (checked as the citizen types), say how each material is supplied and how the result
//! comes back, review, then send: committed on the kiosk first, the receipt printed.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::keyboard::{KeyboardTarget, Mode};
use super::{Kiosk, KioskLink};
use crate::domain::catalog::GuideItem;
use crate::domain::privacy::mask_id;
use crate::domain::{self, AppEvent, CardHolder, Desk, PrintOutcome, SubmissionOrder};
use crate::flows::form::{self, Field, Kind, Prefill, Problem, Values};
use crate::ui::{
    CardProblem, Feature, FieldKind, FieldProblem, FormFieldRow, ItemChoice, MaterialPick,
    MaterialStatus, MaterialsError, PrintState, ReviewRow, Screen, Submit, SubmitFailure,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Idle,
    Pick,
    Card,
    Form,
    Materials,
    Review,
    Sending,
    Done,
}

struct MaterialState {
    name: String,
    note: String,
    status: MaterialStatus,
    required: bool,
    can_commit: bool,
}

pub struct SubmitController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    request: Cell<u64>,
    stage: Cell<Stage>,
    items: RefCell<Vec<GuideItem>>,
    item: RefCell<Option<GuideItem>>,
    fields: RefCell<Vec<Field>>,
    values: RefCell<Values>,
    /// Fields whose problems show: typed into, or all of them after "Next".
    shown: RefCell<BTreeSet<String>>,
    holder: RefCell<Option<CardHolder>>,
    materials: RefCell<Vec<MaterialState>>,
    commitment: Cell<bool>,
    mail: Cell<bool>,
    address: RefCell<String>,
    focused: RefCell<String>,
    materials_error: Cell<MaterialsError>,
}

/// The keyboard types into one form field (or the postal address).
struct FormTarget {
    ctl: Weak<SubmitController>,
    key: String,
}

impl KeyboardTarget for FormTarget {
    fn text(&self) -> String {
        let Some(c) = self.ctl.upgrade() else {
            return String::new();
        };
        if self.key == "address" {
            return c.address.borrow().clone();
        }
        let v = c.values.borrow().get(&self.key).cloned();
        v.unwrap_or_default()
    }
    fn set_text(&self, text: String) {
        if let Some(c) = self.ctl.upgrade() {
            c.typed(&self.key, text);
        }
    }
    fn done(&self) {
        if let Some(c) = self.ctl.upgrade() {
            c.unfocus();
        }
    }
}

impl SubmitController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(SubmitController {
            kiosk,
            desk: RefCell::default(),
            request: Cell::new(0),
            stage: Cell::new(Stage::Idle),
            items: RefCell::default(),
            item: RefCell::default(),
            fields: RefCell::default(),
            values: RefCell::default(),
            shown: RefCell::default(),
            holder: RefCell::default(),
            materials: RefCell::default(),
            commitment: Cell::new(false),
            mail: Cell::new(false),
            address: RefCell::default(),
            focused: RefCell::default(),
            materials_error: Cell::new(MaterialsError::None),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    /// The matters that can be filed here, from the catalog.
    pub fn set_items(&self, items: Vec<GuideItem>) {
        *self.items.borrow_mut() = items
            .into_iter()
            .filter(|i| i.self_service && i.form.is_some())
            .collect();
    }

    pub fn active(&self) -> bool {
        self.stage.get() != Stage::Idle
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let s = window.global::<Submit>();
        let me = Rc::downgrade(self);
        s.on_pick(move |code| {
            if let Some(me) = me.upgrade() {
                me.start_item(&code);
            }
        });
        let me = Rc::downgrade(self);
        s.on_focus(move |key| {
            if let Some(me) = me.upgrade() {
                me.focus(&key);
            }
        });
        let me = Rc::downgrade(self);
        s.on_choose(move |key, choice| {
            if let Some(me) = me.upgrade() {
                me.typed(&key, choice.to_string());
            }
        });
        let me = Rc::downgrade(self);
        s.on_set_material(move |i, status| {
            if let Some(me) = me.upgrade() {
                me.set_material(i as usize, status);
            }
        });
        let me = Rc::downgrade(self);
        s.on_toggle_commitment(move || {
            if let Some(me) = me.upgrade() {
                me.commitment.set(!me.commitment.get());
                me.show_materials();
            }
        });
        let me = Rc::downgrade(self);
        s.on_set_mail(move |mail| {
            if let Some(me) = me.upgrade() {
                me.mail.set(mail);
                if !mail {
                    me.unfocus();
                }
                me.show_materials();
            }
        });
        let me = Rc::downgrade(self);
        s.on_next(move || {
            if let Some(me) = me.upgrade() {
                me.next();
            }
        });
        let me = Rc::downgrade(self);
        s.on_back(move || {
            if let Some(me) = me.upgrade() {
                me.back();
            }
        });
        let me = Rc::downgrade(self);
        s.on_confirm(move || {
            if let Some(me) = me.upgrade() {
                me.confirm();
            }
        });
        let me = Rc::downgrade(self);
        s.on_to_progress(move || {
            if let Some(me) = me.upgrade() {
                if let Some(k) = me.kiosk.upgrade() {
                    me.reset();
                    k.open(Feature::Progress);
                }
            }
        });
    }

    /// The home tile: choose among the matters that can be filed here.
    pub fn start(&self) {
        self.reset();
        let items: Vec<ItemChoice> = self
            .items
            .borrow()
            .iter()
            .map(|i| ItemChoice {
                code: i.code.clone().into(),
                name: i.name.clone().into(),
            })
            .collect();
        self.kiosk.ui(|w| {
            w.global::<Submit>()
                .set_items(ModelRc::new(VecModel::from(items)))
        });
        self.stage.set(Stage::Pick);
        self.kiosk.show(Screen::SubmitPick);
    }

    /// A matter chosen (here, or "Apply here" on its guide page).
    pub fn start_item(&self, code: &str) {
        self.reset();
        let item = self.items.borrow().iter().find(|i| i.code == code).cloned();
        let Some(item) = item else {
            self.fail(SubmitFailure::Broken);
            return;
        };
        let fields = match item.form.as_ref().map(form::parse) {
            Some(Ok(f)) => f,
            Some(Err(e)) => {
                tracing::warn!(item = %item.code, "form schema unusable: {e}");
                self.fail(SubmitFailure::Broken);
                return;
            }
            None => {
                self.fail(SubmitFailure::Broken);
                return;
            }
        };
        *self.fields.borrow_mut() = fields;
        *self.materials.borrow_mut() = item
            .materials
            .iter()
            .map(|m| MaterialState {
                name: m.name.clone(),
                note: m.commitment.clone().unwrap_or_default(),
                status: if m.shared.is_some() {
                    MaterialStatus::Shared
                } else {
                    MaterialStatus::Provided
                },
                required: m.required,
                can_commit: m.waivable,
            })
            .collect();
        self.kiosk
            .ui(|w| w.global::<Submit>().set_item_name(item.name.clone().into()));
        *self.item.borrow_mut() = Some(item);
        self.stage.set(Stage::Card);
        self.kiosk.show(Screen::SubmitCard);
    }

    fn fail(&self, why: SubmitFailure) {
        self.kiosk.ui(|w| w.global::<Submit>().set_failure(why));
        self.stage.set(Stage::Done);
        self.kiosk.show(Screen::SubmitFailed);
    }

    /// Card, scanner and backend events; true when this flow took the event.
    pub fn handle(&self, event: &AppEvent) -> bool {
        match event {
            AppEvent::CardPresented(holder) if self.stage.get() == Stage::Card => {
                if holder
                    .valid_until
                    .is_some_and(|d| d < time::OffsetDateTime::now_utc().date())
                {
                    self.kiosk
                        .ui(|w| w.global::<Submit>().set_card_problem(CardProblem::Expired));
                    return true;
                }
                self.card(holder.clone());
                true
            }
            AppEvent::CardUnreadable(_) if self.stage.get() == Stage::Card => {
                self.kiosk.ui(|w| {
                    w.global::<Submit>()
                        .set_card_problem(CardProblem::ReadFailed)
                });
                true
            }
            AppEvent::ReaderOffline if self.stage.get() == Stage::Card => {
                self.kiosk.ui(|w| {
                    w.global::<Submit>()
                        .set_card_problem(CardProblem::ReaderOffline)
                });
                true
            }
            // While the form is open a card on the reader is this citizen's, already read.
            AppEvent::CardPresented(_) | AppEvent::CardRemoved if self.active() => true,
            AppEvent::Submitted { request, result } if *request == self.request.get() => {
                if self.stage.get() != Stage::Sending {
                    return true;
                }
                match result {
                    Ok(r) => {
                        self.kiosk.ui(|w| {
                            let s = w.global::<Submit>();
                            s.set_receipt_no(r.receipt_no.clone().into());
                            s.set_provisional(r.provisional);
                            s.set_promised_date(r.promised_date.clone().unwrap_or_default().into());
                            s.set_print_state(match r.printed {
                                PrintOutcome::Printed | PrintOutcome::PrintedPaperLow => {
                                    PrintState::Printed
                                }
                                PrintOutcome::PaperOut => PrintState::PaperOut,
                                PrintOutcome::PrinterOffline => PrintState::Failed,
                            });
                        });
                        // What was typed is with the backend (or the outbox) now: the
                        // screen keeps only the receipt.
                        self.values.borrow_mut().clear();
                        *self.holder.borrow_mut() = None;
                        self.address.borrow_mut().clear();
                        self.stage.set(Stage::Done);
                        self.kiosk.show(Screen::SubmitDone);
                    }
                    Err(domain::SubmitFailure::Store) => self.fail(SubmitFailure::Store),
                    Err(domain::SubmitFailure::Refused(_)) => self.fail(SubmitFailure::Refused),
                }
                true
            }
            _ => false,
        }
    }

    fn card(&self, holder: CardHolder) {
        {
            let fields = self.fields.borrow();
            let mut values = self.values.borrow_mut();
            for f in fields.iter() {
                let v = match f.prefill {
                    Some(Prefill::Name) => holder.name.clone(),
                    Some(Prefill::IdNumber) => holder.id_number.clone(),
                    Some(Prefill::Address) => holder.address.clone(),
                    None => continue,
                };
                values.insert(f.key.clone(), v);
            }
        }
        *self.holder.borrow_mut() = Some(holder);
        self.stage.set(Stage::Form);
        self.show_form();
        self.kiosk.show(Screen::SubmitForm);
    }

    /// Whether a field's value came from the card and is shown, not typed. The address is
    /// prefilled but editable: people move.
    fn from_card(f: &Field) -> bool {
        matches!(f.prefill, Some(Prefill::Name | Prefill::IdNumber))
    }

    fn show_form(&self) {
        let fields = self.fields.borrow();
        let values = self.values.borrow();
        let shown = self.shown.borrow();
        let rows: Vec<FormFieldRow> = fields
            .iter()
            .filter(|f| form::visible(f, &values))
            .map(|f| {
                let value = values.get(&f.key).cloned().unwrap_or_default();
                let error = if shown.contains(&f.key) {
                    form::check(f, &value).map_or(FieldProblem::None, field_problem)
                } else {
                    FieldProblem::None
                };
                let display = if f.kind == Kind::IdNumber && Self::from_card(f) {
                    mask_id(&value)
                } else {
                    value
                };
                FormFieldRow {
                    key: f.key.clone().into(),
                    label: f.label.clone().into(),
                    kind: field_kind(&f.kind),
                    value: display.into(),
                    error,
                    from_card: Self::from_card(f),
                    required: f.required,
                    choices: match &f.kind {
                        Kind::Choice(c) => ModelRc::new(VecModel::from(
                            c.iter().map(SharedString::from).collect::<Vec<_>>(),
                        )),
                        _ => ModelRc::default(),
                    },
                }
            })
            .collect();
        let focused = self.focused.borrow().clone();
        self.kiosk.ui(|w| {
            let s = w.global::<Submit>();
            s.set_fields(ModelRc::new(VecModel::from(rows)));
            s.set_focused(focused.into());
        });
    }

    fn focus(self: &Rc<Self>, key: &str) {
        let (mode, max, label) = if key == "address" {
            (Mode::Pinyin, 100, "邮寄地址".to_string())
        } else {
            let fields = self.fields.borrow();
            let Some(f) = fields.iter().find(|f| f.key == key) else {
                return;
            };
            if Self::from_card(f) || matches!(f.kind, Kind::Choice(_)) {
                return;
            }
            let mode = match f.kind {
                Kind::Phone | Kind::IdNumber | Kind::Number | Kind::Date => Mode::Digits,
                Kind::Uscc => Mode::Letters,
                Kind::Text | Kind::Choice(_) => Mode::Pinyin,
            };
            (mode, f.kind.max_len(), f.label.clone())
        };
        *self.focused.borrow_mut() = key.to_string();
        if let Some(k) = self.kiosk.upgrade() {
            let target = Rc::new(FormTarget {
                ctl: Rc::downgrade(self),
                key: key.to_string(),
            });
            k.keyboard().attach_labeled(target, mode, max, &label);
        }
        self.kiosk
            .ui(|w| w.global::<Submit>().set_focused(key.into()));
    }

    fn unfocus(&self) {
        self.focused.borrow_mut().clear();
        if let Some(k) = self.kiosk.upgrade() {
            k.keyboard().detach();
        }
        self.kiosk
            .ui(|w| w.global::<Submit>().set_focused("".into()));
    }

    /// A keystroke, or a choice: kept as the field allows, checked at once.
    fn typed(&self, key: &str, text: String) {
        if key == "address" {
            *self.address.borrow_mut() =
                text.chars().filter(|c| !c.is_control()).take(100).collect();
            if self.materials_error.get() == MaterialsError::Address
                && !self.address.borrow().trim().is_empty()
            {
                self.materials_error.set(MaterialsError::None);
            }
            self.show_materials();
            return;
        }
        let kind = self
            .fields
            .borrow()
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.kind.clone());
        let Some(kind) = kind else { return };
        let clean = form::sanitize(&kind, &text);
        // Problems show once a value is complete enough to judge, or after "Next".
        let judge = !clean.is_empty()
            && match kind {
                Kind::Phone | Kind::IdNumber | Kind::Uscc => clean.len() >= kind.max_len(),
                Kind::Date => clean.len() >= 10,
                _ => true,
            };
        if judge {
            self.shown.borrow_mut().insert(key.to_string());
        }
        self.values.borrow_mut().insert(key.to_string(), clean);
        self.show_form();
    }

    fn set_material(&self, i: usize, status: MaterialStatus) {
        if let Some(m) = self.materials.borrow_mut().get_mut(i) {
            if m.status == MaterialStatus::Shared {
                return;
            }
            m.status = match status {
                MaterialStatus::Commitment if m.can_commit => MaterialStatus::Commitment,
                MaterialStatus::Missing => MaterialStatus::Missing,
                _ => MaterialStatus::Provided,
            };
        }
        self.materials_error.set(MaterialsError::None);
        self.show_materials();
    }

    fn show_materials(&self) {
        let rows: Vec<MaterialPick> = self
            .materials
            .borrow()
            .iter()
            .map(|m| MaterialPick {
                name: m.name.clone().into(),
                note: m.note.clone().into(),
                status: m.status,
                can_commit: m.can_commit,
            })
            .collect();
        let needs = self
            .materials
            .borrow()
            .iter()
            .any(|m| m.status == MaterialStatus::Commitment);
        let (mail, address, error, focused) = (
            self.mail.get(),
            self.address.borrow().clone(),
            self.materials_error.get(),
            self.focused.borrow().clone(),
        );
        let accepted = self.commitment.get();
        self.kiosk.ui(|w| {
            let s = w.global::<Submit>();
            s.set_materials(ModelRc::new(VecModel::from(rows)));
            s.set_commitment_needed(needs);
            s.set_commitment_accepted(accepted);
            s.set_mail(mail);
            s.set_address(address.into());
            s.set_materials_error(error);
            s.set_focused(focused.into());
        });
    }

    fn next(&self) {
        match self.stage.get() {
            Stage::Form => {
                let problems = form::problems(&self.fields.borrow(), &self.values.borrow());
                if !problems.is_empty() {
                    self.shown
                        .borrow_mut()
                        .extend(problems.into_iter().map(|(k, _)| k));
                    self.show_form();
                    return;
                }
                self.unfocus();
                self.stage.set(Stage::Materials);
                self.show_materials();
                self.kiosk.show(Screen::SubmitMaterials);
            }
            Stage::Materials => {
                let error = {
                    let m = self.materials.borrow();
                    if m.iter()
                        .any(|m| m.required && m.status == MaterialStatus::Missing)
                    {
                        MaterialsError::Missing
                    } else if m.iter().any(|m| m.status == MaterialStatus::Commitment)
                        && !self.commitment.get()
                    {
                        MaterialsError::Commitment
                    } else if self.mail.get() && self.address.borrow().trim().is_empty() {
                        MaterialsError::Address
                    } else {
                        MaterialsError::None
                    }
                };
                self.materials_error.set(error);
                if error != MaterialsError::None {
                    self.show_materials();
                    return;
                }
                self.unfocus();
                self.stage.set(Stage::Review);
                self.show_review();
                self.kiosk.show(Screen::SubmitReview);
            }
            _ => {}
        }
    }

    fn show_review(&self) {
        let mut rows = Vec::new();
        let row = |label: &str, value: String| ReviewRow {
            label: label.into(),
            value: value.into(),
        };
        {
            let fields = self.fields.borrow();
            let values = self.values.borrow();
            for f in fields.iter().filter(|f| form::visible(f, &values)) {
                let v = values.get(&f.key).cloned().unwrap_or_default();
                let v = if f.kind == Kind::IdNumber {
                    mask_id(&v)
                } else {
                    v
                };
                rows.push(row(&f.label, v));
            }
        }
        for m in self.materials.borrow().iter() {
            let how = match m.status {
                MaterialStatus::Shared => "免提交 (shared)",
                MaterialStatus::Commitment => "容缺后补 (later, by commitment)",
                MaterialStatus::Missing => "未提供 (missing)",
                MaterialStatus::Provided => "已备齐 (I have it)",
            };
            rows.push(row(&m.name, how.into()));
        }
        rows.push(row(
            "领取方式 / Delivery",
            if self.mail.get() {
                format!("邮寄 (post): {}", self.address.borrow())
            } else {
                "窗口领取 (pick up at the window)".into()
            },
        ));
        self.kiosk.ui(|w| {
            w.global::<Submit>()
                .set_review(ModelRc::new(VecModel::from(rows)))
        });
    }

    fn back(&self) {
        match self.stage.get() {
            // Leaving the form forgets it; the list of matters is one step back.
            Stage::Card | Stage::Form => {
                self.unfocus();
                self.start();
            }
            Stage::Materials => {
                self.unfocus();
                self.stage.set(Stage::Form);
                self.show_form();
                self.kiosk.show(Screen::SubmitForm);
            }
            Stage::Review => {
                self.stage.set(Stage::Materials);
                self.show_materials();
                self.kiosk.show(Screen::SubmitMaterials);
            }
            _ => {}
        }
    }

    fn confirm(&self) {
        if self.stage.get() != Stage::Review {
            return;
        }
        let (Some(item), Some(holder)) = (self.item.borrow().clone(), self.holder.borrow().clone())
        else {
            return;
        };
        let Some(desk) = self.desk.borrow().clone() else {
            self.fail(SubmitFailure::Store);
            return;
        };
        let values = self.values.borrow().clone();
        let visible: std::collections::BTreeMap<String, String> = self
            .fields
            .borrow()
            .iter()
            .filter(|f| form::visible(f, &values))
            .filter_map(|f| values.get(&f.key).map(|v| (f.key.clone(), v.clone())))
            .collect();
        let phone = self
            .fields
            .borrow()
            .iter()
            .find(|f| f.kind == Kind::Phone)
            .and_then(|f| values.get(&f.key).cloned())
            .unwrap_or_default();
        let order = SubmissionOrder {
            item_code: item.code.clone(),
            item_name: item.name.clone(),
            holder,
            phone,
            form: visible,
            materials: self
                .materials
                .borrow()
                .iter()
                .map(|m| (m.name.clone(), material_status(m.status)))
                .collect(),
            commitment_accepted: self.commitment.get(),
            mail_to: self
                .mail
                .get()
                .then(|| self.address.borrow().trim().to_string()),
        };
        self.request.set(self.request.get() + 1);
        self.stage.set(Stage::Sending);
        self.kiosk.show(Screen::SubmitSending);
        desk.submit(self.request.get(), order);
    }

    /// Forgets everything typed: the session ended, idled out, or the citizen left.
    pub fn reset(&self) {
        self.request.set(self.request.get() + 1);
        self.stage.set(Stage::Idle);
        *self.item.borrow_mut() = None;
        self.fields.borrow_mut().clear();
        self.values.borrow_mut().clear();
        self.shown.borrow_mut().clear();
        *self.holder.borrow_mut() = None;
        self.materials.borrow_mut().clear();
        self.commitment.set(false);
        self.mail.set(false);
        self.address.borrow_mut().clear();
        self.focused.borrow_mut().clear();
        self.materials_error.set(MaterialsError::None);
        self.kiosk.ui(|w| {
            let s = w.global::<Submit>();
            s.set_fields(ModelRc::default());
            s.set_review(ModelRc::default());
            s.set_materials(ModelRc::default());
            s.set_address("".into());
            s.set_card_problem(CardProblem::None);
            s.set_receipt_no("".into());
            s.set_provisional(false);
            s.set_promised_date("".into());
            s.set_print_state(PrintState::None);
            s.set_failure(SubmitFailure::None);
            s.set_focused("".into());
            s.set_materials_error(MaterialsError::None);
            s.set_commitment_accepted(false);
            s.set_mail(false);
        });
    }
}

/// The domain's words for a material's status in a submission.
fn material_status(status: MaterialStatus) -> domain::MaterialStatus {
    match status {
        MaterialStatus::Provided => domain::MaterialStatus::Provided,
        MaterialStatus::Shared => domain::MaterialStatus::Shared,
        MaterialStatus::Commitment => domain::MaterialStatus::Commitment,
        MaterialStatus::Missing => domain::MaterialStatus::Missing,
    }
}

fn field_kind(kind: &Kind) -> FieldKind {
    match kind {
        Kind::Text => FieldKind::Text,
        Kind::Phone => FieldKind::Phone,
        Kind::IdNumber => FieldKind::IdNumber,
        Kind::Uscc => FieldKind::Uscc,
        Kind::Date => FieldKind::Date,
        Kind::Number => FieldKind::Number,
        Kind::Choice(_) => FieldKind::Choice,
    }
}

fn field_problem(problem: Problem) -> FieldProblem {
    match problem {
        Problem::Required => FieldProblem::Required,
        Problem::Phone => FieldProblem::Phone,
        Problem::IdNumber => FieldProblem::IdNumber,
        Problem::Uscc => FieldProblem::Uscc,
        Problem::Date => FieldProblem::Date,
        Problem::Number => FieldProblem::Number,
        Problem::Choice => FieldProblem::Choice,
    }
}
