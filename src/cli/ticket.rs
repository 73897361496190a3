//! `kiosk ticket take`: a ticket through the touch screen's own code path (backend or
//! offline block, outbox, then the configured printer), for a technician's check.

use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use super::{block_on, fail, load_config, open_link};
use crate::domain::catalog::Guides;
use crate::domain::{Priority, Source, TicketNames, TicketOrder};
use crate::health::Metrics;
use crate::platform::config::Config;
use crate::services::{desk, printer};

#[derive(Subcommand)]
pub enum TicketCommand {
    /// Take a walk-in ticket and print it on the configured printer, by the touch screen's
    /// own code path (exit 1 when no ticket could be issued; a ticket that could not be
    /// printed is still issued, and says so).
    /// Example: kiosk ticket take --category A --priority elderly --json
    /// Example: kiosk ticket take --category B --tibetan
    Take {
        /// The queue category's code, as in the catalog (e.g. A).
        #[arg(long)]
        category: String,
        /// A priority to ask for; it is printed on the slip.
        #[arg(long, value_enum)]
        priority: Option<PriorityArg>,
        /// Print the slip in Tibetan and Chinese, as for a citizen who used the screen in
        /// Tibetan (the Tibetan lines are drawn as pictures: printers have no Tibetan font).
        #[arg(long)]
        tibetan: bool,
        /// One JSON object: ticket_no, category, offline, track_url, priority, printed, ...
        #[arg(long)]
        json: bool,
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

pub fn run(command: TicketCommand, config: &std::path::Path) -> ExitCode {
    let TicketCommand::Take {
        category,
        priority,
        tibetan,
        json,
    } = command;
    let config = match load_config(config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match take(&config, category, priority.map(Into::into), tibetan) {
        Ok(v) if json => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Ok(v) => {
            let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            println!(
                "ticket {}{}{}",
                field("ticket_no"),
                if v["offline"] == true {
                    " (offline number)"
                } else {
                    ""
                },
                v["priority"]
                    .as_str()
                    .map(|p| format!(", priority {p}"))
                    .unwrap_or_default()
            );
            println!("track    {}", field("track_url"));
            println!("printed  {} ({})", v["printed"], field("print"));
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn take(
    config: &Config,
    category: String,
    priority: Option<Priority>,
    tibetan: bool,
) -> anyhow::Result<serde_json::Value> {
    let link = open_link(config)?;
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
    let names = TicketNames::of(&guides, &ticket.category, "", tibetan);
    let printer = printer::open(config);
    let outcome = desk::print::ticket(printer.as_ref(), &metrics, &ticket, &names);
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
