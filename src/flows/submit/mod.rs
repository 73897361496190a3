//! 自助申报 as a state machine without I/O: pick a matter, identify by ID card, fill in the
//! form (checked as it is typed), say how each material is supplied and how the result
//! comes back, review, send. The controller feeds it what the citizen, the card reader and
//! the desk did ([`Input`]) and carries out what it asks ([`Effect`]); every rule of the
//! flow is tested here without a window, a keyboard or a backend.

mod editing;
mod views;

use std::collections::BTreeSet;

use time::Date;

use crate::domain::catalog::{GuideItem, Text};
use crate::domain::{CardHolder, MaterialStatus, SubmissionOrder, SubmitFailure, SubmitReceipt};
use crate::flows::form::{self, Field, Prefill, Values};
pub use views::{
    CardProblem, Choice, Failure, FieldRow, Keys, MaterialRow, MaterialsProblem, MaterialsView,
    PrintState, ReviewRow, View,
};

/// The key the postal address is typed under. It shadows a form field of the same key (the
/// sample catalog's 户籍地址): typing there edits the postal address, as it did before the
/// rules moved here.
pub const ADDRESS: &str = "address";
/// Longest postal address taken, in characters.
pub const ADDRESS_MAX: usize = 100;

/// What the citizen, the card reader and the desk did.
#[derive(Debug, Clone)]
pub enum Input {
    /// The home tile: list the matters that can be filed here.
    Start,
    /// A matter chosen (from the list, or "Apply here" on its guide page).
    Pick(String),
    Card(CardHolder),
    CardUnreadable,
    ReaderOffline,
    CardRemoved,
    /// A field (or [`ADDRESS`]) touched.
    Focus(String),
    /// A field's (or the address's) whole new text: a keystroke, or a choice tapped.
    Typed {
        key: String,
        text: String,
    },
    /// The keyboard's "done".
    Unfocus,
    SetMaterial(usize, MaterialStatus),
    ToggleCommitment,
    /// By post (true) or pickup at the window.
    SetMail(bool),
    Next,
    Back,
    Confirm,
    Submitted {
        request: u64,
        result: Result<SubmitReceipt, SubmitFailure>,
    },
    /// Home, idle timeout, or off to another flow: forget everything.
    Reset,
}

/// What the controller is asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(View),
    /// The matters to pick from.
    Items(Vec<Choice>),
    ItemName(Text),
    CardProblem(CardProblem),
    /// The visible fields, values as they are shown (an ID number from the card masked).
    Form {
        fields: Vec<FieldRow>,
        focused: String,
    },
    Focused(String),
    /// Show the keyboard, typing into `key`.
    Keyboard {
        key: String,
        keys: Keys,
        max_len: usize,
        label: String,
    },
    HideKeyboard,
    Materials(MaterialsView),
    Review(Vec<ReviewRow>),
    Receipt {
        receipt_no: String,
        provisional: bool,
        promised_date: String,
        print: PrintState,
    },
    Failed(Failure),
    Submit {
        request: u64,
        order: SubmissionOrder,
    },
    /// Everything typed and every answer shown is gone: clear the screen's fields.
    Cleared,
}

/// What the flow needs to know of the world for one input.
pub struct Context<'a> {
    /// Against which a card's validity is judged.
    pub today: Date,
    /// The catalog's matters; only [`fileable`] ones are offered.
    pub items: &'a [GuideItem],
}

