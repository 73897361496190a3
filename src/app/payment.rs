//! 缴费 controller: the `Pay` global's callbacks, the scanner's codes and the desk's
//! answers become inputs of the payment flow (`crate::flows::payment`); its effects become
//! property writes, screens, desk calls and timers (the poll's backoff, the countdown).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, Timer, TimerMode, VecModel};

use super::{Kiosk, KioskLink};
use crate::domain::catalog::GuideItem;
use crate::domain::payment::{yuan, Fee, PaidReceipt, PayRef};
use crate::domain::{AppEvent, Desk};
use crate::flows::payment::{self as flow, Context, Effect, Input, PaymentFlow, View};
use crate::ui::{FeeRow, Pay, PayFailure, PrintState, Screen};

pub struct PaymentController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    flow: RefCell<PaymentFlow>,
    /// What is paid, for the receipt.
    paying: RefCell<(PayRef, String, Vec<Fee>)>,
    poll: Timer,
    countdown: Timer,
    /// The request the running countdown belongs to.
    countdown_for: Cell<u64>,
    home: Timer,
}

impl PaymentController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(PaymentController {
            kiosk,
            desk: RefCell::default(),
            flow: RefCell::default(),
            paying: RefCell::new((PayRef::Item(String::new()), String::new(), Vec::new())),
            poll: Timer::default(),
            countdown: Timer::default(),
            countdown_for: Cell::new(0),
            home: Timer::default(),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let ui = window.global::<Pay>();
        let me = Rc::downgrade(self);
        ui.on_choose_qr(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::ChooseQr);
            }
        });
        let me = Rc::downgrade(self);
        ui.on_choose_scan(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::ChooseScan);
            }
        });
        let me = Rc::downgrade(self);
        ui.on_cancel(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::Cancel);
            }
        });
        let me = Rc::downgrade(self);
        ui.on_try_again(move || {
            if let Some(me) = me.upgrade() {
                me.send(Input::TryAgain);
            }
        });
        let me = Rc::downgrade(self);
        window.global::<crate::ui::Guide>().on_pay(move || {
            let Some(me) = me.upgrade() else { return };
            let Some(k) = me.kiosk.upgrade() else { return };
            let guides = k.guide().guides();
            let Some(item) = k.guide().current().and_then(|c| guides.item(&c).cloned()) else {
                return;
            };
            me.start(PayRef::Item(item.code.clone()), &item);
        });
    }

    /// Pays the fees of `item`'s matter (`reference` says against what); its department
    /// is the payee.
    pub fn start(self: &Rc<Self>, reference: PayRef, item: &GuideItem) {
        let (label, fees) = (item.name.clone(), item.fee_items.clone());
        *self.paying.borrow_mut() = (reference.clone(), label.clone(), fees.clone());
        self.send(Input::Start {
            reference,
            label,
            fees,
        });
        self.kiosk.ui(|w| {
            let ui = w.global::<Pay>();
            ui.set_payee(item.department.clone().into());
            ui.set_label(item.name_text().into());
        });
    }

    pub fn reset(self: &Rc<Self>) {
        self.send(Input::Reset);
    }

    pub fn handle(self: &Rc<Self>, event: &AppEvent) -> bool {
        let input = match event {
            AppEvent::Scanned(code) => Input::Scanned(code.clone()),
            AppEvent::PayCreated { request, result } => Input::Created {
                request: *request,
                result: result.clone(),
            },
            AppEvent::PayPolled { request, result } => Input::Polled {
                request: *request,
                result: result.clone(),
            },
            AppEvent::PayCancelled { request, result } => Input::Cancelled {
                request: *request,
                result: result.clone(),
            },
            AppEvent::PaymentPrinted { request, outcome } => Input::Printed {
                request: *request,
                outcome: *outcome,
            },
            _ => return false,
        };
        self.send(input);
        true
    }

    fn send(self: &Rc<Self>, input: Input) {
        let Some(kiosk) = self.kiosk.upgrade() else {
            return;
        };
        // Only a start asks whether the backend answers (it reads the link's state from
        // the store); the flow reads `online` at its start alone.
        let online = matches!(input, Input::Start { .. })
            && self.desk.borrow().as_ref().is_some_and(|d| d.online());
        let ctx = Context {
            now: kiosk.now(),
            online,
        };
        let effects = self.flow.borrow_mut().handle(input, &ctx);
        for effect in effects {
            self.apply(effect);
        }
    }

    fn apply(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::Show(view) => self.kiosk.show(match view {
                View::Method => Screen::PayMethod,
                View::Qr => Screen::PayQr,
                View::Scan => Screen::PayScan,
                View::Done => Screen::PayDone,
                View::Failed => Screen::PayFailed,
            }),
            Effect::Summary {
                label,
                fees,
                total_fen,
            } => self.kiosk.ui(|w| {
                let ui = w.global::<Pay>();
                // `start` puts in the catalog's names; a matter it lacks shows as given.
                ui.set_label(crate::domain::catalog::Text::zh(label).into());
                let rows: Vec<FeeRow> = fees
                    .iter()
                    .map(|f| FeeRow {
                        name: f.name.clone().into(),
                        amount: yuan(f.amount_fen).into(),
                    })
                    .collect();
                ui.set_fees(ModelRc::new(VecModel::from(rows)));
                ui.set_total(yuan(total_fen).into());
            }),
            Effect::Create { request, order } => {
                self.kiosk.ui(|w| w.global::<Pay>().set_cancelled(false));
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.pay_create(request, order);
                }
            }
            Effect::Poll {
                request,
                key,
                after,
            } => {
                let me = Rc::downgrade(self);
                self.poll.start(
                    TimerMode::SingleShot,
                    after.max(Duration::from_millis(1)),
                    move || {
                        if let Some(me) = me.upgrade() {
                            if let Some(desk) = me.desk.borrow().as_ref() {
                                desk.pay_poll(request, &key);
                            }
                        }
                    },
                );
            }
            Effect::CancelOrder { request, key } => {
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.pay_cancel(request, &key);
                }
            }
            Effect::ShowQr {
                request,
                url,
                seconds,
            } => {
                self.kiosk.ui(|w| {
                    let ui = w.global::<Pay>();
                    ui.set_qr(super::qr::qr_image(&url, 8));
                    ui.set_seconds_left(seconds as i32);
                });
                self.count_down(request);
            }
            Effect::Charging(on) => self.kiosk.ui(|w| {
                let ui = w.global::<Pay>();
                ui.set_charging(on);
                ui.set_not_a_code(false);
            }),
            Effect::NotAPayCode => self.kiosk.ui(|w| w.global::<Pay>().set_not_a_code(true)),
            Effect::NothingPaid => self.kiosk.ui(|w| {
                let ui = w.global::<Pay>();
                ui.set_cancelled(true);
                ui.set_qr(slint::Image::default());
                ui.set_seconds_left(0);
            }),
            Effect::Paid {
                request,
                key,
                payment_no,
                paid_at,
                einvoice_url,
            } => {
                self.kiosk.ui(|w| {
                    let ui = w.global::<Pay>();
                    ui.set_payment_no(payment_no.clone().into());
                    ui.set_einvoice(einvoice_url.is_some());
                });
                let (reference, label, fees) = self.paying.borrow().clone();
                let receipt = PaidReceipt {
                    key,
                    reference: format!("{} {label}", reference.words()),
                    total_fen: fees.iter().map(|f| f.amount_fen).sum(),
                    fees,
                    payment_no,
                    paid_at,
                    einvoice_url,
                    for_staff: false,
                };
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.print_payment(request, receipt);
                }
            }
            Effect::Failed(f) => self.kiosk.ui(|w| {
                w.global::<Pay>().set_failure(match f {
                    flow::Failure::Offline => PayFailure::Offline,
                    flow::Failure::Declined => PayFailure::Declined,
                    flow::Failure::Expired => PayFailure::Expired,
                    flow::Failure::NotCharged => PayFailure::NotCharged,
                    flow::Failure::Refused => PayFailure::Refused,
                })
            }),
            Effect::PrintState(s) => self.kiosk.ui(|w| {
                w.global::<Pay>()
                    .set_print_state(super::ticket::ui_print_state(s))
            }),
            Effect::HomeIn(seconds) => super::count_home(
                &self.kiosk,
                &self.home,
                seconds as i32,
                |w| w.global::<Pay>().get_home_in(),
                |w, s| w.global::<Pay>().set_home_in(s),
            ),
            Effect::StopTimers => {
                self.poll.stop();
                self.countdown.stop();
                self.home.stop();
            }
            Effect::Cleared => self.kiosk.ui(|w| {
                let ui = w.global::<Pay>();
                ui.set_qr(slint::Image::default());
                ui.set_seconds_left(0);
                ui.set_charging(false);
                ui.set_not_a_code(false);
                ui.set_cancelled(false);
                ui.set_payment_no("".into());
                ui.set_einvoice(false);
                ui.set_print_state(PrintState::None);
                ui.set_home_in(0);
                ui.set_failure(PayFailure::None);
            }),
        }
    }

    /// The order's time left, once a second; at zero the flow cancels the order.
    fn count_down(self: &Rc<Self>, request: u64) {
        self.countdown_for.set(request);
        let me = Rc::downgrade(self);
        self.countdown
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                let Some(me) = me.upgrade() else { return };
                let mut left = 0;
                me.kiosk.ui(|w| {
                    let ui = w.global::<Pay>();
                    left = (ui.get_seconds_left() - 1).max(0);
                    ui.set_seconds_left(left);
                });
                if left == 0 {
                    me.countdown.stop();
                    me.send(Input::TimeUp {
                        request: me.countdown_for.get(),
                    });
                }
            });
    }
}
