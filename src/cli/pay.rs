//! `kiosk pay`: a fee paid by the touch screen's own code path (the order's key committed
//! first, polled with backoff, cancelled when its time runs out, the receipt printed), for
//! technicians and tests. Exit 0 only when the backend says paid.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Args;

use super::{block_on, fail, load_config, open_link};
use crate::domain::payment::{Fee, PaidReceipt, PayCode, PayOrder, PayRef, PayState, PayWay};
use crate::health::Metrics;
use crate::platform::config::Config;
use crate::services::{desk, printer};

/// Longest a QR order is waited for when the backend gave it no expiry.
const DEFAULT_WAIT: Duration = Duration::from_secs(300);
/// After the expiry, the order is cancelled; its answer decides (a late payment is paid).
const GRACE: Duration = Duration::from_secs(5);

#[derive(Args)]
pub struct PayArgs {
    /// What the fee is for: receipt:NO, appointment:NO or item:CODE.
    #[arg(long = "ref", value_name = "KIND:NO")]
    reference: String,
    /// The amount in fen (8000 = 80.00 元).
    #[arg(long)]
    amount_fen: u64,
    /// The fee's name on the receipt.
    #[arg(long, default_value = "费用")]
    item_name: String,
    /// Pay by the order's QR code (the backend's payment platform is scanned by a phone).
    #[arg(long, conflicts_with = "paycode", required_unless_present = "paycode")]
    qr: bool,
    /// Pay by a wallet's payment code (the digits a scanner reads from the phone).
    #[arg(long, value_name = "DIGITS")]
    paycode: Option<String>,
    /// One JSON object: key, status, payment_no, qr_url, einvoice_url, printed, print.
    #[arg(long)]
    json: bool,
}

pub fn run(args: PayArgs, config: &std::path::Path) -> ExitCode {
    let config = match load_config(config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let json = args.json;
    match pay(&config, args) {
        Ok((v, paid)) => {
            if json {
                println!("{v}");
            } else {
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            }
            if paid {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => fail(e),
    }
}

fn reference(text: &str) -> anyhow::Result<PayRef> {
    let (kind, no) = text
        .split_once(':')
        .context("--ref is KIND:NO, e.g. receipt:SL20261203001")?;
    anyhow::ensure!(!no.is_empty(), "--ref {text:?} names no number");
    Ok(match kind {
        "receipt" => PayRef::Receipt(no.into()),
        "appointment" => PayRef::Appointment(no.into()),
        "item" => PayRef::Item(no.into()),
        other => anyhow::bail!("--ref kind {other:?} is not receipt, appointment or item"),
    })
}

fn pay(config: &Config, args: PayArgs) -> anyhow::Result<(serde_json::Value, bool)> {
    anyhow::ensure!(args.amount_fen > 0, "--amount-fen must be more than 0");
    let reference = reference(&args.reference)?;
    let order = PayOrder {
        reference: reference.clone(),
        label: args.item_name.clone(),
        fees: vec![Fee {
            name: args.item_name.clone(),
            amount_fen: args.amount_fen,
        }],
        way: match args.paycode {
            Some(code) => PayWay::Code(PayCode(code)),
            None => PayWay::Qr,
        },
    };
    let link = open_link(config)?;
    let mut payment = block_on(desk::payment::create(&link, &order))?
        .map_err(|e| anyhow::anyhow!("no payment order made: {e}"))?;
    let started = Instant::now();
    let mut qr_url = None;
    let mut deadline = started + DEFAULT_WAIT;
    let mut polls = 0;
    let mut cancelled = false;
    loop {
        match &payment.state {
            PayState::Pending {
                qr_url: url,
                expires_at,
            } => {
                if qr_url.is_none() {
                    if let Some(u) = url {
                        eprintln!("pay: scan {u}");
                        qr_url = Some(u.clone());
                    }
                }
                if let Some(t) = expires_at {
                    let left = (*t - hall_link::clock::now_utc()).whole_milliseconds();
                    deadline = Instant::now() + Duration::from_millis(left.max(0) as u64);
                }
            }
            PayState::Creating => {}
            _ => break,
        }
        if cancelled {
            break;
        }
        if Instant::now() > deadline + GRACE {
            // Time is up: cancel; a payment that landed first comes back as paid.
            payment = block_on(desk::payment::cancel(&link, &payment.key))?
                .map_err(|e| anyhow::anyhow!("cancel not answered: {e}"))?;
            cancelled = true;
            continue;
        }
        std::thread::sleep(hall_link::pay_poll_delay(polls));
        polls += 1;
        match block_on(desk::payment::poll(&link, &payment.key))? {
            Ok(p) => payment = p,
            Err(e) => eprintln!("pay: no answer ({e}); asking again"),
        }
    }
    let mut out = serde_json::json!({
        "key": payment.key,
        "qr_url": qr_url,
        "status": status_word(&payment.state),
    });
    let paid = matches!(payment.state, PayState::Paid { .. });
    if let PayState::Paid {
        payment_no,
        paid_at,
        einvoice_url,
    } = payment.state
    {
        let receipt = PaidReceipt {
            key: payment.key.clone(),
            reference: format!("{} {}", reference.words(), args.item_name),
            fees: order.fees.clone(),
            total_fen: order.total_fen(),
            payment_no: payment_no.clone(),
            paid_at,
            einvoice_url: einvoice_url.clone(),
            for_staff: false,
        };
        let printer = printer::open(config);
        let outcome =
            desk::payment::print_receipt(&link, printer.as_ref(), &Metrics::new(), &receipt);
        out["payment_no"] = payment_no.into();
        out["einvoice_url"] = einvoice_url.into();
        out["printed"] = outcome.printed().into();
        out["print"] = outcome.code().into();
    }
    Ok((out, paid))
}

fn status_word(s: &PayState) -> &'static str {
    match s {
        PayState::Creating => "creating",
        PayState::Pending { .. } => "pending",
        PayState::Paid { .. } => "paid",
        PayState::Failed => "failed",
        PayState::Expired => "expired",
        PayState::Cancelled => "cancelled",
        PayState::NotCreated => "not_created",
    }
}
