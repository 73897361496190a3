//! Paying a fee: the order through the hall link (its key committed before the request,
//! followed to the end across lost answers and restarts), the receipt, and the orders that
//! were paid after the citizen left, printed for staff. The touch screen and `kiosk pay`
//! both come here.

use hall_link::{api, HallLink, PayError, PayStatus};
use kiosk_drivers::printer::layout::PaymentSlip;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::payment::{
    yuan, PaidReceipt, PayFailure, PayOrder, PayRef, PayState, PayWay, Payment,
};
use crate::domain::PrintOutcome;
use crate::health::Metrics;
use crate::printing::PrintService;
use crate::services::convert::rfc3339;

fn failure(e: PayError) -> PayFailure {
    match e {
        PayError::Offline(_) => PayFailure::Offline,
        PayError::Store(e) => PayFailure::Store(e.to_string()),
        other => PayFailure::Refused(other.kind().to_string()),
    }
}

fn time_of(s: &Option<String>) -> Option<OffsetDateTime> {
    s.as_deref().and_then(rfc3339)
}

fn state_of(p: &hall_link::Payment) -> PayState {
    match p.status {
        PayStatus::Creating => PayState::Creating,
        PayStatus::Pending => PayState::Pending {
            qr_url: p.qr_url.clone(),
            expires_at: time_of(&p.expires_at),
        },
        PayStatus::Paid => PayState::Paid {
            payment_no: p.payment_no.clone().unwrap_or_default(),
            paid_at: time_of(&p.paid_at),
            einvoice_url: p.einvoice_url.clone(),
        },
        PayStatus::Failed => PayState::Failed,
        PayStatus::Expired => PayState::Expired,
        PayStatus::Cancelled => PayState::Cancelled,
        PayStatus::NotCreated => PayState::NotCreated,
    }
}

/// The order as the flow sees it. A paid one that a citizen is following is marked as
/// seen here, at once, so the staff's list of late payments never takes it.
fn seen(link: &HallLink, p: &hall_link::Payment) -> Payment {
    let state = state_of(p);
    if matches!(state, PayState::Paid { .. }) {
        if let Err(e) = link.payment_shown(p.key) {
            tracing::warn!("payment not marked as shown: {e}");
        }
    }
    Payment {
        key: p.key.to_string(),
        state,
    }
}

fn key_of(key: &str) -> Result<Uuid, PayFailure> {
    Uuid::parse_str(key).map_err(|_| PayFailure::Refused("bad order key".into()))
}

/// Makes the order: committed, then asked of the backend; `Creating` when no answer came.
pub async fn create(link: &HallLink, order: &PayOrder) -> Result<Payment, PayFailure> {
    let (method, paycode) = match &order.way {
        PayWay::Qr => (api::PayMethod::Qr, None),
        PayWay::Code(c) => (api::PayMethod::Paycode, Some(c.0.clone())),
    };
    let request = api::PaymentRequest {
        reference: match &order.reference {
            PayRef::Receipt(no) => api::PaymentRef::ReceiptNo(no.clone()),
            PayRef::Appointment(no) => api::PaymentRef::AppointmentNo(no.clone()),
            PayRef::Item(code) => api::PaymentRef::ItemCode(code.clone()),
        },
        amount_fen: order.total_fen(),
        items: order
            .fees
            .iter()
            .map(|f| api::PaymentItem {
                name: f.name.clone(),
                amount_fen: f.amount_fen,
            })
            .collect(),
        method,
        paycode,
    };
    let p = link.pay_create(request).await.map_err(failure)?;
    tracing::info!(status = ?p.status, "payment order made");
    Ok(seen(link, &p))
}

pub async fn poll(link: &HallLink, key: &str) -> Result<Payment, PayFailure> {
    let p = link.pay_poll(key_of(key)?).await.map_err(failure)?;
    Ok(seen(link, &p))
}

pub async fn cancel(link: &HallLink, key: &str) -> Result<Payment, PayFailure> {
    let p = link.pay_cancel(key_of(key)?).await.map_err(failure)?;
    tracing::info!(status = ?p.status, "payment order cancel asked");
    Ok(seen(link, &p))
}

/// Prints a paid order's receipt, and records it printed.
pub fn print_receipt(
    link: &HallLink,
    printer: Option<&PrintService>,
    metrics: &Metrics,
    r: &PaidReceipt,
) -> PrintOutcome {
    let stamp = |t: OffsetDateTime| {
        t.format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]"
        ))
        .unwrap_or_default()
    };
    let slip = PaymentSlip {
        hall: String::new(),
        reference: r.reference.clone(),
        items: r
            .fees
            .iter()
            .map(|f| (f.name.clone(), yuan(f.amount_fen)))
            .collect(),
        total: yuan(r.total_fen),
        payment_no: r.payment_no.clone(),
        paid_at: r.paid_at.map(stamp).unwrap_or_default(),
        einvoice_url: r.einvoice_url.clone(),
        for_staff: r.for_staff,
    };
    let outcome = printer.map_or(PrintOutcome::PrinterOffline, |p| p.payment(slip));
    metrics.count_print("payment", outcome);
    if outcome.printed() {
        if let Some(e) = key_of(&r.key)
            .ok()
            .and_then(|k| link.payment_printed(k).err())
        {
            tracing::warn!("payment not marked as printed: {e}");
        }
    }
    outcome
}

/// Orders paid after their citizen left (the link followed them to the end): each is
/// printed once for staff, who hand it over or call the payer; one that cannot be printed
/// now (paper out) is tried again next time. `alerted` holds the orders staff were already
/// alerted to, so a printer that stays down does not repeat the alert. Returns how many
/// printed.
pub fn print_late_payments(
    link: &HallLink,
    printer: Option<&PrintService>,
    metrics: &Metrics,
    alerted: &mut std::collections::HashSet<Uuid>,
) -> usize {
    let late = match link.payments_paid_unshown() {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!("late payments unreadable: {e}");
            return 0;
        }
    };
    let mut printed = 0;
    for p in late.into_iter().filter(|p| !p.printed) {
        let reference = match &p.reference {
            api::PaymentRef::ReceiptNo(no) => PayRef::Receipt(no.clone()),
            api::PaymentRef::AppointmentNo(no) => PayRef::Appointment(no.clone()),
            api::PaymentRef::ItemCode(code) => PayRef::Item(code.clone()),
        };
        let receipt = PaidReceipt {
            key: p.key.to_string(),
            reference: reference.words(),
            fees: Vec::new(),
            total_fen: p.amount_fen,
            payment_no: p.payment_no.clone().unwrap_or_default(),
            paid_at: time_of(&p.paid_at),
            einvoice_url: p.einvoice_url.clone(),
            for_staff: true,
        };
        if alerted.insert(p.key) {
            tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "a payment landed after its citizen left: its receipt is printed for staff");
        }
        if print_receipt(link, printer, metrics, &receipt).printed() {
            printed += 1;
        }
    }
    printed
}
