//! `kiosk outbox status|flush`: what waits for the backend, and delivering it now.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::{block_on, fail, load_config, open_link};
use hall_link::store::{db_path, ReadError, StoreReader};

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Pending entries and dead letters (reads the store without changing a byte).
    /// Example: kiosk outbox status --json
    Status {
        /// One JSON object: pending, dead, and each dead letter's key, kind and error.
        #[arg(long)]
        json: bool,
    },
    /// Deliver until empty or the backend is unreachable (exit 0 only when empty).
    /// Example: kiosk outbox flush
    Flush,
}

pub fn run(command: OutboxCommand, config: &Path) -> ExitCode {
    match command {
        OutboxCommand::Status { json } => status(config, json),
        OutboxCommand::Flush => flush(config),
    }
}

/// Reads the store without writing a byte (the running kiosk's file stays as it is):
/// counts, and each dead letter's key, kind and error, never its body (personal data).
fn status(config: &Path, json: bool) -> ExitCode {
    let config = match load_config(config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let path = db_path(&config.kiosk.data_dir);
    let summary = match StoreReader::open(&path).and_then(|s| s.summary()) {
        Ok(s) => s,
        Err(ReadError::Missing { .. }) if json => {
            println!(r#"{{"pending":0,"dead":0,"dead_letters":[],"store":false}}"#);
            return ExitCode::SUCCESS;
        }
        Err(ReadError::Missing { .. }) => {
            println!("pending 0  dead 0  (no store yet: the kiosk has not run)");
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(e),
    };
    if json {
        let dead: Vec<_> = summary
            .dead_letters
            .iter()
            .map(|e| serde_json::json!({ "key": e.key, "kind": e.kind, "error": e.last_error }))
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "pending": summary.outbox.pending,
                "dead": summary.outbox.dead,
                "dead_letters": dead,
                "store": true,
            })
        );
        return ExitCode::SUCCESS;
    }
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

fn flush(config: &Path) -> ExitCode {
    let config = match load_config(config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let link = match open_link(&config) {
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
