//! 自助申报 controller: turns the `Submit` global's callbacks, the keyboard's typing and the
//! card reader's and desk's events into inputs of the flow (`crate::flows::submit`), and
//! carries out what it asks: property writes, screens, the keyboard and the desk's
//! submission. The rules live in the flow; this module only knows Slint.

mod props;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::ComponentHandle;

use super::keyboard::{KeyboardTarget, Mode};
use super::{Kiosk, KioskLink};
use crate::domain::catalog::GuideItem;
use crate::domain::{AppEvent, Desk, SubmitFailure};
use crate::flows::submit::{self as flow, Context, Effect, Input, Keys, SubmitFlow as Flow};
use crate::ui::{Feature, Submit};

pub struct SubmitController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    flow: RefCell<Flow>,
    items: RefCell<Vec<GuideItem>>,
    /// The matter of the submission on its way, and its receipt number once taken: its
    /// fee can then be paid here.
    submitted: RefCell<Option<(GuideItem, String)>>,
}

/// The keyboard types into one form field (or the postal address).
struct FormTarget {
    ctl: Weak<SubmitController>,
    key: String,
}

impl KeyboardTarget for FormTarget {
    fn text(&self) -> String {
        self.ctl
            .upgrade()
            .map(|c| c.flow.borrow().text(&self.key))
            .unwrap_or_default()
    }
    fn set_text(&self, text: String) {
        if let Some(c) = self.ctl.upgrade() {
            c.send(Input::Typed {
                key: self.key.clone(),
                text,
            });
        }
    }
    fn done(&self) {
        if let Some(c) = self.ctl.upgrade() {
            c.send(Input::Unfocus);
        }
    }
}

