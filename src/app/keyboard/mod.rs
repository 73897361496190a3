//! The on-screen keyboard's controller: composes pinyin into candidates, or recognises a
//! character written on the handwriting [`pad`], pages the candidates, and edits the text of
//! the focused field through a callback.

mod pad;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::Kiosk;
use crate::domain::catalog::Guides;
use crate::flows::pinyin_ime::{catalog_vocabulary, PinyinIme};
use crate::ui::{Keyboard, KeyboardMode};
use pad::Pad;
pub use pad::Pen;

/// Candidates shown at once: each at least the touch minimum wide on a 1080 px screen (six
/// of 112 px, or four of 150 px in elderly mode).
const PAGE: usize = 6;
const PAGE_ELDERLY: usize = 4;
/// The characters offered after a handwritten one is chosen.
const CANDIDATES_AFTER: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pinyin,
    /// A character written with a finger (zinnia), for those who cannot type pinyin.
    Handwriting,
    Letters,
    Digits,
}

impl Mode {
    fn ui(self) -> KeyboardMode {
        match self {
            Mode::Pinyin => KeyboardMode::Pinyin,
            Mode::Handwriting => KeyboardMode::Handwriting,
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
    pad: Pad,
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
            pad: Pad::default(),
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
        let me = Rc::downgrade(self);
        k.on_pen(move |kind, x, y| {
            if let Some(me) = me.upgrade() {
                let pen = match kind {
                    0 => Pen::Down,
                    1 => Pen::Move,
                    _ => Pen::Up,
                };
                me.pen(pen, x, y);
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
        self.pad.clear();
        self.refresh(true);
    }

    /// Hides the keyboard and forgets the field (and anything half-typed).
    pub fn detach(&self) {
        *self.target.borrow_mut() = None;
        self.label.borrow_mut().clear();
        self.composing.borrow_mut().clear();
        self.candidates.borrow_mut().clear();
        self.pad.clear();
        if let Some(k) = self.kiosk.upgrade() {
            let kb = k.window().global::<Keyboard>();
            kb.set_visible(false);
            kb.set_ink("".into());
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
                    Mode::Pinyin if self.pad.available() => Mode::Handwriting,
                    Mode::Pinyin | Mode::Handwriting => Mode::Letters,
                    Mode::Letters => Mode::Digits,
                    Mode::Digits => Mode::Pinyin,
                });
                self.composing.borrow_mut().clear();
                self.pad.clear();
            }
            // Handwriting: delete takes back the last stroke first.
            "backspace" if self.mode.get() == Mode::Handwriting && self.pad.undo() => {
                self.show_candidates(self.pad.candidates());
                return;
            }
            "space" | "done" if self.mode.get() == Mode::Handwriting && !self.pad.is_empty() => {
                self.pick(0);
                if key == "space" {
                    return;
                }
                let target = self.target.borrow().clone();
                if let Some(target) = target {
                    target.done();
                }
                return;
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
        if self.mode.get() == Mode::Handwriting {
            // The pad is cleared for the next character, and the characters likeliest to
            // follow this one are offered meanwhile (政 → 务): one tap instead of writing.
            self.pad.clear();
            let next = match &chosen {
                Some(c) => {
                    self.insert(c);
                    let last: String = c.chars().last().map(String::from).unwrap_or_default();
                    self.ime().followers(&last, CANDIDATES_AFTER)
                }
                None => Vec::new(),
            };
            self.show_candidates(next);
            return;
        }
        if let Some(c) = chosen {
            self.insert(&c);
            self.composing.borrow_mut().clear();
        }
        self.refresh(true);
    }

    /// A pen event on the handwriting pad, in its 300 x 300 box; a finished stroke is
    /// recognised at once (a few milliseconds) and the candidates follow every stroke.
    pub fn pen(&self, pen: Pen, x: f32, y: f32) {
        if self.mode.get() != Mode::Handwriting {
            return;
        }
        let finished = self.pad.pen(pen, x, y);
        if finished {
            self.show_candidates(self.pad.candidates());
        } else if let Some(k) = self.kiosk.upgrade() {
            k.window()
                .global::<Keyboard>()
                .set_ink(self.pad.ink().into());
        }
    }

    fn show_candidates(&self, list: Vec<String>) {
        *self.candidates.borrow_mut() = list;
        self.page.set(0);
        self.refresh(false);
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
        if recompute && self.mode.get() != Mode::Handwriting {
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
            kb.set_ink(self.pad.ink().into());
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
