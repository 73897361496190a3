//! The payment flow's rules, without a window, a backend or a device.

use time::macros::datetime;

use super::*;
use crate::domain::payment::PayCode;

struct World {
    flow: PaymentFlow,
    now: OffsetDateTime,
    online: bool,
}

impl World {
    fn new() -> World {
        World {
            flow: PaymentFlow::default(),
            now: datetime!(2026-12-03 10:00 +08:00),
            online: true,
        }
    }

    fn send(&mut self, input: Input) -> Vec<Effect> {
        let ctx = Context {
            now: self.now,
            online: self.online,
        };
        self.flow.handle(input, &ctx)
    }

    fn start(&mut self) -> Vec<Effect> {
        self.send(Input::Start {
            reference: PayRef::Receipt("SL001".into()),
            label: "不动产登记".into(),
            fees: vec![Fee {
                name: "住宅登记费".into(),
                amount_fen: 8000,
            }],
        })
    }
}

fn shows(fx: &[Effect]) -> Option<View> {
    fx.iter().rev().find_map(|e| match e {
        Effect::Show(v) => Some(*v),
        _ => None,
    })
}

fn created(fx: &[Effect]) -> (u64, PayOrder) {
    fx.iter()
        .find_map(|e| match e {
            Effect::Create { request, order } => Some((*request, order.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no order in {fx:?}"))
}

fn poll_of(fx: &[Effect]) -> Option<(u64, String, Duration)> {
    fx.iter().find_map(|e| match e {
        Effect::Poll {
            request,
            key,
            after,
        } => Some((*request, key.clone(), *after)),
        _ => None,
    })
}

fn pending(qr: bool) -> Payment {
    Payment {
        key: "k1".into(),
        state: PayState::Pending {
            qr_url: qr.then(|| "https://pay.example.gov.cn/q/P1".into()),
            expires_at: Some(datetime!(2026-12-03 10:05 +08:00)),
        },
    }
}

fn paid() -> Payment {
    Payment {
        key: "k1".into(),
        state: PayState::Paid {
            payment_no: "P1".into(),
            paid_at: None,
            einvoice_url: Some("https://einvoice.example.gov.cn/i/P1".into()),
        },
    }
}

#[test]
fn a_fee_paid_by_qr_is_polled_with_backoff_until_the_backend_says_paid() {
    let mut w = World::new();
    let fx = w.start();
    assert_eq!(shows(&fx), Some(View::Method));
    assert!(fx.contains(&Effect::Summary {
        label: "不动产登记".into(),
        fees: vec![Fee {
            name: "住宅登记费".into(),
            amount_fen: 8000
        }],
        total_fen: 8000
    }));
    let fx = w.send(Input::ChooseQr);
    assert_eq!(shows(&fx), Some(View::Qr));
    let (request, order) = created(&fx);
    assert_eq!(order.way, PayWay::Qr);
    assert_eq!(order.total_fen(), 8000);
    // A second tap makes no second order.
    assert!(w.send(Input::ChooseQr).is_empty());
    let fx = w.send(Input::Created {
        request,
        result: Ok(pending(true)),
    });
    assert!(fx.contains(&Effect::ShowQr {
        request,
        url: "https://pay.example.gov.cn/q/P1".into(),
        seconds: 300
    }));
    let (_, key, first) = poll_of(&fx).expect("a poll");
    assert_eq!(key, "k1");
    let fx = w.send(Input::Polled {
        request,
        result: Ok(pending(true)),
    });
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::ShowQr { .. })),
        "the QR code once"
    );
    let (_, _, second) = poll_of(&fx).unwrap();
    let fx = w.send(Input::Polled {
        request,
        result: Ok(pending(true)),
    });
    let (_, _, third) = poll_of(&fx).unwrap();
    assert!(
        first <= second && second < third,
        "backoff: {first:?} {second:?} {third:?}"
    );
    let fx = w.send(Input::Polled {
        request,
        result: Ok(paid()),
    });
    assert_eq!(shows(&fx), Some(View::Done));
    let Some(Effect::Paid {
        request,
        key,
        payment_no,
        einvoice_url,
        ..
    }) = fx
        .iter()
        .find(|e| matches!(e, Effect::Paid { .. }))
        .cloned()
    else {
        panic!("not paid in {fx:?}");
    };
    assert_eq!((key.as_str(), payment_no.as_str()), ("k1", "P1"));
    assert!(einvoice_url.is_some());
    let fx = w.send(Input::Printed {
        request,
        outcome: PrintOutcome::Printed,
    });
    assert!(fx.contains(&Effect::HomeIn(SHOW_PRINTED_S)));
}

#[test]
fn a_lost_first_answer_follows_the_same_order_and_never_makes_a_second() {
    let mut w = World::new();
    w.start();
    let (request, _) = created(&w.send(Input::ChooseQr));
    // The desk committed the key and got no answer: Creating, with the key.
    let fx = w.send(Input::Created {
        request,
        result: Ok(Payment {
            key: "k1".into(),
            state: PayState::Creating,
        }),
    });
    assert!(!fx.iter().any(|e| matches!(e, Effect::Create { .. })));
    let (_, key, _) = poll_of(&fx).expect("the same order is asked after");
    assert_eq!(key, "k1");
    // The order's QR code comes with the first answer that has it.
    let fx = w.send(Input::Polled {
        request,
        result: Ok(pending(true)),
    });
    assert!(fx.iter().any(|e| matches!(e, Effect::ShowQr { .. })));
    // An unanswered poll: ask again, still the same order.
    let fx = w.send(Input::Polled {
        request,
        result: Err(PayFailure::Offline),
    });
    assert_eq!(poll_of(&fx).unwrap().1, "k1");
    assert!(!fx
        .iter()
        .any(|e| matches!(e, Effect::Create { .. } | Effect::Paid { .. })));
}

#[test]
fn a_payment_code_is_charged_once_and_a_refusal_is_explained() {
    let mut w = World::new();
    w.start();
    let fx = w.send(Input::ChooseScan);
    assert_eq!(shows(&fx), Some(View::Scan));
    assert!(w.flow.wants_code());
    // Something else under the scanner is said to be no payment code.
    assert_eq!(
        w.send(Input::Scanned(ScannedCode::Appointment("AP1".into()))),
        [Effect::NotAPayCode]
    );
    let code = PayCode("134567890123456789".into());
    let fx = w.send(Input::Scanned(ScannedCode::PaymentCode(code.clone())));
    let (request, order) = created(&fx);
    assert_eq!(order.way, PayWay::Code(code.clone()));
    // A second read of the same code while charging makes no second order.
    assert!(w
        .send(Input::Scanned(ScannedCode::PaymentCode(code)))
        .is_empty());
    let fx = w.send(Input::Created {
        request,
        result: Ok(Payment {
            key: "k1".into(),
            state: PayState::Failed,
        }),
    });
    assert!(fx.contains(&Effect::Failed(Failure::Declined)));
    assert_eq!(shows(&fx), Some(View::Failed));
}

#[test]
fn cancel_cancels_the_order_but_a_payment_that_landed_first_is_paid() {
    let mut w = World::new();
    w.start();
    let (request, _) = created(&w.send(Input::ChooseQr));
    w.send(Input::Created {
        request,
        result: Ok(pending(true)),
    });
    let fx = w.send(Input::Cancel);
    let Some(Effect::CancelOrder { request, key }) = fx
        .iter()
        .find(|e| matches!(e, Effect::CancelOrder { .. }))
        .cloned()
    else {
        panic!("no cancel in {fx:?}");
    };
    assert_eq!(key, "k1");
    // A poll answer arriving meanwhile changes nothing: the cancel's answer decides.
    assert!(w
        .send(Input::Polled {
            request: request - 1,
            result: Ok(paid())
        })
        .is_empty());
    let fx = w.send(Input::Cancelled {
        request,
        result: Ok(paid()),
    });
    assert_eq!(shows(&fx), Some(View::Done), "paid before the cancel: paid");
    // Another order, cancelled for real: back to the choice of way.
    w.start();
    let (request, _) = created(&w.send(Input::ChooseQr));
    w.send(Input::Created {
        request,
        result: Ok(pending(true)),
    });
    let fx = w.send(Input::TimeUp { request });
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::CancelOrder { request, .. } => Some(*request),
            _ => None,
        })
        .expect("time up cancels");
    let fx = w.send(Input::Cancelled {
        request,
        result: Ok(Payment {
            key: "k1".into(),
            state: PayState::Cancelled,
        }),
    });
    assert_eq!(shows(&fx), Some(View::Method));
}

