//! 投诉建议 and 办不成事: the citizen picks a kind, types what happened on the on-screen
//! keyboard, may leave a phone number for the answer (only with consent to be called), may
//! scan the ticket it is about, and gets a number on a printed slip. Offline the number is
//! provisional and the complaint is delivered later.

use super::{reference_of, short_text};
use crate::domain::{ComplaintKind, ComplaintOrder, PrintOutcome, ScannedCode, ServiceRef};
use crate::flows::validate;

/// A mainland mobile number has this many digits; more is a slip of the finger.
pub const PHONE_DIGITS: usize = 11;

/// The flow's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Form,
    Done,
}

/// The field the keyboard types into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Text,
    Phone,
}

/// Why the complaint cannot be filed as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    /// A phone number was given without consent to be called on it.
    Consent,
}

/// What the citizen and the desk did.
#[derive(Debug, Clone)]
pub enum Input {
    /// The 投诉建议 tile.
    Start,
    ChooseKind(ComplaintKind),
    Focus(Field),
    /// A field's text as the keyboard left it.
    Type {
        field: Field,
        text: String,
    },
    KeyboardDone,
    ToggleConsent,
    Scanned(ScannedCode),
    Submit,
    Filed {
        request: u64,
        complaint_no: String,
        provisional: bool,
        slip: Option<PrintOutcome>,
    },
    /// The kiosk could not keep it (its store failed).
    NotSaved {
        request: u64,
    },
    /// Home, idle timeout: forget everything typed.
    Reset,
}

/// What the controller is asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(View),
    Kind(ComplaintKind),
    Focus(Option<Field>),
    /// Show the keyboard for a field, or hide it.
    Keyboard(Option<Field>),
    Text(String),
    Phone(String),
    PhoneInvalid(bool),
    Consent(bool),
    /// The scanned service, as the form names it.
    RefText(String),
    Refused(Option<Refusal>),
    Complain {
        request: u64,
        order: ComplaintOrder,
    },
    Filed {
        complaint_no: String,
        provisional: bool,
        slip_printed: bool,
    },
    /// Nothing was kept: say so, and send the citizen to the service desk.
    NotSaved,
    /// Everything typed is gone: clear the screen's fields.
    Cleared,
}

/// The state of one citizen's complaint.
#[derive(Debug)]
pub struct ComplaintFlow {
    /// On the form: scans are ours.
    active: bool,
    /// Answers carry the request they belong to; a late one for an abandoned complaint is
    /// ignored.
    request: u64,
    kind: ComplaintKind,
    text: String,
    phone: String,
    consent: bool,
    reference: Option<ServiceRef>,
}

impl Default for ComplaintFlow {
    fn default() -> Self {
        ComplaintFlow {
            active: false,
            request: 0,
            kind: ComplaintKind::Complaint,
            text: String::new(),
            phone: String::new(),
            consent: false,
            reference: None,
        }
    }
}

impl ComplaintFlow {
    /// Whether a scanned code is for this flow.
    pub fn wants_scan(&self) -> bool {
        self.active
    }

    /// Whether `request` is the one the flow waits for.
    pub fn awaits(&self, request: u64) -> bool {
        request == self.request
    }

    /// A field's text, for the keyboard to edit.
    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::Text => &self.text,
            Field::Phone => &self.phone,
        }
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::Start => {
                self.reset(&mut fx);
                self.active = true;
                fx.push(Effect::Show(View::Form));
            }
            Input::ChooseKind(kind) => {
                self.kind = kind;
                fx.push(Effect::Kind(kind));
            }
            Input::Focus(field) => {
                fx.extend([Effect::Focus(Some(field)), Effect::Keyboard(Some(field))]);
            }
            Input::Type {
                field: Field::Text,
                text,
            } => {
                self.text = text.clone();
                fx.push(Effect::Text(text));
            }
            Input::Type {
                field: Field::Phone,
                text,
            } => {
                let digits: String = text
                    .chars()
                    .filter(char::is_ascii_digit)
                    .take(PHONE_DIGITS)
                    .collect();
                // Flagged only once complete: a number half-typed is not yet wrong.
                let invalid = digits.len() == PHONE_DIGITS && !validate::mobile(&digits);
                self.phone = digits.clone();
                fx.extend([Effect::PhoneInvalid(invalid), Effect::Phone(digits)]);
            }
            Input::KeyboardDone => fx.extend([Effect::Keyboard(None), Effect::Focus(None)]),
            Input::ToggleConsent => {
                self.consent = !self.consent;
                fx.push(Effect::Consent(self.consent));
            }
            Input::Scanned(code) => {
                if self.active {
                    if let Some(reference) = reference_of(&code) {
                        fx.push(Effect::RefText(short_text(&reference)));
                        self.reference = Some(reference);
                    }
                }
            }
            Input::Submit => {
                if self.active {
                    self.submit(&mut fx);
                }
            }
            Input::Filed {
                request,
                complaint_no,
                provisional,
                slip,
            } => {
                if self.awaits(request) {
                    self.active = false;
                    fx.extend([
                        Effect::Filed {
                            complaint_no,
                            provisional,
                            slip_printed: matches!(
                                slip,
                                Some(PrintOutcome::Printed | PrintOutcome::PrintedPaperLow)
                            ),
                        },
                        Effect::Show(View::Done),
                    ]);
                }
            }
            Input::NotSaved { request } => {
                if self.awaits(request) {
                    self.active = false;
                    fx.extend([Effect::NotSaved, Effect::Show(View::Done)]);
                }
            }
            Input::Reset => self.reset(&mut fx),
        }
        fx
    }

    fn reset(&mut self, fx: &mut Vec<Effect>) {
        let request = self.request + 1;
        *self = ComplaintFlow {
            request,
            ..ComplaintFlow::default()
        };
        fx.push(Effect::Cleared);
    }

    fn submit(&mut self, fx: &mut Vec<Effect>) {
        let text = self.text.trim().to_string();
        let phone = self.phone.clone();
        let refusal = if text.is_empty() {
            Some(Refusal::Empty)
        } else if !phone.is_empty() && !validate::mobile(&phone) {
            // The field itself says what is wrong; no second message.
            fx.push(Effect::PhoneInvalid(true));
            return;
        } else if !phone.is_empty() && !self.consent {
            Some(Refusal::Consent)
        } else {
            None
        };
        fx.push(Effect::Refused(refusal));
        if refusal.is_some() {
            return;
        }
        self.request += 1;
        fx.extend([
            Effect::Keyboard(None),
            Effect::Complain {
                request: self.request,
                order: ComplaintOrder {
                    kind: self.kind,
                    text,
                    phone: (!phone.is_empty()).then_some(phone),
                    reference: self.reference.clone(),
                },
            },
        ]);
    }
}
