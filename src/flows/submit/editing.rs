//! What the citizen changes on the form and materials pages: the focused field and its
//! keyboard, what is typed, how each material comes.

use super::{views, Effect, Keys, MaterialsProblem, SubmitFlow, ADDRESS, ADDRESS_MAX};
use crate::domain::MaterialStatus;
use crate::flows::form::{self, Kind};

impl SubmitFlow {
    pub(super) fn focus(&mut self, key: String, fx: &mut Vec<Effect>) {
        let (keys, max_len, label) = if key == ADDRESS {
            (Keys::Pinyin, ADDRESS_MAX, "邮寄地址".to_string())
        } else {
            let Some(f) = self.fields.iter().find(|f| f.key == key) else {
                return;
            };
            if views::from_card(f) || matches!(f.kind, Kind::Choice(_)) {
                return;
            }
            let keys = match f.kind {
                Kind::Phone | Kind::IdNumber | Kind::Number | Kind::Date => Keys::Digits,
                Kind::Uscc => Keys::Letters,
                Kind::Text | Kind::Choice(_) => Keys::Pinyin,
            };
            (keys, f.kind.max_len(), f.label.clone())
        };
        self.focused = key.clone();
        fx.extend([
            Effect::Keyboard {
                key: key.clone(),
                keys,
                max_len,
                label,
            },
            Effect::Focused(key),
        ]);
    }

    pub(super) fn unfocus(&mut self, fx: &mut Vec<Effect>) {
        self.focused.clear();
        fx.extend([Effect::HideKeyboard, Effect::Focused(String::new())]);
    }

    /// A keystroke, or a choice: kept as the field allows, checked at once.
    pub(super) fn typed(&mut self, key: &str, text: &str, fx: &mut Vec<Effect>) {
        if key == ADDRESS {
            self.address = text
                .chars()
                .filter(|c| !c.is_control())
                .take(ADDRESS_MAX)
                .collect();
            if self.materials_problem == Some(MaterialsProblem::Address)
                && !self.address.trim().is_empty()
            {
                self.materials_problem = None;
            }
            fx.push(self.materials_view());
            return;
        }
        let Some(kind) = self
            .fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.kind.clone())
        else {
            return;
        };
        let clean = form::sanitize(&kind, text);
        // Problems show once a value is complete enough to judge, or after "Next".
        let judge = !clean.is_empty()
            && match kind {
                Kind::Phone | Kind::IdNumber | Kind::Uscc => clean.len() >= kind.max_len(),
                Kind::Date => clean.len() >= 10,
                _ => true,
            };
        if judge {
            self.shown.insert(key.to_string());
        }
        self.values.insert(key.to_string(), clean);
        fx.push(self.form_view());
    }

    pub(super) fn set_material(&mut self, i: usize, status: MaterialStatus, fx: &mut Vec<Effect>) {
        if let Some(m) = self.materials.get_mut(i) {
            // 免提交 is the departments' doing, not the citizen's to change.
            if m.status == MaterialStatus::Shared {
                return;
            }
            m.status = match status {
                MaterialStatus::Commitment if m.can_commit => MaterialStatus::Commitment,
                MaterialStatus::Missing => MaterialStatus::Missing,
                _ => MaterialStatus::Provided,
            };
        }
        self.materials_problem = None;
        fx.push(self.materials_view());
    }

    pub(super) fn materials_problem(&self) -> Option<MaterialsProblem> {
        let m = &self.materials;
        if m.iter()
            .any(|m| m.required && m.status == MaterialStatus::Missing)
        {
            Some(MaterialsProblem::Missing)
        } else if m.iter().any(|m| m.status == MaterialStatus::Commitment) && !self.commitment {
            Some(MaterialsProblem::Commitment)
        } else if self.mail && self.address.trim().is_empty() {
            Some(MaterialsProblem::Address)
        } else {
            None
        }
    }
}
