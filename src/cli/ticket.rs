//! `kiosk ticket take`: a ticket through the touch screen's own code path (backend or
//! offline block, outbox, then the configured printer), for a technician's check.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use super::{block_on, fail, open_link, DEFAULT_CONFIG};
use crate::domain::catalog::Guides;
use crate::domain::{Priority, Source, TicketOrder};
use crate::health::Metrics;
use crate::platform::config::Config;
use crate::services::{desk, printer};

#[derive(Subcommand)]
pub enum TicketCommand {
    /// Take a walk-in ticket and print it on the configured printer; prints one JSON line
    /// (ticket_no, category, offline, track_url, printed, ...).
    /// Example: kiosk ticket take --category A --priority elderly
    Take {
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
        /// The queue category's code, as in the catalog (e.g. A).
        #[arg(long)]
        category: String,
        /// A priority to ask for; it is printed on the slip.
        #[arg(long, value_enum)]
        priority: Option<PriorityArg>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PriorityArg {
    Elderly,
    Disabled,
    Pregnant,
    Other,
}

impl From<PriorityArg> for Priority {
    fn from(p: PriorityArg) -> Self {
        match p {
            PriorityArg::Elderly => Priority::Elderly,
            PriorityArg::Disabled => Priority::Disabled,
            PriorityArg::Pregnant => Priority::Pregnant,
            PriorityArg::Other => Priority::Other,
        }
    }
}

pub fn run(command: TicketCommand) -> ExitCode {
    let TicketCommand::Take {
        config,
        category,
        priority,
    } = command;
    match take(&config, category, priority.map(Into::into)) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn take(
    config: &std::path::Path,
    category: String,
    priority: Option<Priority>,
) -> anyhow::Result<serde_json::Value> {
    let config = Config::load(config)?;
    let link = open_link(&config)?;
    let metrics = Metrics::new();
    let order = TicketOrder {
        category,
        source: Source::WalkIn,
        priority,
        applicant: None,
    };
    let ticket = block_on(desk::ticket::issue(&link, &metrics, &order))?
        .map_err(|e| anyhow::anyhow!("no ticket issued: {e}"))?;
    // The slip names the category and its windows as the touch screen's does.
    let guides = Guides::from_catalog(&link.catalog().unwrap_or_default());
    let (name, windows) = guides
        .category(&ticket.category)
        .map(|c| (c.name.clone(), c.windows.join(", ")))
        .unwrap_or_default();
    let printer = printer::open(&config);
    let outcome = desk::print::ticket(printer.as_ref(), &metrics, &ticket, &name, &windows);
    Ok(serde_json::json!({
        "ticket_no": ticket.ticket_no,
        "category": ticket.category,
        "offline": ticket.offline,
        "waiting_ahead": ticket.waiting_ahead,
        "est_wait_min": ticket.est_wait_min,
        "issued_at": ticket.issued_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "track_url": ticket.track_url,
        "priority": ticket.priority.map(Priority::code),
        "printed": outcome.printed(),
        "print": outcome.code(),
    }))
}
