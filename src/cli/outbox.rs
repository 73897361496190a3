//! `kiosk outbox status|flush`: what waits for the backend, and delivering it now.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{block_on, fail, open_link, DEFAULT_CONFIG};
use hall_link::store::{db_path, ReadError, StoreReader};

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

/// Reads the store without writing a byte (the running kiosk's file stays as it is):
/// counts, and each dead letter's key, kind and error, never its body (personal data).
fn status(config: &std::path::Path) -> ExitCode {
    let config = match Config::load(config) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let path = db_path(&config.kiosk.data_dir);
    let summary = match StoreReader::open(&path).and_then(|s| s.summary()) {
        Ok(s) => s,
        Err(ReadError::Missing { .. }) => {
            println!("pending 0  dead 0  (no store yet: the kiosk has not run)");
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(e),
    };
    println!(
        "pending {}  dead {}",
        summary.outbox.pending, summary.outbox.dead
    );
    for e in &summary.dead_letters {
        println!(
            "dead  {}  {}  {}",
            e.key,
            e.kind,
            e.last_error.as_deref().unwrap_or_default()
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
