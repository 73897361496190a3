//! `kiosk doctor`: every check a technician makes by hand.

use std::path::Path;
use std::process::ExitCode;

use crate::platform::doctor;

#[derive(clap::Args)]
pub struct DoctorArgs {
    /// One JSON array of checks instead of the table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: DoctorArgs, config: &Path) -> ExitCode {
    let checks = doctor::run(config);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&checks).unwrap_or_default()
        );
    } else {
        print!("{}", doctor::table(&checks));
    }
    if doctor::healthy(&checks) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
