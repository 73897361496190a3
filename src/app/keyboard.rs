//! The on-screen keyboard's controller: composes pinyin into candidates, pages them, and
//! edits the text of the focused field through a callback.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::Kiosk;
use crate::domain::catalog::Guides;
use crate::flows::pinyin_ime::{catalog_vocabulary, PinyinIme};
use crate::ui::{Keyboard, KeyboardMode};

/// Candidates shown at once: each at least the touch minimum wide on a 1080 px screen (six
/// of 112 px, or four of 150 px in elderly mode).
const PAGE: usize = 6;
const PAGE_ELDERLY: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pinyin,
    Letters,
    Digits,
}

impl Mode {
    fn ui(self) -> KeyboardMode {
        match self {
            Mode::Pinyin => KeyboardMode::Pinyin,
            Mode::Letters => KeyboardMode::Letters,
            Mode::Digits => KeyboardMode::Digits,
        }
    }
}

/// What the keyboard types into.
pub trait KeyboardTarget {
    fn text(&self) -> String;
    fn set_text(&self, text: String);
    /// "Done" pressed.
    fn done(&self) {}
}

pub struct KeyboardController {
    kiosk: Weak<Kiosk>,
    /// Built on first use with the catalog's names as the hall's vocabulary; built again
    /// when the catalog changes.
    ime: RefCell<Option<(Rc<Guides>, Rc<PinyinIme>)>>,
    mode: Cell<Mode>,
    composing: RefCell<String>,
    page: Cell<usize>,
    candidates: RefCell<Vec<String>>,
    target: RefCell<Option<Rc<dyn KeyboardTarget>>>,
    max_len: Cell<usize>,
    label: RefCell<String>,
}

