//! Staff mode as a state machine without I/O: the controller feeds it the PIN pad, staff
//! codes, the status screen's buttons and device events ([`Input`]) and carries out what
//! it asks ([`Effect`]): show a screen, run an action, write the audit trail, go home.
//!
//! Every action is audited with who did it: a shared PIN signs in as "pin", a signed staff
//! code names the person. The PIN gate and its lockout are [`gate`]'s.

pub mod gate;
mod messages;
#[cfg(test)]
mod tests;

pub use gate::{hash_pin, Denied, GateState, StaffGate, MAX_TRIES};
pub use messages::{Action, Confirm, DeadAction, Effect, Input, PinMessage, Reason, Test, View};

use std::time::Duration;

use crate::domain::privacy::{mask_id, mask_name};
use crate::domain::{AppEvent, Phrase, ScannedCode, StaffRefusal};

/// Longest PIN the pad accepts; longer input is ignored rather than silently truncated.
pub const MAX_PIN: usize = 12;
/// How much one tap of the volume buttons changes, in per cent.
const VOLUME_STEP: i8 = 10;
/// How much one tap of the brightness buttons changes, in per cent.
pub const BRIGHTNESS_STEP: i8 = 10;

const PIN_WHO: &str = "pin";

/// One kiosk's staff mode.
pub struct StaffFlow {
    gate: StaffGate,
    pin: String,
    signed_in: bool,
    /// "pin", or the staff id of the signed code used to sign in.
    who: String,
    /// While set, the next read or scan is shown to staff, never given to a citizen flow.
    test: Option<Test>,
    /// A first tap that asked "tap again": on what, for what.
    confirm: Option<(String, Confirm)>,
    out_of_service: Option<Option<Reason>>,
}

impl StaffFlow {
    /// `pin_hashes` are argon2 PHC strings; `lockout` how long wrong PINs lock the pad.
    pub fn new(pin_hashes: Vec<String>, lockout: Duration) -> Self {
        StaffFlow {
            gate: StaffGate::new(pin_hashes, lockout),
            pin: String::new(),
            signed_in: false,
            who: PIN_WHO.into(),
            test: None,
            confirm: None,
            out_of_service: None,
        }
    }

    /// The PIN gate's state to keep across a restart.
    pub fn gate_state(&self, now: std::time::Instant, now_ms: i64) -> GateState {
        self.gate.state(now, now_ms)
    }

    /// Takes up the PIN gate's kept state at start-up.
    pub fn restore_gate(&mut self, state: GateState, now: std::time::Instant, now_ms: i64) {
        self.gate.restore(state, now, now_ms);
    }

    pub fn signed_in(&self) -> bool {
        self.signed_in
    }

    /// Whether a device test waits for its event (the controller offers events only then).
    pub fn testing(&self) -> bool {
        self.signed_in && self.test.is_some()
    }

