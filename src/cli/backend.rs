//! `kiosk backend sync`: catalog, offline blocks and heartbeat, as the kiosk does each minute.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::{block_on, fail, load_config, open_link};

#[derive(Subcommand)]
pub enum BackendCommand {
    /// Fetch the catalog, top up offline ticket blocks, send a heartbeat (exit 0 when reached).
    /// Example: kiosk backend sync --json
    Sync {
        /// One JSON object: catalog_version, offline_left, outbox counts.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: BackendCommand, config: &Path) -> ExitCode {
    let BackendCommand::Sync { json } = command;
    let config = match load_config(config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = open_link(&config).and_then(|link| {
        block_on(link.sync())?.map_err(anyhow::Error::from)?;
        Ok(link.status())
    });
    match result {
        Ok(st) if json => {
            println!(
                "{}",
                serde_json::json!({
                    "ok": true,
                    "catalog_version": st.catalog_version,
                    "offline_left": st
                        .offline_left
                        .iter()
                        .map(|(cat, n)| (cat.clone(), serde_json::json!(n)))
                        .collect::<serde_json::Map<_, _>>(),
                    "pending": st.outbox.pending,
                    "dead": st.outbox.dead,
                })
            );
            ExitCode::SUCCESS
        }
        Ok(st) => {
            println!(
                "ok: catalog {}, offline numbers {:?}",
                st.catalog_version.unwrap_or_default(),
                st.offline_left
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}
