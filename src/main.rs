//! The `kiosk` command: parses the command line and hands it to `hall_kiosk::cli`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = hall_kiosk::cli::Cli::parse();
    // Before any thread exists: setting the environment later is undefined behaviour.
    cli.prepare_environment();
    cli.dispatch()
}
