//! `kiosk device`: the reader, scanner and printer directly, and what is plugged in.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::DEFAULT_CONFIG;
use crate::platform::config::Config;

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// List serial, USB printer, input and video devices with their USB ids and udev rules.
    Probe,
    /// The ID-card reader.
    Idcard {
        #[command(subcommand)]
        command: kiosk_drivers::idcard::cli::IdcardCommand,
    },
    /// The QR scanner.
    Scanner {
        #[command(subcommand)]
        command: kiosk_drivers::scanner::cli::ScannerCommand,
    },
    /// The receipt printer.
    Printer {
        #[command(subcommand)]
        command: kiosk_drivers::printer::cli::PrinterCommand,
    },
}

pub fn run(command: DeviceCommand) -> ExitCode {
    match command {
        DeviceCommand::Idcard { command } => kiosk_drivers::idcard::cli::run(command),
        DeviceCommand::Scanner { command } => kiosk_drivers::scanner::cli::run(command),
        DeviceCommand::Printer { command } => {
            // The test page names the kiosk: the device's configured id when there is one.
            let id = Config::load(Path::new(DEFAULT_CONFIG))
                .map(|c| c.kiosk.id)
                .unwrap_or_else(|_| "-".into());
            kiosk_drivers::printer::cli::run(command, &id)
        }
        DeviceCommand::Probe => {
            probe();
            ExitCode::SUCCESS
        }
    }
}

fn probe() {
    let found = crate::platform::probe::probe(Path::new("/sys"));
    if found.is_empty() {
        println!("no serial, USB printer, input or video devices found");
    }
    for d in &found {
        println!(
            "{:<12} {:<22} {}:{} serial={} {}",
            d.kind,
            d.dev,
            d.vendor.as_deref().unwrap_or("-"),
            d.product.as_deref().unwrap_or("-"),
            d.serial.as_deref().unwrap_or("-"),
            d.name.as_deref().unwrap_or("")
        );
        let role = match d.kind {
            "usb-printer" => "printer",
            "input" | "video" => "scanner",
            _ => "idcard",
        };
        if let Some(rule) = d.rule(role) {
            println!("    {rule}");
        }
    }
}
