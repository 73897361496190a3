//! Try the scanner CLI without the kiosk binary:
//! `cargo run -p kiosk-drivers --example scanner_cli -- decode frame.png --json`.

use clap::Parser;
use kiosk_drivers::scanner::cli::{run, ScannerCommand};

#[derive(Parser)]
#[command(name = "scanner", about = "QR scanner tools of the hall kiosk")]
struct Cli {
    #[command(subcommand)]
    cmd: ScannerCommand,
}

fn main() -> std::process::ExitCode {
    run(Cli::parse().cmd)
}