#[test]
fn offline_payment_is_not_offered_and_an_order_never_made_is_not_charged() {
    let mut w = World::new();
    w.online = false;
    let fx = w.start();
    assert!(fx.contains(&Effect::Failed(Failure::Offline)));
    w.online = true;
    w.start();
    w.send(Input::ChooseScan);
    let fx = w.send(Input::Scanned(ScannedCode::PaymentCode(PayCode(
        "134567890123456789".into(),
    ))));
    let (request, _) = created(&fx);
    let fx = w.send(Input::Created {
        request,
        result: Ok(Payment {
            key: "k1".into(),
            state: PayState::NotCreated,
        }),
    });
    assert!(fx.contains(&Effect::Failed(Failure::NotCharged)));
    // Home: a late answer is ignored.
    w.send(Input::Reset);
    assert!(w
        .send(Input::Polled {
            request,
            result: Ok(paid())
        })
        .is_empty());
}

#[test]
fn an_order_that_could_not_be_made_ends_in_a_clear_notice_never_a_wait() {
    let mut w = World::new();
    w.start();
    let (request, _) = created(&w.send(Input::ChooseQr));
    let fx = w.send(Input::Created {
        request,
        result: Err(PayFailure::Offline),
    });
    assert!(fx.contains(&Effect::Failed(Failure::Offline)));
    assert!(poll_of(&fx).is_none(), "nothing to follow");
    // Cancel while the first answer is still coming: back to the choice.
    w.start();
    w.send(Input::ChooseQr);
    let fx = w.send(Input::Cancel);
    assert_eq!(shows(&fx), Some(View::Method));
}
