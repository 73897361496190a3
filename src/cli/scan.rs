//! `kiosk scan parse`: what the kiosk makes of a code, read against this kiosk's config
//! (its hall id, public site and staff key) exactly as the scanner loop reads it. It only
//! reads: nothing is checked in, used up or signed in.

use std::process::ExitCode;

use clap::Subcommand;
use kiosk_drivers::scanner::payload::{self, KioskCode};
use serde_json::{json, Value};

use super::fail;
use crate::domain::StaffRefusal;
use crate::platform::config::Config;
use crate::services::scanner::scheme_context;
use hall_link::store::{db_path, StoreReader};

#[derive(Subcommand)]
pub enum ScanCommand {
    /// Print a code's kind and the fields it carries; exit 0 whatever the kind.
    /// Example: kiosk scan parse 'hk:appt:v1:xiahe:AP0001' --json
    Parse {
        /// The code's text, as a scanner would send it.
        payload: String,
        /// One JSON object: "kind" ("ticket", "receipt", "appointment", "staff",
        /// "payment_code", "url" or "unknown") and the code's fields.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: ScanCommand, config: &std::path::Path) -> ExitCode {
    let ScanCommand::Parse { payload, json } = command;
    let config = match Config::load(config) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let now = hall_link::clock::now_utc().unix_timestamp();
    let v = describe(&payload, &config, now);
    if json {
        println!("{v}");
    } else {
        for (k, val) in v.as_object().into_iter().flatten() {
            let shown = val.as_str().map_or_else(|| val.to_string(), str::to_string);
            println!("{k:<10} {shown}");
        }
    }
    ExitCode::SUCCESS
}

/// The code as a JSON object: its kind, and for each kind what the kiosk would check.
pub fn describe(text: &str, config: &Config, now: i64) -> Value {
    let ctx = scheme_context(config);
    // A forged code is told apart by what it claimed to be.
    let claimed = text
        .trim()
        .get(..9)
        .unwrap_or_default()
        .to_ascii_lowercase();
    match payload::parse(text, &ctx) {
        KioskCode::Appointment { code } => json!({
            "kind": "appointment", "hall": ctx.hall_id, "this_hall": true, "code": code,
        }),
        KioskCode::OtherHallAppointment { hall_id } => json!({
            "kind": "appointment", "hall": hall_id, "this_hall": false,
        }),
        KioskCode::Ticket { date, ticket_no } => json!({
            "kind": "ticket", "date": date.to_string(), "ticket_no": ticket_no,
        }),
        KioskCode::Receipt { receipt_no } => json!({
            "kind": "receipt", "receipt_no": receipt_no, "provisional": false,
        }),
        KioskCode::ProvisionalReceipt { key } => json!({
            "kind": "receipt", "key": key.to_string(), "provisional": true,
        }),
        KioskCode::Staff {
            staff_id,
            expires,
            nonce,
        } => {
            let expires = expires.unix_timestamp();
            let max = i64::from(config.staff.code_max_hours) * 3600;
            // Read-only: the store is looked at, the nonce never used up.
            let replayed = nonce.as_deref().is_some_and(|n| {
                StoreReader::open(&db_path(&config.kiosk.data_dir))
                    .and_then(|r| r.nonce_used(n))
                    .unwrap_or(false)
            });
            let reason = if expires <= now {
                Some("expired")
            } else if expires.saturating_sub(now) > max {
                Some(StaffRefusal::TooLong.reason())
            } else if replayed {
                Some(StaffRefusal::Replayed.reason())
            } else {
                None
            };
            let mut v = json!({
                "kind": "staff",
                "staff_id": staff_id,
                "expires": expires,
                "single_use": nonce.is_some(),
                "valid": reason.is_none(),
            });
            if let Some(r) = reason {
                v["reason"] = r.into();
            }
            v
        }
        KioskCode::BadSignature => {
            let kind = if claimed.starts_with("hk:staff:") {
                "staff"
            } else {
                "appointment"
            };
            json!({ "kind": kind, "valid": false, "reason": "forged" })
        }
        KioskCode::HallUrl(url) => json!({ "kind": "url", "url": url, "this_hall": true }),
        // The digits are the citizen's money: never printed, not even here.
        KioskCode::PaymentCode(code) => json!({ "kind": "payment_code", "digits": code.len() }),
        KioskCode::Unknown(why) => json!({ "kind": "unknown", "reason": why.to_string() }),
    }
}
