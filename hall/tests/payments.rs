//! Payments against hall-sim on loopback: one order per action whatever is lost (answers,
//! the kiosk itself), "paid" only once the backend says so, and an order paid after its
//! citizen left kept for staff.

use std::time::{Duration, Instant};

use hall_link::api::{PayMethod, PaymentItem, PaymentRef, PaymentRequest};
use hall_link::sim::{Fault, HallSim, SimOptions};
use hall_link::{pay_poll_delay, HallLink, LinkSettings, PayStatus, Payment};
use uuid::Uuid;

const PAYCODE: &str = "134567890123456781";
const NO_MONEY: &str = "134567890123450000";

async fn setup() -> (HallSim, HallLink, tempfile::TempDir) {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let link = open(&sim, dir.path(), 2000, 1500);
    (sim, link, dir)
}

/// A link on `dir` (a kiosk started again on the same store) with these timeouts (ms).
fn open(sim: &HallSim, dir: &std::path::Path, timeout: u64, budget: u64) -> HallLink {
    let mut s = LinkSettings::new("T-01", &sim.url(), "demo-token", dir.to_path_buf());
    s.timeout = Duration::from_millis(timeout);
    s.connect_timeout = Duration::from_millis(timeout);
    s.ticket_timeout = Duration::from_millis(budget);
    HallLink::open(s).unwrap()
}

fn fee(method: PayMethod, paycode: Option<&str>) -> PaymentRequest {
    PaymentRequest {
        reference: PaymentRef::ReceiptNo("SB20261124-0007".into()),
        amount_fen: 8000,
        items: vec![PaymentItem {
            name: "不动产登记费（住宅）".into(),
            amount_fen: 8000,
        }],
        method,
        paycode: paycode.map(str::to_string),
    }
}

