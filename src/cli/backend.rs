//! `kiosk backend sync`: catalog, offline blocks and heartbeat, as the kiosk does each minute.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{block_on, fail, open_link, DEFAULT_CONFIG};
use crate::platform::config::Config;

#[derive(Subcommand)]
pub enum BackendCommand {
    /// Fetch the catalog, top up offline ticket blocks, send a heartbeat (exit 0 when reached).
    Sync {
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
}

pub fn run(command: BackendCommand) -> ExitCode {
    let BackendCommand::Sync { config } = command;
    let result = Config::load(&config)
        .map_err(anyhow::Error::from)
        .and_then(|c| open_link(&c))
        .and_then(|link| {
            block_on(link.sync())?.map_err(anyhow::Error::from)?;
            Ok(link.status())
        });
    match result {
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