/// Whether a matter can be filed at the kiosk: the catalog says so and gives a form.
pub fn fileable(item: &GuideItem) -> bool {
    item.self_service && item.form.is_some()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Stage {
    #[default]
    Idle,
    Pick,
    Card,
    Form,
    Materials,
    Review,
    Sending,
    Done,
}

#[derive(Debug, Clone)]
struct Material {
    name: Text,
    note: Text,
    status: MaterialStatus,
    required: bool,
    can_commit: bool,
}

/// The state of one citizen's way through a filing.
#[derive(Debug, Default)]
pub struct SubmitFlow {
    stage: Stage,
    /// Answers carry the request they belong to; a late one for an abandoned filing is
    /// ignored.
    request: u64,
    item: Option<GuideItem>,
    fields: Vec<Field>,
    values: Values,
    /// Fields whose problems show: typed into, or all of them after "Next".
    shown: BTreeSet<String>,
    holder: Option<CardHolder>,
    materials: Vec<Material>,
    commitment: bool,
    mail: bool,
    address: String,
    focused: String,
    materials_problem: Option<MaterialsProblem>,
}

impl SubmitFlow {
    /// Whether a filing is under way (from the list of matters to its end screen).
    pub fn active(&self) -> bool {
        self.stage != Stage::Idle
    }

    /// The text of a field (or of the address), for the keyboard to edit.
    pub fn text(&self, key: &str) -> String {
        if key == ADDRESS {
            return self.address.clone();
        }
        self.values.get(key).cloned().unwrap_or_default()
    }

    /// Whether a device or desk event is this flow's; the controller passes the others
    /// on to the other flows.
    pub fn wants(&self, input: &Input) -> bool {
        match input {
            Input::Card(_) | Input::CardUnreadable | Input::ReaderOffline
                if self.stage == Stage::Card =>
            {
                true
            }
            // While the form is open a card on the reader is this citizen's, already read.
            Input::Card(_) | Input::CardRemoved => self.active(),
            Input::Submitted { request, .. } => *request == self.request,
            _ => false,
        }
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input, ctx: &Context) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::Start => self.start(ctx, &mut fx),
            Input::Pick(code) => self.pick(&code, ctx, &mut fx),
            Input::Card(holder) if self.stage == Stage::Card => {
                if holder.valid_until.is_some_and(|d| d < ctx.today) {
                    fx.push(Effect::CardProblem(CardProblem::Expired));
                } else {
                    self.card(holder, &mut fx);
                }
            }
            Input::CardUnreadable if self.stage == Stage::Card => {
                fx.push(Effect::CardProblem(CardProblem::ReadFailed));
            }
            Input::ReaderOffline if self.stage == Stage::Card => {
                fx.push(Effect::CardProblem(CardProblem::ReaderOffline));
            }
            Input::Card(_) | Input::CardUnreadable | Input::ReaderOffline | Input::CardRemoved => {}
            Input::Focus(key) => self.focus(key, &mut fx),
            Input::Typed { key, text } => self.typed(&key, &text, &mut fx),
            Input::Unfocus => self.unfocus(&mut fx),
            Input::SetMaterial(i, status) => self.set_material(i, status, &mut fx),
            Input::ToggleCommitment => {
                self.commitment = !self.commitment;
                fx.push(self.materials_view());
            }
            Input::SetMail(mail) => {
                self.mail = mail;
                if !mail {
                    self.unfocus(&mut fx);
                }
                fx.push(self.materials_view());
            }
            Input::Next => self.next(&mut fx),
            Input::Back => self.back(ctx, &mut fx),
            Input::Confirm => self.confirm(&mut fx),
            Input::Submitted { request, result } => {
                if request == self.request && self.stage == Stage::Sending {
                    self.submitted(result, &mut fx);
                }
            }
            Input::Reset => self.reset(&mut fx),
        }
        fx
    }

    fn reset(&mut self, fx: &mut Vec<Effect>) {
        let request = self.request + 1;
        *self = SubmitFlow {
            request,
            ..SubmitFlow::default()
        };
        fx.push(Effect::Cleared);
    }

    fn start(&mut self, ctx: &Context, fx: &mut Vec<Effect>) {
        self.reset(fx);
        let items = ctx
            .items
            .iter()
            .filter(|i| fileable(i))
            .map(|i| Choice {
                code: i.code.clone(),
                name: i.name_text(),
            })
            .collect();
        self.stage = Stage::Pick;
        fx.extend([Effect::Items(items), Effect::Show(View::Pick)]);
    }

    fn pick(&mut self, code: &str, ctx: &Context, fx: &mut Vec<Effect>) {
        self.reset(fx);
        let item = ctx.items.iter().find(|i| i.code == code && fileable(i));
        let Some(item) = item else {
            self.fail(Failure::Broken, fx);
            return;
        };
        let fields = match item.form.as_ref().map(form::parse) {
            Some(Ok(f)) => f,
            Some(Err(e)) => {
                tracing::warn!(item = %item.code, "form schema unusable: {e}");
                self.fail(Failure::Broken, fx);
                return;
            }
            None => {
                self.fail(Failure::Broken, fx);
                return;
            }
        };
        self.fields = fields;
        self.materials = item
            .materials
            .iter()
            .map(|m| Material {
                name: m.name_text(),
                note: m
                    .tr
                    .text("commitment", m.commitment.as_deref().unwrap_or_default()),
                status: if m.shared.is_some() {
                    MaterialStatus::Shared
                } else {
                    MaterialStatus::Provided
                },
                required: m.required,
                can_commit: m.waivable,
            })
            .collect();
        self.item = Some(item.clone());
        self.stage = Stage::Card;
        fx.extend([Effect::ItemName(item.name_text()), Effect::Show(View::Card)]);
    }

    fn fail(&mut self, why: Failure, fx: &mut Vec<Effect>) {
        self.stage = Stage::Done;
        fx.extend([Effect::Failed(why), Effect::Show(View::Failed)]);
    }

    fn card(&mut self, holder: CardHolder, fx: &mut Vec<Effect>) {
        for f in &self.fields {
            let v = match f.prefill {
                Some(Prefill::Name) => holder.name.clone(),
                Some(Prefill::IdNumber) => holder.id_number.clone(),
                Some(Prefill::Address) => holder.address.clone(),
                None => continue,
            };
            self.values.insert(f.key.clone(), v);
        }
        self.holder = Some(holder);
        self.stage = Stage::Form;
        fx.extend([self.form_view(), Effect::Show(View::Form)]);
    }

    fn next(&mut self, fx: &mut Vec<Effect>) {
        match self.stage {
            Stage::Form => {
                let problems = form::problems(&self.fields, &self.values);
                if !problems.is_empty() {
                    self.shown.extend(problems.into_iter().map(|(k, _)| k));
                    fx.push(self.form_view());
                    return;
                }
                self.unfocus(fx);
                self.stage = Stage::Materials;
                fx.extend([self.materials_view(), Effect::Show(View::Materials)]);
            }
            Stage::Materials => {
                self.materials_problem = self.materials_problem();
                if self.materials_problem.is_some() {
                    fx.push(self.materials_view());
                    return;
                }
                self.unfocus(fx);
                self.stage = Stage::Review;
                fx.extend([
                    Effect::Review(self.review_rows()),
                    Effect::Show(View::Review),
                ]);
            }
            _ => {}
        }
    }

    fn back(&mut self, ctx: &Context, fx: &mut Vec<Effect>) {
        match self.stage {
            // Leaving the form forgets it; the list of matters is one step back.
            Stage::Card | Stage::Form => {
                self.unfocus(fx);
                self.start(ctx, fx);
            }
            Stage::Materials => {
                self.unfocus(fx);
                self.stage = Stage::Form;
                fx.extend([self.form_view(), Effect::Show(View::Form)]);
            }
            Stage::Review => {
                self.stage = Stage::Materials;
                fx.extend([self.materials_view(), Effect::Show(View::Materials)]);
            }
            _ => {}
        }
    }

    fn confirm(&mut self, fx: &mut Vec<Effect>) {
        if self.stage != Stage::Review {
            return;
        }
        let Some(order) = self.order() else {
            return;
        };
        self.request += 1;
        self.stage = Stage::Sending;
        fx.extend([
            Effect::Show(View::Sending),
            Effect::Submit {
                request: self.request,
                order,
            },
        ]);
    }

    fn submitted(&mut self, result: Result<SubmitReceipt, SubmitFailure>, fx: &mut Vec<Effect>) {
        match result {
            Ok(r) => {
                // What was typed is with the backend (or the outbox) now: only the receipt
                // stays.
                self.values.clear();
                self.holder = None;
                self.address.clear();
                self.stage = Stage::Done;
                fx.extend([
                    Effect::Receipt {
                        receipt_no: r.receipt_no,
                        provisional: r.provisional,
                        promised_date: r.promised_date.unwrap_or_default(),
                        print: views::print_state(r.printed),
                    },
                    Effect::Show(View::Done),
                ]);
            }
            Err(SubmitFailure::Store) => self.fail(Failure::Store, fx),
            Err(SubmitFailure::Refused(_)) => self.fail(Failure::Refused, fx),
        }
    }
}

#[cfg(test)]
mod tests;
