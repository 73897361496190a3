//! `kiosk appointment`: the booking flow's backend calls and slip, for technicians and
//! tests: list a matter's slots, book one for a card read from the reader simulator.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use kiosk_drivers::idcard::reader::{CardReader, SerialCardReader};
use kiosk_drivers::idcard::sim::{builtin_identities, ReaderSimulator};

use super::{block_on, fail, load_config, open_link};
use crate::domain::booking::{BookingOrder, HallCalendar};
use crate::domain::catalog::Guides;
use crate::domain::CardHolder;
use crate::health::Metrics;
use crate::platform::config::Config;
use crate::services::{desk, printer};

#[derive(Subcommand)]
pub enum AppointmentCommand {
    /// List a matter's slots on a day (default: the hall's next working day).
    /// Example: kiosk appointment slots --item 620000-001-XK-01 --date 2026-12-07 --json
    Slots {
        /// The matter's code, as in the catalog.
        #[arg(long)]
        item: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
        /// One JSON object: item_code, date, slots [{slot_id, start, end, left}].
        #[arg(long)]
        json: bool,
    },
    /// Book a slot for a card read from the reader simulator (by the real driver, over a
    /// pty), and print the appointment slip on the configured printer.
    /// Example: kiosk appointment book --item 620000-001-XK-01 --slot S1 --id-card-sim 张伟 --json
    Book {
        /// The matter's code, as in the catalog.
        #[arg(long)]
        item: String,
        /// A slot id from `kiosk appointment slots`.
        #[arg(long)]
        slot: String,
        /// The name of one of the simulator's fictional identities (drivers/data/identities.toml).
        #[arg(long = "id-card-sim", value_name = "NAME")]
        id_card_sim: String,
        /// One JSON object: appointment_no, code, item_code, start, end, windows, checkin_qr,
        /// printed, print.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: AppointmentCommand, config: &std::path::Path) -> ExitCode {
    let config = match load_config(config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (result, json) = match command {
        AppointmentCommand::Slots { item, date, json } => (slots(&config, &item, date), json),
        AppointmentCommand::Book {
            item,
            slot,
            id_card_sim,
            json,
        } => (book(&config, &item, &slot, &id_card_sim), json),
    };
    match result {
        Ok(v) if json => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Ok(v) => {
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn day(config: &Config, date: Option<String>) -> anyhow::Result<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match date {
        Some(d) => time::Date::parse(&d, &format)
            .with_context(|| format!("{d:?} is not a date like 2026-12-07")),
        None => {
            let today = hall_link::clock::now_utc()
                .to_offset(config.utc_offset())
                .date();
            let calendar: HallCalendar = config.calendar.calendar().unwrap_or_default();
            calendar
                .working_days_after(today, 1)
                .first()
                .copied()
                .context("the hall's calendar has no working day in the next year")
        }
    }
}

fn slots(config: &Config, item: &str, date: Option<String>) -> anyhow::Result<serde_json::Value> {
    let date = day(config, date)?;
    let link = open_link(config)?;
    let slots = block_on(desk::booking::slots(&link, item, date))?
        .map_err(|e| anyhow::anyhow!("no slots listed: {e}"))?;
    let rfc = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    Ok(serde_json::json!({
        "item_code": item,
        "date": date.to_string(),
        "slots": slots.iter().map(|s| serde_json::json!({
            "slot_id": s.slot_id, "start": rfc(s.start), "end": rfc(s.end), "left": s.left,
        })).collect::<Vec<_>>(),
    }))
}

/// Reads the named identity's card from the reader simulator through the real driver.
fn card_from_simulator(name: &str) -> anyhow::Result<CardHolder> {
    let identities = builtin_identities();
    let index = identities
        .iter()
        .position(|i| i.name == name || i.english_name == name)
        .with_context(|| {
            let names: Vec<_> = identities.iter().map(|i| i.name.as_str()).collect();
            format!("no identity named {name:?} in the simulator (it has {names:?})")
        })?;
    let sim = ReaderSimulator::spawn(identities).context("starting the reader simulator")?;
    sim.present(index);
    let mut reader = SerialCardReader::open(&sim.path(), 115_200)?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !reader.find()? {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the simulated card was not found"
        );
    }
    reader.select()?;
    Ok(CardHolder::from(&reader.read()?))
}

fn book(config: &Config, item: &str, slot: &str, name: &str) -> anyhow::Result<serde_json::Value> {
    let holder = card_from_simulator(name)?;
    let link = open_link(config)?;
    let order = BookingOrder {
        item_code: item.to_string(),
        slot_id: slot.to_string(),
        applicant: holder.clone(),
    };
    let booked = block_on(desk::booking::book(&link, &order))?
        .map_err(|e| anyhow::anyhow!("not booked: {e}"))?;
    let guides = Guides::from_catalog(&link.catalog().unwrap_or_default());
    let item_name = guides
        .item(item)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| item.to_string());
    let metrics = Metrics::new();
    let printer = printer::open(config);
    let outcome = desk::booking::print_slip(
        printer.as_ref(),
        &metrics,
        &config.kiosk.hall_id,
        &booked,
        &holder,
        &item_name,
    );
    let rfc = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    Ok(serde_json::json!({
        "appointment_no": booked.appointment_no,
        "code": booked.code,
        "item_code": booked.item_code,
        "start": rfc(booked.start),
        "end": rfc(booked.end),
        "windows": booked.windows,
        "checkin_qr": crate::domain::booking::checkin_payload(&config.kiosk.hall_id, &booked.code),
        "printed": outcome.printed(),
        "print": outcome.code(),
    }))
}