    /// The reason citizens are shown while the kiosk is out of service.
    pub fn out_of_service(&self) -> Option<Option<Reason>> {
        self.out_of_service
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::Start => {
                self.pin.clear();
                self.signed_in = false;
                self.test = None;
                self.confirm = None;
                fx.extend([
                    Effect::PinMessage(PinMessage::None),
                    Effect::Show(View::Pin),
                    Effect::PinDots(0),
                ]);
            }
            Input::Digit(d) => {
                if self.pin.len() < MAX_PIN {
                    self.pin.push_str(&d);
                }
                fx.push(self.dots());
            }
            Input::Erase => {
                self.pin.pop();
                fx.push(self.dots());
            }
            Input::Submit { now } => self.submit(now, &mut fx),
            Input::Code {
                staff_id,
                expires,
                now,
                at,
                refused,
            } => self.code(staff_id, expires, now, at, refused, &mut fx),
            Input::Leave => {
                if self.signed_in {
                    self.audit("left staff mode", &mut fx);
                    self.signed_in = false;
                }
                self.test = None;
                self.confirm = None;
                self.pin.clear();
                fx.push(Effect::GoHome);
            }
            Input::KeptOutOfService { on, reason } => {
                self.show_out_of_service(on, Reason::from_code(&reason), &mut fx);
            }
            // The rest is for signed-in staff only; a stray callback does nothing.
            _ if !self.signed_in => {}
            Input::Action(action) => self.act(action, &mut fx),
            Input::Brightness(percent) => {
                self.audit(&format!("brightness {percent} %"), &mut fx);
                self.show(View::Status, &mut fx);
            }
            Input::Volume(percent) => {
                self.audit(&format!("volume {percent} %"), &mut fx);
                self.show(View::Status, &mut fx);
            }
            Input::ShowOutbox => self.show(View::Outbox, &mut fx),
            Input::DeadLetter { key, action } => {
                let asked = match action {
                    DeadAction::Retry => Confirm::Retry,
                    DeadAction::Discard => Confirm::Discard,
                };
                if self.confirmed(&key, asked, &mut fx) {
                    self.audit(&format!("dead letter {key}: {}", action.code()), &mut fx);
                    fx.push(Effect::DeadLetter {
                        key,
                        action: action.code(),
                    });
                    self.show(View::Outbox, &mut fx);
                }
            }
            Input::BackToStatus => {
                self.test = None;
                self.show(View::Status, &mut fx);
            }
            Input::Device(event) => self.device(&event, &mut fx),
            Input::OutOfService { on, reason } => {
                let code = reason.map_or("", Reason::code);
                let state = if on { "on" } else { "off" };
                self.audit(&format!("out of service: {state} ({code})"), &mut fx);
                // Like any other action, this lapses a question still asking "tap again".
                self.cancel_confirm(&mut fx);
                fx.push(Effect::KeepOutOfService { on, reason });
                self.show_out_of_service(on, reason, &mut fx);
            }
        }
        fx
    }

    fn dots(&self) -> Effect {
        Effect::PinDots(self.pin.chars().count())
    }

    fn audit(&self, what: &str, fx: &mut Vec<Effect>) {
        fx.push(Effect::Audit {
            who: self.who.clone(),
            what: what.into(),
        });
    }

    fn submit(&mut self, now: std::time::Instant, fx: &mut Vec<Effect>) {
        let pin = std::mem::take(&mut self.pin);
        let result = self.gate.try_pin(&pin, now);
        fx.extend([self.dots(), Effect::GateChanged]);
        match result {
            Ok(()) => self.sign_in(PIN_WHO, "signed in with PIN", fx),
            Err(Denied::Wrong { tries_left }) => {
                fx.push(Effect::PinMessage(PinMessage::Wrong { tries_left }));
            }
            Err(Denied::CodeOnly) => {
                fx.extend([
                    Effect::Alert {
                        what: "staff PINs are off after repeated lockouts: a staff code is needed",
                        staff: None,
                    },
                    Effect::StaffLocked(true),
                    Effect::PinMessage(PinMessage::CodeOnly),
                ]);
            }
            Err(Denied::Locked { remaining }) => {
                fx.extend([
                    Effect::Alert {
                        what: "staff mode locked after repeated wrong PINs",
                        staff: None,
                    },
                    Effect::Audit {
                        who: PIN_WHO.into(),
                        what: "staff mode locked: too many wrong PINs".into(),
                    },
                    Effect::StaffLocked(true),
                    Effect::PinMessage(PinMessage::Locked {
                        minutes: remaining.as_secs().div_ceil(60) as u32,
                    }),
                ]);
            }
        }
    }

    fn code(
        &mut self,
        staff_id: String,
        expires: i64,
        now: i64,
        at: std::time::Instant,
        refused: Option<StaffRefusal>,
        fx: &mut Vec<Effect>,
    ) {
        let refusal = refused
            .map(StaffRefusal::what)
            .or((expires <= now).then_some("expired staff code refused"));
        if let Some(what) = refusal {
            fx.extend([
                Effect::Alert {
                    what,
                    staff: Some(staff_id.clone()),
                },
                Effect::Audit {
                    who: staff_id,
                    what: what.into(),
                },
            ]);
            // A refused code counts as a wrong PIN: someone is trying codes.
            if let Some(denied) = self.gate.fail(at) {
                fx.extend([
                    Effect::StaffLocked(true),
                    Effect::Alert {
                        what: "staff mode locked after refused staff codes",
                        staff: None,
                    },
                ]);
                if !self.signed_in {
                    fx.push(Effect::PinMessage(match denied {
                        Denied::Locked { remaining } => PinMessage::Locked {
                            minutes: remaining.as_secs().div_ceil(60) as u32,
                        },
                        _ => PinMessage::CodeOnly,
                    }));
                }
            }
            fx.push(Effect::GateChanged);
            return;
        }
        // A signed code still opens: the person is named, and hall IT hear of it.
        if self.gate.is_locked(at) {
            fx.push(Effect::Alert {
                what: "staff code while staff mode is locked",
                staff: Some(staff_id.clone()),
            });
        }
        self.pin.clear();
        // A person with a valid code vouches for the kiosk: PINs work again.
        self.gate.reset();
        fx.push(Effect::GateChanged);
        self.sign_in(&staff_id, "signed in with staff code", fx);
    }

    fn sign_in(&mut self, who: &str, what: &str, fx: &mut Vec<Effect>) {
        self.who = who.into();
        self.signed_in = true;
        self.test = None;
        fx.push(Effect::StaffLocked(false));
        self.audit(what, fx);
        fx.push(Effect::Activity);
        self.show(View::Status, fx);
    }

    /// Status and the outbox are shown fresh, and a question asked before lapses.
    fn show(&mut self, view: View, fx: &mut Vec<Effect>) {
        if matches!(view, View::Status | View::Outbox) {
            self.cancel_confirm(fx);
        }
        fx.push(Effect::Show(view));
    }

    fn cancel_confirm(&mut self, fx: &mut Vec<Effect>) {
        self.confirm = None;
        fx.push(Effect::Confirm(None));
    }

    /// True on the second tap of the same question on the same thing; the first tap only
    /// asks (the screen shows "tap again").
    fn confirmed(&mut self, key: &str, asked: Confirm, fx: &mut Vec<Effect>) -> bool {
        if self
            .confirm
            .as_ref()
            .is_some_and(|(k, a)| k == key && *a == asked)
        {
            self.cancel_confirm(fx);
            return true;
        }
        self.confirm = Some((key.into(), asked));
        fx.push(Effect::Confirm(self.confirm.clone()));
        false
    }

    fn act(&mut self, action: Action, fx: &mut Vec<Effect>) {
        match action {
            Action::TestCard | Action::TestScan => {
                let test = if action == Action::TestCard {
                    Test::Card
                } else {
                    Test::Scan
                };
                self.test = Some(test);
                fx.extend([Effect::TestStarted(test), Effect::Show(View::Test)]);
            }
            Action::BrightnessUp => fx.push(Effect::StepBrightness(BRIGHTNESS_STEP)),
            Action::BrightnessDown => fx.push(Effect::StepBrightness(-BRIGHTNESS_STEP)),
            Action::VolumeUp => fx.push(Effect::StepVolume(VOLUME_STEP)),
            Action::VolumeDown => fx.push(Effect::StepVolume(-VOLUME_STEP)),
            Action::ClearHelp => {
                self.audit("cleared the help call", fx);
                fx.extend([
                    Effect::ClearHelp,
                    Effect::Notice(Phrase::new("help-cleared")),
                ]);
                self.show(View::Status, fx);
            }
            Action::Restart => {
                if self.confirmed("restart", Confirm::Restart, fx) {
                    self.audit("restarted the kiosk", fx);
                    fx.push(Effect::RequestRestart);
                }
            }
            Action::TestPrint | Action::PaperReplaced | Action::Reprint | Action::Flush => {
                self.audit(action.code(), fx);
                fx.push(Effect::Run(action.code()));
                self.show(View::Status, fx);
            }
        }
    }

    /// The test's own event ends the test with its result; a card removed is swallowed so
    /// a flow does not see half of a read; anything else goes on to the flows.
    fn device(&mut self, event: &AppEvent, fx: &mut Vec<Effect>) {
        let Some(test) = self.test else {
            return;
        };
        let (ok, result) = match (test, event) {
            (Test::Card, AppEvent::CardPresented(h)) => (
                true,
                format!("{} · {}", mask_name(&h.name), mask_id(&h.id_number)),
            ),
            (Test::Card, AppEvent::CardUnreadable(kind)) => (false, kind.clone()),
            (Test::Card, AppEvent::ReaderOffline) => (false, "offline".into()),
            (Test::Scan, AppEvent::Scanned(code)) => (
                !matches!(code, ScannedCode::BadSignature),
                scan_kind(code).into(),
            ),
            (_, AppEvent::CardRemoved) => {
                fx.push(Effect::Taken);
                return;
            }
            _ => return,
        };
        self.test = None;
        let what = match test {
            Test::Card => "card read",
            Test::Scan => "scan",
        };
        let outcome = if ok { "ok" } else { "failed" };
        self.audit(&format!("test {what}: {outcome}"), fx);
        fx.extend([Effect::TestResult { ok, result }, Effect::Taken]);
    }

    fn show_out_of_service(&mut self, on: bool, reason: Option<Reason>, fx: &mut Vec<Effect>) {
        let reason = if on { reason } else { None };
        self.out_of_service = on.then_some(reason);
        fx.push(Effect::ShowOutOfService { on, reason });
    }
}

/// What a test scan read, by kind only: the code itself may be a citizen's.
fn scan_kind(code: &ScannedCode) -> &'static str {
    match code {
        ScannedCode::Appointment(_) | ScannedCode::OtherHallAppointment => "appointment",
        ScannedCode::Ticket { .. } => "ticket",
        ScannedCode::Receipt(_) => "receipt",
        ScannedCode::Staff { .. } => "staff",
        ScannedCode::PaymentCode(_) => "payment-code",
        ScannedCode::BadSignature => "bad-signature",
        ScannedCode::Unknown => "other",
    }
}
