//! 缴费 as a state machine without I/O: a fee is paid by the order's QR code on the screen
//! (主扫) or by the wallet's payment code under the scanner (被扫). One order per action:
//! the desk commits its key before asking the backend, and every later step (a lost
//! answer, the countdown running out, the citizen's cancel) follows that same order. The
//! screen says "paid" only on the backend's word. A citizen who leaves mid-payment leaves
//! the order to the kiosk's link, which follows it to the end (a late payment is printed
//! for staff).

use std::time::Duration;

use time::OffsetDateTime;

use crate::domain::payment::{Fee, PayFailure, PayOrder, PayRef, PayState, PayWay, Payment};
use crate::domain::{PrintOutcome, ScannedCode};
use crate::flows::ticket::PrintState;

/// How long the done screen stays after the receipt printed, and when it did not.
pub const SHOW_PRINTED_S: u32 = 15;
pub const SHOW_ON_SCREEN_S: u32 = 60;
/// A QR order the backend gave no expiry: the citizen's wallet gets this long.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Method,
    Qr,
    Scan,
    Done,
    Failed,
}

/// Why the payment did not go through, as the screen explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Not offered: the backend cannot be reached.
    Offline,
    /// The wallet refused (funds, a wrong code).
    Declined,
    /// The time ran out without a payment.
    Expired,
    /// The order was never made: the citizen was not charged.
    NotCharged,
    Refused,
}

/// What the citizen and the world did.
#[derive(Debug, Clone)]
pub enum Input {
    /// Pay `fees` for `reference`, named `label` on the screen.
    Start {
        reference: PayRef,
        label: String,
        fees: Vec<Fee>,
    },
    ChooseQr,
    ChooseScan,
    Scanned(ScannedCode),
    /// The order's first answer (or its absence: `Creating`).
    Created {
        request: u64,
        result: Result<Payment, PayFailure>,
    },
    /// Time to ask the backend again.
    PollDue {
        request: u64,
    },
    Polled {
        request: u64,
        result: Result<Payment, PayFailure>,
    },
    /// The countdown of the order reached zero.
    TimeUp {
        request: u64,
    },
    /// The citizen's cancel (on the QR or scan screen).
    Cancel,
    /// After a failure that may pass (declined, expired): choose a way again.
    TryAgain,
    Cancelled {
        request: u64,
        result: Result<Payment, PayFailure>,
    },
    Printed {
        request: u64,
        outcome: PrintOutcome,
    },
    Reset,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(View),
    /// What is paid: label, fees, total in fen.
    Summary {
        label: String,
        fees: Vec<Fee>,
        total_fen: u64,
    },
    /// Make the order (its key is committed first).
    Create {
        request: u64,
        order: PayOrder,
    },
    /// Ask the backend where the order stands, after `after`.
    Poll {
        request: u64,
        key: String,
        after: Duration,
    },
    CancelOrder {
        request: u64,
        key: String,
    },
    /// The order's QR code and the time left to pay it (counted down on screen; the
    /// controller answers `TimeUp` at zero).
    ShowQr {
        request: u64,
        url: String,
        seconds: u32,
    },
    /// The wallet is being charged (the code was read).
    Charging(bool),
    /// Paid: the receipt to print, and the order marked as seen by the citizen.
    Paid {
        request: u64,
        key: String,
        payment_no: String,
        paid_at: Option<OffsetDateTime>,
        einvoice_url: Option<String>,
    },
    /// The scanner read something that is not a payment code.
    NotAPayCode,
    /// Back at the choice after a cancel or a failure: nothing was charged.
    NothingPaid,
    Failed(Failure),
    PrintState(PrintState),
    HomeIn(u32),
    StopTimers,
    Cleared,
}

