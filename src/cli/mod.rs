//! The `kiosk` command: the touch UI on a device, the demo, and the technicians' tools.
//! One file per command group; each parses nothing itself and calls the same services,
//! flows and platform code the touch screen uses.

mod appointment;
mod backend;
mod device;
mod doctor;
mod generate;
mod input;
mod outbox;
mod pay;
mod provision;
mod run;
mod scan;
mod screenshot;
mod staff;
mod ticket;
mod update;
mod voice;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::platform::config::{self, Config};

/// The exit codes every command keeps to (also in the README and the man page).
pub const EXIT_CODES: &str = "\
Exit codes:
  0   done; for checks (doctor, device status, outbox flush): all is well
  1   the command failed, or a check found a fault (the message says which)
  2   wrong usage (unknown option, missing argument)
  78  the configuration is broken (EX_CONFIG; `kiosk run` shows it on screen first)";

#[derive(Parser)]
#[command(
    name = "kiosk",
    version,
    about = "Self-service kiosk of a government service hall",
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// The kiosk's config file; its drop-ins are read from FILE.d/*.toml in name order
    /// [default: /etc/hall-kiosk/kiosk.toml]
    #[arg(long, global = true, env = "HALL_KIOSK_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the kiosk on a device with the devices and backend of the config file.
    /// Example: kiosk run
    Run,
    /// Run the demo: simulated devices and a built-in hall backend, no hardware needed.
    /// Example: kiosk demo --data-dir /tmp/demo
    Demo(run::DemoArgs),
    /// Check configuration files. Example: kiosk config check
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Render a screen to PNG without a display.
    /// Example: kiosk screenshot --screen home --locale en --out home.png
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
    /// What the kiosk makes of a scanned code.
    Scan {
        #[command(subcommand)]
        command: scan::ScanCommand,
    },
    /// The on-screen keyboard's input method.
    Input {
        #[command(subcommand)]
        command: input::InputCommand,
    },
    /// Voice prompts: list them, check the clips, render one to a WAV file.
    Voice {
        #[command(subcommand)]
        command: voice::VoiceCommand,
    },
    /// Appointments booked at the kiosk: a matter's slots, a booking for a simulated card.
    Appointment {
        #[command(subcommand)]
        command: appointment::AppointmentCommand,
    },
    /// Pay a fee by the touch screen's own code path and print the receipt (exit 0 only when
    /// paid). Example: kiosk pay --ref receipt:SL20261203001 --amount-fen 8000 --qr --json
    Pay(pay::PayArgs),
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
    /// Software updates into the other root slot (RAUC): both slots' versions, the
    /// offered bundle, installing outside opening hours, and confirming a new slot.
    /// Example: kiosk update status
    Update {
        #[command(subcommand)]
        command: update::UpdateCommand,
    },
    /// Check config, token, disk, database, backend, devices, font and display: a table
    /// (or JSON); exit 1 when something would stop citizens being served.
    /// Example: kiosk doctor --json
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
    /// Signed provisioning files, for kiosks already provisioned once.
    Provision {
        #[command(subcommand)]
        command: provision::ProvisionCommand,
    },
    /// Man pages and shell completions, for packaging.
    /// Example: kiosk generate man --out target/man
    Generate {
        #[command(subcommand)]
        command: generate::GenerateCommand,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print "ok" and the files read, or the file, line, column and key of the first
    /// error, or every key still to set (exit 78).
    /// Example: kiosk config check /etc/hall-kiosk/kiosk.toml
    Check {
        /// The file to check with its drop-ins [default: --config's]
        file: Option<PathBuf>,
    },
    /// Print one setting as the kiosk reads it (its files merged, defaults filled in):
    /// text as it is, anything else as JSON; exit 1 when the key is not a setting.
    /// Example: kiosk config get backend.token_file
    Get {
        /// A dotted key, e.g. devices.printer.port or kiosk (a whole table, as JSON).
        key: String,
    },
}

#[derive(Subcommand)]
enum DisplayCommand {
    /// Print the udev rule that calibrates the touch screen for `display.rotation` (or
    /// `display.touch_calibration`); install it as /etc/udev/rules.d/98-hall-kiosk-touch.rules.
    /// Example: kiosk display touch-rule > /etc/udev/rules.d/98-hall-kiosk-touch.rules
    TouchRule,
}

