//! `kiosk outbox status|flush`: what waits for the backend, and delivering it now.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{block_on, fail, open_link, DEFAULT_CONFIG};
use crate::platform::config::Config;

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Pending entries and dead letters.
    Status {
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
    /// Deliver until empty or the backend is unreachable (exit 0 only when empty).
    Flush {
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
}

pub fn run(command: OutboxCommand) -> ExitCode {
    match command {
        OutboxCommand::Status { config } => status(&config),
        OutboxCommand::Flush { config } => flush(&config),
    }
}

fn status(config: &std::path::Path) -> ExitCode {
    let link = match Config::load(config)
        .map_err(anyhow::Error::from)
        .and_then(|c| open_link(&c))
    {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let st = link.status();
    println!("pending {}  dead {}", st.outbox.pending, st.outbox.dead);
    for e in link.dead_letters().unwrap_or_default() {
        println!(
            "dead  {}  {}  {}",
            e.key,
            e.kind,
            e.last_error.unwrap_or_default()
        );
    }
    ExitCode::SUCCESS
}

fn flush(config: &std::path::Path) -> ExitCode {
    let link = match Config::load(config)
        .map_err(anyhow::Error::from)
        .and_then(|c| open_link(&c))
    {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    match block_on(link.flush()) {
        Ok(Ok(true)) => {
            println!("ok: outbox empty");
            ExitCode::SUCCESS
        }
        Ok(Ok(false)) => fail(format!(
            "outbox not empty ({} pending): backend unreachable",
            link.status().outbox.pending
        )),
        Ok(Err(e)) => fail(e),
        Err(e) => fail(e),
    }
}