impl KeyboardController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(KeyboardController {
            kiosk,
            ime: RefCell::default(),
            mode: Cell::new(Mode::Pinyin),
            composing: RefCell::default(),
            page: Cell::new(0),
            candidates: RefCell::default(),
            target: RefCell::default(),
            max_len: Cell::new(200),
            label: RefCell::default(),
        })
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let k = window.global::<Keyboard>();
        let me = Rc::downgrade(self);
        k.on_key(move |key| {
            if let Some(me) = me.upgrade() {
                me.key(&key);
            }
        });
        let me = Rc::downgrade(self);
        k.on_pick(move |i| {
            if let Some(me) = me.upgrade() {
                me.pick(i as usize);
            }
        });
    }

    /// Shows the keyboard for a field.
    pub fn attach(&self, target: Rc<dyn KeyboardTarget>, mode: Mode, max_len: usize) {
        self.attach_labeled(target, mode, max_len, "");
    }

    /// Shows the keyboard for a field that may be scrolled away: its label and value are
    /// echoed above the keys.
    pub fn attach_labeled(
        &self,
        target: Rc<dyn KeyboardTarget>,
        mode: Mode,
        max_len: usize,
        label: &str,
    ) {
        *self.label.borrow_mut() = label.to_string();
        *self.target.borrow_mut() = Some(target);
        self.mode.set(mode);
        self.max_len.set(max_len);
        self.composing.borrow_mut().clear();
        self.refresh(true);
    }

    /// Hides the keyboard and forgets the field (and anything half-typed).
    pub fn detach(&self) {
        *self.target.borrow_mut() = None;
        self.label.borrow_mut().clear();
        self.composing.borrow_mut().clear();
        self.candidates.borrow_mut().clear();
        if let Some(k) = self.kiosk.upgrade() {
            let kb = k.window().global::<Keyboard>();
            kb.set_visible(false);
            kb.set_composing("".into());
            kb.set_candidates(ModelRc::default());
            kb.set_field_label("".into());
            kb.set_field_value("".into());
        }
    }

    fn ime(&self) -> Rc<PinyinIme> {
        let guides = self.kiosk.upgrade().map(|k| k.guide().guides());
        let mut slot = self.ime.borrow_mut();
        if let Some((built_for, ime)) = &*slot {
            if guides.as_ref().is_none_or(|g| Rc::ptr_eq(built_for, g)) {
                return ime.clone();
            }
        }
        let guides = guides.unwrap_or_default();
        let ime = Rc::new(PinyinIme::new().with_vocabulary(catalog_vocabulary(&guides)));
        *slot = Some((guides, ime.clone()));
        ime
    }

    fn insert(&self, s: &str) {
        let Some(target) = self.target.borrow().clone() else {
            return;
        };
        let mut text = target.text();
        if text.chars().count() + s.chars().count() <= self.max_len.get() {
            text.push_str(s);
            target.set_text(text);
        }
    }

    pub fn key(&self, key: &str) {
        match key {
            "mode" => {
                self.mode.set(match self.mode.get() {
                    Mode::Pinyin => Mode::Letters,
                    Mode::Letters => Mode::Digits,
                    Mode::Digits => Mode::Pinyin,
                });
                self.composing.borrow_mut().clear();
            }
            "backspace" if self.composing.borrow_mut().pop().is_none() => {
                // Bound first: the borrow must end before the target calls back into us.
                let target = self.target.borrow().clone();
                if let Some(target) = target {
                    let mut text = target.text();
                    text.pop();
                    target.set_text(text);
                }
            }
            "backspace" => {}
            "space" => {
                // Space commits the first candidate, as phone keyboards do.
                if !self.composing.borrow().is_empty() {
                    self.pick(0);
                    return;
                }
                self.insert(" ");
            }
            "done" => {
                if !self.composing.borrow().is_empty() {
                    self.pick(0);
                }
                // Bound first: done() detaches the keyboard, which borrows the target again.
                let target = self.target.borrow().clone();
                if let Some(target) = target {
                    target.done();
                }
                return;
            }
            "page-on" => {
                self.page.set(self.page.get() + 1);
                self.refresh(false);
                return;
            }
            "page-back" => {
                self.page.set(self.page.get().saturating_sub(1));
                self.refresh(false);
                return;
            }
            k if self.mode.get() == Mode::Pinyin
                && k.len() == 1
                && k.chars().all(|c| c.is_ascii_lowercase()) =>
            {
                // Longer than any pinyin of a few words: more is a stuck key, not input.
                let mut composing = self.composing.borrow_mut();
                if composing.len() < 24 {
                    composing.push_str(k);
                }
            }
            k if k.chars().count() == 1 => self.insert(k),
            _ => {}
        }
        self.refresh(true);
    }

    /// Commits candidate `i` of the current page.
    pub fn pick(&self, i: usize) {
        let chosen = self
            .candidates
            .borrow()
            .get(self.page.get() * self.per_page() + i)
            .cloned();
        if let Some(c) = chosen {
            self.insert(&c);
            self.composing.borrow_mut().clear();
        }
        self.refresh(true);
    }

    fn per_page(&self) -> usize {
        let elderly = self
            .kiosk
            .upgrade()
            .is_some_and(|k| k.window().global::<crate::ui::Theme>().get_elderly());
        if elderly {
            PAGE_ELDERLY
        } else {
            PAGE
        }
    }

    fn refresh(&self, recompute: bool) {
        if recompute {
            let typed = self.composing.borrow().clone();
            *self.candidates.borrow_mut() = if typed.is_empty() {
                Vec::new()
            } else {
                self.ime().candidates(&typed, PAGE * 20)
            };
            self.page.set(0);
        }
        let per_page = self.per_page();
        let all = self.candidates.borrow();
        let pages = all.len().div_ceil(per_page);
        let page = self.page.get().min(pages.saturating_sub(1));
        self.page.set(page);
        let shown: Vec<SharedString> = all
            .iter()
            .skip(page * per_page)
            .take(per_page)
            .map(|s| s.as_str().into())
            .collect();
        if let Some(k) = self.kiosk.upgrade() {
            let kb = k.window().global::<Keyboard>();
            kb.set_visible(self.target.borrow().is_some());
            kb.set_mode(self.mode.get().ui());
            kb.set_composing(self.composing.borrow().clone().into());
            kb.set_candidates(ModelRc::new(VecModel::from(shown)));
            kb.set_can_page_back(page > 0);
            kb.set_can_page_on(page + 1 < pages);
            kb.set_field_label(self.label.borrow().clone().into());
            kb.set_field_value(
                self.target
                    .borrow()
                    .as_ref()
                    .map(|t| t.text())
                    .unwrap_or_default()
                    .into(),
            );
        }
    }
}
