//! The reference hall backend as its own program, for integration work:
//! `hall-sim --listen 127.0.0.1:8080 [--token-file F] [--catalog F]`.

use clap::Parser;
use hall_link::sim_cli::{run, SimArgs};

#[derive(Parser)]
#[command(version, about = "Reference hall backend (interface v1)")]
struct Cli {
    #[command(flatten)]
    args: SimArgs,
}

fn main() -> std::process::ExitCode {
    run(Cli::parse().args)
}