impl SubmitController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(SubmitController {
            kiosk,
            desk: RefCell::default(),
            flow: RefCell::default(),
            items: RefCell::default(),
            submitted: RefCell::default(),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    /// The matters that can be filed here, from the catalog.
    pub fn set_items(&self, items: Vec<GuideItem>) {
        *self.items.borrow_mut() = items.into_iter().filter(flow::fileable).collect();
    }

    pub fn active(&self) -> bool {
        self.flow.borrow().active()
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let s = window.global::<Submit>();
        let me = Rc::downgrade(self);
        s.on_pay(move || {
            let Some(me) = me.upgrade() else { return };
            let Some((item, receipt_no)) = me.submitted.borrow().clone() else {
                return;
            };
            if let Some(k) = me.kiosk.upgrade() {
                k.payment()
                    .start(crate::domain::payment::PayRef::Receipt(receipt_no), &item);
            }
        });
        let me = Rc::downgrade(self);
        s.on_pick(move |code| {
            if let Some(me) = me.upgrade() {
                me.send(Input::Pick(code.to_string()));
            }
        });
        let me = Rc::downgrade(self);
        s.on_focus(move |key| {
            if let Some(me) = me.upgrade() {
                me.send(Input::Focus(key.to_string()));
            }
        });
        let me = Rc::downgrade(self);
        s.on_choose(move |key, choice| {
            if let Some(me) = me.upgrade() {
                me.send(Input::Typed {
                    key: key.to_string(),
                    text: choice.to_string(),
                });
            }
        });
        let me = Rc::downgrade(self);
        s.on_set_material(move |i, status| {
            if let Some(me) = me.upgrade() {
                // A negative index from the UI names no material: the flow ignores it.
                let i = usize::try_from(i).unwrap_or(usize::MAX);
                me.send(Input::SetMaterial(i, props::material_status(status)));
            }
        });
        let me = Rc::downgrade(self);
        s.on_toggle_commitment(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::ToggleCommitment);
            }
        });
        let me = Rc::downgrade(self);
        s.on_set_mail(move |mail| {
            if let Some(me) = me.upgrade() {
                me.send(Input::SetMail(mail));
            }
        });
        let me = Rc::downgrade(self);
        s.on_next(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::Next);
            }
        });
        let me = Rc::downgrade(self);
        s.on_back(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::Back);
            }
        });
        let me = Rc::downgrade(self);
        s.on_confirm(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::Confirm);
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
    pub fn start(self: &Rc<Self>) {
        self.send(Input::Start);
    }

    /// A matter chosen (here, or "Apply here" on its guide page).
    pub fn start_item(self: &Rc<Self>, code: &str) {
        self.send(Input::Pick(code.to_string()));
    }

    /// Forgets everything typed: the session ended, idled out, or the citizen left.
    pub fn reset(self: &Rc<Self>) {
        self.send(Input::Reset);
    }

    /// Card and desk events; true when this flow took the event.
    pub fn handle(self: &Rc<Self>, event: &AppEvent) -> bool {
        let input = match event {
            AppEvent::CardPresented(holder) => Input::Card(holder.clone()),
            AppEvent::CardUnreadable(_) => Input::CardUnreadable,
            AppEvent::ReaderOffline => Input::ReaderOffline,
            AppEvent::CardRemoved => Input::CardRemoved,
            AppEvent::Submitted { request, result } => Input::Submitted {
                request: *request,
                result: result.clone(),
            },
            _ => return false,
        };
        if !self.flow.borrow().wants(&input) {
            return false;
        }
        self.send(input);
        true
    }

    /// Feeds one input to the flow and carries out its effects, in order. The flow is not
    /// borrowed while they are carried out: the keyboard reads it back, and a missing desk
    /// answers at once.
    fn send(self: &Rc<Self>, input: Input) {
        let effects = {
            let items = self.items.borrow();
            let ctx = Context {
                // The filing has always judged card expiry by the UTC date, not by the
                // hall's as the ticket flow does; moving the rules out was not to change that.
                today: hall_link::clock::now_utc().date(),
                items: &items,
            };
            self.flow.borrow_mut().handle(input, &ctx)
        };
        for effect in effects {
            self.apply(effect);
        }
    }

    fn apply(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::Show(view) => self.kiosk.show(props::screen_of(view)),
            Effect::Items(items) => self.kiosk.ui(|w| props::items(w, items)),
            Effect::ItemName(name) => self
                .kiosk
                .ui(|w| w.global::<Submit>().set_item(name.into())),
            Effect::CardProblem(p) => self.kiosk.ui(|w| {
                w.global::<Submit>()
                    .set_card_problem(props::card_problem(p))
            }),
            Effect::Form { fields, focused } => self.kiosk.ui(|w| props::form(w, fields, focused)),
            Effect::Focused(key) => self
                .kiosk
                .ui(|w| w.global::<Submit>().set_focused(key.into())),
            Effect::Keyboard {
                key,
                keys,
                max_len,
                label,
            } => {
                if let Some(k) = self.kiosk.upgrade() {
                    let target = Rc::new(FormTarget {
                        ctl: Rc::downgrade(self),
                        key,
                    });
                    k.keyboard()
                        .attach_labeled(target, mode_of(keys), max_len, &label);
                }
            }
            Effect::HideKeyboard => {
                if let Some(k) = self.kiosk.upgrade() {
                    k.keyboard().detach();
                }
            }
            Effect::Materials(view) => self.kiosk.ui(|w| props::materials(w, view)),
            Effect::Review(rows) => self.kiosk.ui(|w| props::review(w, rows)),
            Effect::Receipt {
                receipt_no,
                provisional,
                promised_date,
                print,
            } => self.kiosk.ui(|w| {
                let s = w.global::<Submit>();
                // A fee is paid against the backend's own receipt number, never a
                // provisional one (the backend does not know it yet).
                let mut submitted = self.submitted.borrow_mut();
                let payable = match submitted.as_mut() {
                    Some((item, no)) if !provisional && !item.fee_items.is_empty() => {
                        *no = receipt_no.clone();
                        true
                    }
                    _ => false,
                };
                s.set_payable(payable);
                s.set_receipt_no(receipt_no.into());
                s.set_provisional(provisional);
                s.set_promised_date(promised_date.into());
                s.set_print_state(props::print_state(print));
            }),
            Effect::Failed(why) => self
                .kiosk
                .ui(|w| w.global::<Submit>().set_failure(props::failure(why))),
            Effect::Submit { request, order } => {
                let item = self
                    .items
                    .borrow()
                    .iter()
                    .find(|i| i.code == order.item_code)
                    .cloned();
                *self.submitted.borrow_mut() = item.map(|i| (i, String::new()));
                let desk = self.desk.borrow().clone();
                match desk {
                    Some(desk) => desk.submit(request, order),
                    // Without a desk nothing can be committed: the citizen hears so at once.
                    None => self.send(Input::Submitted {
                        request,
                        result: Err(SubmitFailure::Store),
                    }),
                }
            }
            Effect::Cleared => {
                *self.submitted.borrow_mut() = None;
                self.kiosk.ui(props::clear)
            }
        }
    }
}

fn mode_of(keys: Keys) -> Mode {
    match keys {
        Keys::Pinyin => Mode::Pinyin,
        Keys::Letters => Mode::Letters,
        Keys::Digits => Mode::Digits,
    }
}
