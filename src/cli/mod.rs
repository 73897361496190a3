//! The `kiosk` command: the touch UI on a device, the demo, and the technicians' tools.
//! One file per command group; each parses nothing itself and calls the same services,
//! flows and platform code the touch screen uses.

mod backend;
mod device;
mod doctor;
mod outbox;
mod run;
mod screenshot;
mod staff;
mod ticket;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::platform::config::Config;

/// Where a device keeps its config.
pub const DEFAULT_CONFIG: &str = "/etc/hall-kiosk/kiosk.toml";

#[derive(Parser)]
#[command(
    name = "kiosk",
    version,
    about = "Self-service kiosk of a government service hall"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the kiosk on a device with the devices and backend of the config file.
    Run(run::RunArgs),
    /// Run the demo: simulated devices and a built-in hall backend, no hardware needed.
    Demo(run::DemoArgs),
    /// Check configuration files.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Render a screen to PNG without a display.
    Screenshot(screenshot::ScreenshotArgs),
    /// Talk to the kiosk's devices directly (technicians).
    Device {
        #[command(subcommand)]
        command: device::DeviceCommand,
    },
    /// The link to the hall backend.
    Backend {
        #[command(subcommand)]
        command: backend::BackendCommand,
    },
    /// Queue tickets.
    Ticket {
        #[command(subcommand)]
        command: ticket::TicketCommand,
    },
    /// The durable outbox of actions for the backend.
    Outbox {
        #[command(subcommand)]
        command: outbox::OutboxCommand,
    },
    /// Check config, token, disk, database, backend, devices, font and display: a table
    /// (or JSON); exit 1 when something would stop citizens being served.
    Doctor(doctor::DoctorArgs),
    /// Staff credentials: PIN hashes for the config, signed staff QR codes.
    Staff {
        #[command(subcommand)]
        command: staff::StaffCommand,
    },
    /// The screen on a device.
    Display {
        #[command(subcommand)]
        command: DisplayCommand,
    },
    /// Run the reference hall backend (interface v1) on a local address.
    HallSim(hall_link::sim_cli::SimArgs),
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print "ok", or the file, line, column and key of the first error (exit 1).
    Check { file: PathBuf },
}

#[derive(Subcommand)]
enum DisplayCommand {
    /// Print the udev rule that calibrates the touch screen for `display.rotation` (or
    /// `display.touch_calibration`); install it as /etc/udev/rules.d/98-hall-kiosk-touch.rules.
    TouchRule {
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
}

impl Cli {
    /// Settings the process environment needs before any thread starts (the caller is
    /// still single-threaded): the panel's rotation for the LinuxKMS backend.
    pub fn prepare_environment(&self) {
        if let Command::Run(args) = &self.command {
            args.prepare_environment();
        }
    }

    pub fn dispatch(self) -> ExitCode {
        match self.command {
            Command::Run(args) => run::run(args),
            Command::Demo(args) => run::demo(args),
            Command::Config {
                command: ConfigCommand::Check { file },
            } => match Config::load(&file) {
                Ok(_) => {
                    println!("ok");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            },
            Command::Screenshot(args) => screenshot::run(args),
            Command::Device { command } => device::run(command),
            Command::Backend { command } => backend::run(command),
            Command::Ticket { command } => ticket::run(command),
            Command::Outbox { command } => outbox::run(command),
            Command::Doctor(args) => doctor::run(args),
            Command::Staff { command } => staff::run(command),
            Command::Display {
                command: DisplayCommand::TouchRule { config },
            } => match Config::load(&config) {
                Ok(c) => {
                    print!("{}", c.display.touch_rule());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            },
            Command::HallSim(args) => hall_link::sim_cli::run(args),
        }
    }
}

/// The kiosk's link to the backend for a one-shot command, from the config.
fn open_link(config: &Config) -> anyhow::Result<hall_link::HallLink> {
    let settings = crate::services::link_settings(config)?;
    Ok(hall_link::HallLink::open(settings)?)
}

/// A runtime for one command on this thread.
fn block_on<F: std::future::Future>(f: F) -> anyhow::Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(rt.block_on(f))
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("kiosk: {e:#}");
    ExitCode::FAILURE
}