impl Cli {
    /// The config path in force: `--config`, `HALL_KIOSK_CONFIG`, or the device's.
    fn config_path(&self) -> PathBuf {
        config::path_or_default(self.config.as_deref())
    }

    /// Settings the process environment needs before any thread starts (the caller is
    /// still single-threaded): the panel's rotation for the LinuxKMS backend.
    pub fn prepare_environment(&self) {
        if let Command::Run = &self.command {
            run::prepare_environment(&self.config_path());
        }
    }

    pub fn dispatch(self) -> ExitCode {
        let path = self.config_path();
        match self.command {
            Command::Run => run::run(&path),
            // The demo and screenshots have their own config unless one is named.
            Command::Demo(args) => run::demo(args, self.config.as_deref()),
            Command::Screenshot(args) => screenshot::run(args, self.config.as_deref()),
            Command::Config {
                command: ConfigCommand::Check { file },
            } => check_config(file.as_deref().unwrap_or(&path)),
            Command::Config {
                command: ConfigCommand::Get { key },
            } => get_setting(&path, &key),
            Command::Device { command } => device::run(command, &path),
            Command::Backend { command } => backend::run(command, &path),
            Command::Scan { command } => scan::run(command, &path),
            Command::Input { command } => input::run(command),
            Command::Voice { command } => voice::run(command, &path),
            Command::Ticket { command } => ticket::run(command, &path),
            Command::Appointment { command } => appointment::run(command, &path),
            Command::Pay(args) => pay::run(args, &path),
            Command::Outbox { command } => outbox::run(command, &path),
            Command::Doctor(args) => doctor::run(args, &path),
            Command::Update { command } => update::run(command, &path),
            Command::Staff { command } => staff::run(command),
            Command::Display {
                command: DisplayCommand::TouchRule,
            } => match Config::load(&path) {
                Ok(c) => {
                    print!("{}", c.display.touch_rule());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            },
            Command::HallSim(args) => hall_link::sim_cli::run(args),
            Command::Generate { command } => generate::run(command),
            Command::Provision { command } => provision::run(command),
        }
    }
}

/// `kiosk config check`: "ok" and the files that were read, or what is wrong.
fn check_config(path: &Path) -> ExitCode {
    match config::Layer::read_all(path).and_then(|layers| {
        let names: Vec<String> = layers
            .iter()
            .map(|l| l.path.display().to_string())
            .collect();
        Config::from_layers(layers).map(|c| (c, names))
    }) {
        Ok((c, names)) => {
            // The staff key opens staff mode: a file others can read, or a key short
            // enough to guess, is as bad as a broken config.
            if let Some(key) = &c.staff.qr_key_file {
                if let Err(e) = crate::services::staff_key::read_staff_key(key) {
                    eprintln!("kiosk: staff.qr_key_file: {e}");
                    return ExitCode::from(EX_CONFIG);
                }
            }
            println!("ok");
            for n in names {
                println!("  read {n}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kiosk: {e}");
            ExitCode::from(EX_CONFIG)
        }
    }
}

/// `kiosk config get`: one setting of the merged config, for scripts (provisioning reads
/// the token file's path with it).
fn get_setting(path: &Path, key: &str) -> ExitCode {
    let config = match load_config(path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let all = match serde_json::to_value(&config) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let found = key.split('.').try_fold(&all, |v, part| v.get(part));
    match found {
        Some(serde_json::Value::String(s)) => println!("{s}"),
        Some(v) => println!("{v}"),
        None => return fail(format!("{key} is not a setting")),
    }
    ExitCode::SUCCESS
}

/// EX_CONFIG (sysexits.h): the configuration is broken. The unit's
/// `RestartPreventExitStatus=78` stops systemd restarting such a kiosk every few seconds.
pub const EX_CONFIG: u8 = 78;

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

/// The config for a command, or the exit code that says it is broken (78).
fn load_config(path: &Path) -> Result<Config, ExitCode> {
    Config::load(path).map_err(|e| {
        eprintln!("kiosk: {e}");
        ExitCode::from(EX_CONFIG)
    })
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("kiosk: {e:#}");
    ExitCode::FAILURE
}