pub struct Context {
    pub now: OffsetDateTime,
    /// The backend answered lately; false: payment is not offered. Read at `Start` only.
    pub online: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Stage {
    #[default]
    Idle,
    Method,
    /// Waiting for the order (QR) or for the wallet's code (scan).
    Qr,
    Scan,
    /// The order exists (or is being made): following it.
    Following,
    Cancelling,
    Done,
    Failed,
}

#[derive(Debug, Default)]
pub struct PaymentFlow {
    stage: Stage,
    request: u64,
    reference: Option<PayRef>,
    label: String,
    fees: Vec<Fee>,
    /// The order being followed.
    key: Option<String>,
    polls: u32,
    /// The view the order is followed on (QR or scan).
    on: Option<View>,
    /// The order's QR code is on screen.
    qr_shown: bool,
}

impl PaymentFlow {
    /// Whether the flow waits for a payment code from the scanner.
    pub fn wants_code(&self) -> bool {
        self.stage == Stage::Scan
    }

    fn next_request(&mut self) -> u64 {
        self.request += 1;
        self.request
    }

    pub fn handle(&mut self, input: Input, ctx: &Context) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::Start {
                reference,
                label,
                fees,
            } => {
                self.reset(&mut fx);
                if !ctx.online {
                    self.fail(Failure::Offline, &mut fx);
                    return fx;
                }
                let total_fen = fees.iter().map(|f| f.amount_fen).sum();
                self.reference = Some(reference);
                self.label = label.clone();
                self.fees = fees.clone();
                self.stage = Stage::Method;
                fx.extend([
                    Effect::Summary {
                        label,
                        fees,
                        total_fen,
                    },
                    Effect::Show(View::Method),
                ]);
            }
            Input::ChooseQr if self.stage == Stage::Method => {
                self.stage = Stage::Qr;
                self.on = Some(View::Qr);
                fx.push(Effect::Show(View::Qr));
                self.create(PayWay::Qr, &mut fx);
            }
            Input::ChooseScan if self.stage == Stage::Method => {
                self.stage = Stage::Scan;
                self.on = Some(View::Scan);
                fx.extend([Effect::Charging(false), Effect::Show(View::Scan)]);
            }
            Input::Scanned(code) if self.stage == Stage::Scan => match code {
                ScannedCode::PaymentCode(c) => {
                    fx.push(Effect::Charging(true));
                    self.create(PayWay::Code(c), &mut fx);
                }
                _ => fx.push(Effect::NotAPayCode),
            },
            Input::Created { request, result } | Input::Polled { request, result }
                if request == self.request && self.stage == Stage::Following =>
            {
                self.heard(result, ctx, &mut fx)
            }
            Input::PollDue { request } if request == self.request => {
                if let (Stage::Following, Some(key)) = (self.stage, self.key.clone()) {
                    fx.push(Effect::Poll {
                        request,
                        key,
                        after: Duration::ZERO,
                    });
                }
            }
            Input::TimeUp { request } if request == self.request => self.cancel(&mut fx),
            Input::Cancel => self.cancel(&mut fx),
            Input::TryAgain if self.stage == Stage::Failed && self.reference.is_some() => {
                self.back_to_method(&mut fx)
            }
            Input::Cancelled { request, result }
                if request == self.request && self.stage == Stage::Cancelling =>
            {
                match result {
                    Ok(Payment {
                        state: state @ PayState::Paid { .. },
                        key,
                    }) => self.paid(key, state, &mut fx),
                    // Cancelled, expired, never made: nothing was charged; another way
                    // is offered.
                    Ok(_) => self.back_to_method(&mut fx),
                    // No answer: the link keeps following the order (a payment that
                    // lands is printed for staff); the citizen is not kept waiting.
                    Err(_) => self.back_to_method(&mut fx),
                }
            }
            Input::Printed { request, outcome } if request == self.request => {
                let (state, seconds) = PrintState::after(outcome, SHOW_PRINTED_S, SHOW_ON_SCREEN_S);
                fx.extend([Effect::PrintState(state), Effect::HomeIn(seconds)]);
            }
            Input::Reset => self.reset(&mut fx),
            _ => {}
        }
        fx
    }

    fn reset(&mut self, fx: &mut Vec<Effect>) {
        let request = self.request + 1;
        *self = PaymentFlow {
            request,
            ..PaymentFlow::default()
        };
        fx.extend([Effect::StopTimers, Effect::Cleared]);
    }

    fn fail(&mut self, failure: Failure, fx: &mut Vec<Effect>) {
        self.stage = Stage::Failed;
        self.next_request();
        fx.extend([
            Effect::StopTimers,
            Effect::Failed(failure),
            Effect::Show(View::Failed),
        ]);
    }

    fn create(&mut self, way: PayWay, fx: &mut Vec<Effect>) {
        let Some(reference) = self.reference.clone() else {
            return;
        };
        let request = self.next_request();
        self.stage = Stage::Following;
        self.polls = 0;
        fx.push(Effect::Create {
            request,
            order: PayOrder {
                reference,
                label: self.label.clone(),
                fees: self.fees.clone(),
                way,
            },
        });
    }

    fn heard(&mut self, result: Result<Payment, PayFailure>, ctx: &Context, fx: &mut Vec<Effect>) {
        let payment = match result {
            Ok(p) => p,
            // No order was committed (refused, or the store or the link failed first):
            // nothing to follow, and nothing was charged.
            Err(e) if self.key.is_none() => {
                let failure = match e {
                    PayFailure::Offline => Failure::Offline,
                    PayFailure::Refused(_) | PayFailure::Store(_) => Failure::Refused,
                };
                return self.fail(failure, fx);
            }
            // No answer about a known order: ask again.
            Err(_) => return self.poll_later(fx),
        };
        self.key = Some(payment.key.clone());
        match payment.state {
            PayState::Creating => self.poll_later(fx),
            PayState::Pending { qr_url, expires_at } => {
                if !self.qr_shown && self.on == Some(View::Qr) {
                    if let Some(url) = qr_url {
                        self.qr_shown = true;
                        let seconds = expires_at
                            .map(|t| (t - ctx.now).whole_seconds().max(0) as u32)
                            .unwrap_or(DEFAULT_TTL.as_secs() as u32);
                        fx.push(Effect::ShowQr {
                            request: self.request,
                            url,
                            seconds,
                        });
                    }
                }
                self.poll_later(fx);
            }
            state @ PayState::Paid { .. } => self.paid(payment.key, state, fx),
            PayState::Failed => self.fail(Failure::Declined, fx),
            PayState::Expired | PayState::Cancelled => self.fail(Failure::Expired, fx),
            PayState::NotCreated => self.fail(Failure::NotCharged, fx),
        }
    }

    fn poll_later(&mut self, fx: &mut Vec<Effect>) {
        let Some(key) = self.key.clone() else {
            // The first answer was lost and the desk did not say the key: it always
            // does (the order is committed first), so this is only a guard.
            return;
        };
        let after = hall_link::pay_poll_delay(self.polls);
        self.polls += 1;
        fx.push(Effect::Poll {
            request: self.request,
            key,
            after,
        });
    }

    fn cancel(&mut self, fx: &mut Vec<Effect>) {
        match (self.stage, self.key.clone()) {
            (Stage::Following, Some(key)) => {
                let request = self.next_request();
                self.stage = Stage::Cancelling;
                fx.extend([Effect::StopTimers, Effect::CancelOrder { request, key }]);
            }
            // No order yet (the scanner was still waiting, or the order's first answer has
            // not come): back to the choice.
            (Stage::Scan | Stage::Qr | Stage::Following, None) => self.back_to_method(fx),
            _ => {}
        }
    }

    fn back_to_method(&mut self, fx: &mut Vec<Effect>) {
        self.next_request();
        self.stage = Stage::Method;
        self.key = None;
        self.on = None;
        self.qr_shown = false;
        fx.extend([
            Effect::StopTimers,
            Effect::Charging(false),
            Effect::NothingPaid,
            Effect::Show(View::Method),
        ]);
    }

    fn paid(&mut self, key: String, state: PayState, fx: &mut Vec<Effect>) {
        let PayState::Paid {
            payment_no,
            paid_at,
            einvoice_url,
        } = state
        else {
            return;
        };
        let request = self.next_request();
        self.stage = Stage::Done;
        fx.extend([
            Effect::StopTimers,
            Effect::PrintState(PrintState::Printing),
            Effect::Show(View::Done),
            Effect::Paid {
                request,
                key,
                payment_no,
                paid_at,
                einvoice_url,
            },
        ]);
    }
}

#[cfg(test)]
mod tests;