/// Polls until the order is final, at most `within`.
async fn poll_until_final(link: &HallLink, key: Uuid, within: Duration) -> Payment {
    let deadline = Instant::now() + within;
    loop {
        let p = link.pay_poll(key).await;
        if let Ok(p) = &p {
            if p.status.is_final() {
                return p.clone();
            }
        }
        assert!(Instant::now() < deadline, "not final in time: {p:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (without polling) until the store says the order is final.
async fn wait_final(link: &HallLink, key: Uuid, within: Duration) -> Payment {
    let deadline = Instant::now() + within;
    loop {
        let p = link.payment(key).unwrap().unwrap();
        if p.status.is_final() {
            return p;
        }
        assert!(Instant::now() < deadline, "not final in time: {p:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every order at hall-sim was made once for its key.
fn one_order_per_key(sim: &HallSim) {
    for (key, n) in sim.payment_orders_per_key() {
        assert_eq!(n, 1, "key {key} made {n} orders");
    }
}

#[test]
fn polls_back_off_to_five_seconds() {
    let secs: Vec<u64> = (0..8).map(|a| pay_poll_delay(a).as_secs()).collect();
    assert_eq!(secs, [1, 1, 2, 2, 3, 5, 5, 5]);
}

#[test]
fn the_paycode_never_shows_in_debug() {
    let req = fee(PayMethod::Paycode, Some(PAYCODE));
    assert!(!format!("{req:?}").contains(PAYCODE));
}

#[tokio::test]
async fn a_qr_order_is_pending_until_paid_after_k_polls_with_its_einvoice() {
    let (sim, link, _d) = setup().await;
    sim.pay_qr_after_polls(3);
    let p = link.pay_create(fee(PayMethod::Qr, None)).await.unwrap();
    assert_eq!(p.status, PayStatus::Pending);
    let no = p.payment_no.clone().unwrap();
    assert_eq!(
        p.qr_url.as_deref(),
        Some(format!("https://pay.example.gov.cn/q/{no}").as_str())
    );
    assert!(p.expires_at.is_some());
    assert_eq!(link.payments_open().unwrap().len(), 1);
    for _ in 0..2 {
        let p = link.pay_poll(p.key).await.unwrap();
        assert_eq!(
            p.status,
            PayStatus::Pending,
            "never paid before the backend says so"
        );
        assert!(p.einvoice_url.is_none());
    }
    let paid = link.pay_poll(p.key).await.unwrap();
    assert_eq!(paid.status, PayStatus::Paid);
    assert!(paid.paid_at.is_some());
    assert_eq!(
        paid.einvoice_url.as_deref(),
        Some(format!("https://einvoice.example.gov.cn/i/{no}").as_str())
    );
    assert!(link.payments_open().unwrap().is_empty());
    // Not shown yet: staff would see it; once the citizen saw it, no more.
    assert_eq!(link.payments_paid_unshown().unwrap().len(), 1);
    link.payment_shown(p.key).unwrap();
    assert!(link.payments_paid_unshown().unwrap().is_empty());
    assert_eq!(sim.payments().len(), 1);
    assert_eq!(sim.payments()[0]["orders_with_key"], 1);
}

#[tokio::test]
async fn a_paycode_is_charged_at_once_and_never_stored() {
    let (sim, link, dir) = setup().await;
    let p = link
        .pay_create(fee(PayMethod::Paycode, Some(PAYCODE)))
        .await
        .unwrap();
    assert_eq!(p.status, PayStatus::Paid);
    assert!(p.einvoice_url.is_some(), "{p:?}");
    assert!(p.qr_url.is_none());
    assert_eq!(sim.payments().len(), 1);
    assert!(!sim.payments()[0].to_string().contains(PAYCODE));
    drop(link);
    // Nowhere in the kiosk's store (its file and its write-ahead log).
    for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let bytes = std::fs::read(file.path()).unwrap();
        let found = bytes
            .windows(PAYCODE.len())
            .any(|w| w == PAYCODE.as_bytes());
        assert!(!found, "the paycode is in {}", file.path().display());
    }
}

#[tokio::test]
async fn a_wallet_without_the_money_fails_and_a_slow_wallet_is_pending_first() {
    let (sim, link, _d) = setup().await;
    let p = link
        .pay_create(fee(PayMethod::Paycode, Some(NO_MONEY)))
        .await
        .unwrap();
    assert_eq!(p.status, PayStatus::Failed);
    assert!(p.einvoice_url.is_none());

    sim.paycode_pending_polls(2);
    let p = link
        .pay_create(fee(PayMethod::Paycode, Some(PAYCODE)))
        .await
        .unwrap();
    assert_eq!(p.status, PayStatus::Pending);
    assert_eq!(
        link.pay_poll(p.key).await.unwrap().status,
        PayStatus::Pending
    );
    assert_eq!(link.pay_poll(p.key).await.unwrap().status, PayStatus::Paid);
    one_order_per_key(&sim);
}

#[tokio::test]
async fn an_order_refused_by_the_backend_was_never_made() {
    let (sim, link, _d) = setup().await;
    let mut req = fee(PayMethod::Qr, None);
    req.amount_fen = 1; // not the sum of the items
    let err = link.pay_create(req).await.unwrap_err();
    assert_eq!(err.kind(), "refused");
    assert!(sim.payments().is_empty());
    assert!(link.payments_open().unwrap().is_empty());
}

#[tokio::test]
async fn cancel_cancels_the_order_and_a_paid_one_stays_paid() {
    let (sim, link, _d) = setup().await;
    let p = link.pay_create(fee(PayMethod::Qr, None)).await.unwrap();
    let c = link.pay_cancel(p.key).await.unwrap();
    assert_eq!(c.status, PayStatus::Cancelled);
    assert_eq!(sim.payment_cancels(), vec![p.payment_no.clone().unwrap()]);
    assert_eq!(sim.payments()[0]["status"], "cancelled");
    // Cancelled stays cancelled.
    assert_eq!(
        link.pay_poll(p.key).await.unwrap().status,
        PayStatus::Cancelled
    );

    // The citizen paid as the kiosk cancelled: 409 already_paid, kept as paid.
    sim.pay_before_next_cancel();
    let p = link.pay_create(fee(PayMethod::Qr, None)).await.unwrap();
    let c = link.pay_cancel(p.key).await.unwrap();
    assert_eq!(c.status, PayStatus::Paid);
    assert!(c.einvoice_url.is_some(), "{c:?}");
    let unshown = link.payments_paid_unshown().unwrap();
    assert_eq!(unshown.len(), 1);
    assert_eq!(unshown[0].key, p.key);
    link.payment_printed(p.key).unwrap();
    assert!(link.payments_paid_unshown().unwrap().is_empty());
    assert!(link.payment(p.key).unwrap().unwrap().printed);
    one_order_per_key(&sim);
}

#[tokio::test]
async fn an_answer_lost_after_commit_is_fetched_with_the_same_key() {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Two tries fit the budget: the second gets the stored answer.
    let link = open(&sim, dir.path(), 400, 3000);
    sim.set_fault(Fault::DropResponseAfterCommit { times: 1 });
    let p = link.pay_create(fee(PayMethod::Qr, None)).await.unwrap();
    assert_eq!(p.status, PayStatus::Pending);
    assert_eq!(sim.payments().len(), 1);

    // Every answer lost: the order stays Creating on the kiosk, and polling (the same
    // key again) gets the order the backend made, not a second one.
    sim.set_fault(Fault::LoseAnswers);
    let p = link.pay_create(fee(PayMethod::Qr, None)).await.unwrap();
    assert_eq!(p.status, PayStatus::Creating);
    assert!(p.payment_no.is_none());
    assert_eq!(sim.payments().len(), 2);
    assert_eq!(link.pay_poll(p.key).await.unwrap_err().kind(), "offline");
    sim.set_fault(Fault::None);
    let p = link.pay_poll(p.key).await.unwrap();
    assert_eq!(p.status, PayStatus::Pending);
    assert_eq!(
        p.payment_no.as_deref(),
        sim.payments()[1]["payment_no"].as_str()
    );
    let p = poll_until_final(&link, p.key, Duration::from_secs(5)).await;
    assert_eq!(p.status, PayStatus::Paid);
    assert_eq!(sim.payments().len(), 2);
    one_order_per_key(&sim);
}

#[tokio::test]
async fn a_restart_while_creating_or_pending_resumes_the_same_order() {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let link = open(&sim, dir.path(), 300, 800);
    sim.set_fault(Fault::LoseAnswers);
    let creating = link.pay_create(fee(PayMethod::Qr, None)).await.unwrap();
    assert_eq!(creating.status, PayStatus::Creating);
    sim.set_fault(Fault::None);
    let pending = link.pay_create(fee(PayMethod::Qr, None)).await.unwrap();
    assert_eq!(pending.status, PayStatus::Pending);
    assert_eq!(sim.payments().len(), 2);
    // kill -9: the link goes without a word.
    drop(link);

    let link = open(&sim, dir.path(), 2000, 1500);
    let open_orders: Vec<Uuid> = link
        .payments_open()
        .unwrap()
        .iter()
        .map(|p| p.key)
        .collect();
    assert_eq!(open_orders, vec![creating.key, pending.key]);
    // The delivery actor resumes both (nobody polls them), one order each.
    let actor = link.start();
    for key in [creating.key, pending.key] {
        let p = wait_final(&link, key, Duration::from_secs(15)).await;
        assert_eq!(p.status, PayStatus::Paid, "{p:?}");
        assert!(p.einvoice_url.is_some());
    }
    link.shutdown();
    actor.await.unwrap();
    assert_eq!(sim.payments().len(), 2);
    one_order_per_key(&sim);
    // Paid after the citizen left: on the staff list.
    assert_eq!(link.payments_paid_unshown().unwrap().len(), 2);
}

#[tokio::test]
async fn a_paycode_order_lost_before_or_after_the_backend_is_resumed_never_twice() {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let link = open(&sim, dir.path(), 300, 800);

    // Lost before the backend had it: after a restart the paycode is gone, the backend
    // has no order: NotCreated, nothing charged.
    sim.set_fault(Fault::Down);
    let never = link
        .pay_create(fee(PayMethod::Paycode, Some(PAYCODE)))
        .await
        .unwrap();
    assert_eq!(never.status, PayStatus::Creating);
    // Made at the backend, the answer lost.
    sim.set_fault(Fault::LoseAnswers);
    let made = link
        .pay_create(fee(PayMethod::Paycode, Some(PAYCODE)))
        .await
        .unwrap();
    assert_eq!(made.status, PayStatus::Creating);
    assert_eq!(sim.payments().len(), 1);
    drop(link);

    sim.set_fault(Fault::None);
    let link = open(&sim, dir.path(), 2000, 1500);
    let p = link.pay_poll(never.key).await.unwrap();
    assert_eq!(p.status, PayStatus::NotCreated);
    let p = link.pay_poll(made.key).await.unwrap();
    assert_eq!(p.status, PayStatus::Paid);
    assert!(p.einvoice_url.is_some(), "{p:?}");
    assert_eq!(sim.payments().len(), 1, "{:?}", sim.payments());
    one_order_per_key(&sim);
}

#[tokio::test]
async fn an_order_left_past_its_expiry_is_cancelled_or_kept_when_paid() {
    let (sim, link, dir) = setup().await;
    // Orders made already a minute past their expiry (a kiosk back long after).
    sim.set_payment_ttl_s(-60);
    let expired = link.pay_create(fee(PayMethod::Qr, None)).await.unwrap();
    assert_eq!(expired.status, PayStatus::Pending);
    let paid = link.pay_create(fee(PayMethod::Qr, None)).await.unwrap();
    // The kiosk restarts (an order its screen polls is left to the actor only once idle).
    drop(link);
    let link = open(&sim, dir.path(), 2000, 1500);
    // The second cancel finds its order paid just before (the citizen paid as the kiosk
    // gave up): kept as paid, for staff.
    sim.pay_before_next_cancel();
    let actor = link.start();
    let p = wait_final(&link, expired.key, Duration::from_secs(10)).await;
    assert_eq!(p.status, PayStatus::Paid, "the first cancel found it paid");
    let q = wait_final(&link, paid.key, Duration::from_secs(10)).await;
    assert_eq!(q.status, PayStatus::Expired);
    link.shutdown();
    actor.await.unwrap();
    assert_eq!(sim.payment_cancels().len(), 2);
    assert_eq!(link.payments_paid_unshown().unwrap()[0].key, expired.key);
    one_order_per_key(&sim);
}
