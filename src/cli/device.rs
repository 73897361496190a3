//! `kiosk device`: the reader, scanner and printer directly, and what is plugged in.
//! A command without `--port` uses the port (and speed) the kiosk's config names.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;
use kiosk_drivers::idcard::cli::IdcardCommand;
use kiosk_drivers::printer::cli::PrinterCommand;
use kiosk_drivers::scanner::cli::ScannerCommand;

use crate::platform::config::{fitted, Config};

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// List serial, USB printer, input and video devices with their USB ids and udev rules.
    /// Example: kiosk device probe
    Probe,
    /// The ID-card reader. Example: kiosk device idcard status --json
    Idcard {
        #[command(subcommand)]
        command: IdcardCommand,
    },
    /// The QR scanner. Example: kiosk device scanner read --count 1 --timeout 30
    Scanner {
        #[command(subcommand)]
        command: ScannerCommand,
    },
    /// The receipt printer. Example: kiosk device printer status --json
    Printer {
        #[command(subcommand)]
        command: PrinterCommand,
    },
}

pub fn run(command: DeviceCommand, config_path: &Path) -> ExitCode {
    // Read lazily: `--port` given everywhere, or `probe`, needs no config at all.
    let config = std::cell::OnceCell::new();
    let config = || config.get_or_init(|| Config::load(config_path).ok());
    // The configured port and speed of a device, unless the command names its own; "none"
    // and "sim" are no device to open.
    let fill =
        |port: &mut Option<String>, baud: &mut Option<u32>, pick: fn(&Config) -> (&str, u32)| {
            if port.is_none() {
                if let Some((p, b)) = config().as_ref().map(pick) {
                    if fitted(p) {
                        *port = Some(p.to_string());
                        baud.get_or_insert(b);
                    }
                }
            }
        };
    match command {
        DeviceCommand::Idcard { mut command } => {
            match &mut command {
                IdcardCommand::Read { port, baud, .. }
                | IdcardCommand::Status { port, baud, .. } => fill(port, baud, idcard),
            }
            kiosk_drivers::idcard::cli::run(command)
        }
        DeviceCommand::Scanner { mut command } => {
            match &mut command {
                ScannerCommand::Read(a) => fill(&mut a.port, &mut a.baud, scanner),
                ScannerCommand::Status(a) => fill(&mut a.port, &mut a.baud, scanner),
                ScannerCommand::Decode(_) | ScannerCommand::Camera(_) => {}
            }
            kiosk_drivers::scanner::cli::run(command)
        }
        DeviceCommand::Printer { mut command } => {
            match &mut command {
                PrinterCommand::Test { port, baud, .. }
                | PrinterCommand::Status { port, baud, .. } => fill(port, baud, printer),
                PrinterCommand::Sim { .. } | PrinterCommand::Render { .. } => {}
            }
            // The test page names the kiosk: the configured id when there is one.
            let id = config()
                .as_ref()
                .map_or_else(|| "-".to_string(), |c| c.kiosk.id.clone());
            kiosk_drivers::printer::cli::run(command, &id)
        }
        DeviceCommand::Probe => {
            probe();
            ExitCode::SUCCESS
        }
    }
}

fn idcard(c: &Config) -> (&str, u32) {
    (&c.devices.idcard.port, c.devices.idcard.baud)
}

fn scanner(c: &Config) -> (&str, u32) {
    (&c.devices.scanner.port, c.devices.scanner.baud)
}

fn printer(c: &Config) -> (&str, u32) {
    (&c.devices.printer.port, c.devices.printer.baud)
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
