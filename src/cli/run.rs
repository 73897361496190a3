//! `kiosk run` and `kiosk demo`: the services, then the window on them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{fail, EX_CONFIG};
use crate::app::{self, Ended};
use crate::platform::config::{Config, ConfigError, DEMO};
use crate::platform::{doctor, logging, network, systemd};
use crate::services::{Services, World};

#[derive(clap::Args)]
pub struct DemoArgs {
    /// Where the demo keeps its database and the printed receipts (PNG).
    #[arg(long, default_value = "demo-data")]
    data_dir: PathBuf,
}

/// The panel's mounting for the LinuxKMS backend, which reads it when it opens the
/// display; a value already in the environment (a technician trying one out) wins.
pub fn prepare_environment(path: &Path) {
    let Ok(config) = Config::load(path) else {
        return; // `run` reports the error.
    };
    if config.display.rotation != 0 && std::env::var_os("SLINT_KMS_ROTATION").is_none() {
        // SAFETY (edition 2021: safe): called from main before any thread starts.
        std::env::set_var("SLINT_KMS_ROTATION", config.display.rotation.to_string());
    }
}

pub fn run(path: &Path) -> ExitCode {
    let config = match Config::load(path) {
        Ok(c) => c,
        Err(e) => return config_fault(path, &e),
    };
    logging::init(config.log.level.as_deref());
    serve(&config, World::Device)
}

/// A config the kiosk cannot run with: the screen says what is wrong (file, line, key),
/// what `kiosk doctor` finds, and where the kiosk is on the network, rather than staying
/// dark; the kiosk exits 78 when the page closes or cannot be drawn at all.
fn config_fault(path: &Path, e: &ConfigError) -> ExitCode {
    logging::init(None);
    tracing::error!(target: "alert", message_id = hall_link::journal::FAULT, "the kiosk cannot start: {e}");
    eprintln!("kiosk: {e}");
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let options = app::UiOptions {
        hall_name: "政务服务中心".into(),
        // No config, no kiosk id: the device's host name is what a technician can find.
        kiosk_id: format!("({})", host.trim()),
        ..app::UiOptions::default()
    };
    let detail = fault_detail(
        &e.to_string(),
        Some(&doctor::summary(&doctor::run(path))),
        &network::addresses(),
    );
    if let Err(ui) = app::start_fault(options, &detail).and_then(app::run_fault) {
        eprintln!("kiosk: cannot show the fault page either: {ui}");
    }
    ExitCode::from(EX_CONFIG)
}

/// The fault page's text for a technician: the error, the doctor's one-line summary and the
/// kiosk's addresses.
fn fault_detail(error: &str, doctor: Option<&str>, addresses: &[String]) -> String {
    let mut text = format!("{error}\n");
    if let Some(d) = doctor {
        text.push_str(&format!("\nkiosk doctor: {d}"));
    }
    if addresses.is_empty() {
        text.push_str("\nno network address");
    } else {
        text.push_str(&format!("\nnetwork: {}", addresses.join(", ")));
    }
    text
}

pub fn demo(args: DemoArgs, config: Option<&Path>) -> ExitCode {
    let config = match load_or_demo(config) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    logging::init(config.log.level.as_deref());
    if let Err(e) = std::fs::create_dir_all(&args.data_dir) {
        return fail(format!("cannot create {}: {e}", args.data_dir.display()));
    }
    tracing::info!(data_dir = %args.data_dir.display(), "demo: simulated devices and built-in hall backend");
    serve(&config, World::Demo(args.data_dir))
}

/// The config file, or the demo's built-in one (demo, screenshots).
pub fn load_or_demo(path: Option<&Path>) -> Result<Config, ConfigError> {
    match path {
        Some(p) => Config::load(p),
        None => Config::parse(DEMO, Path::new("config/demo.toml (built in)")),
    }
}

fn serve(config: &Config, world: World) -> ExitCode {
    let mut services = match Services::start(config, world) {
        Ok(s) => s,
        Err(e) => return serve_fault(config, &e),
    };
    // The services' config: for the demo, the one rewritten to its world (PIN, ports).
    let options = app::options_from_config(&services.config);
    let kiosk = match app::start(options, &mut services) {
        Ok(k) => k,
        Err(e) => {
            services.shutdown();
            return fail(format!("cannot open the display: {e}"));
        }
    };
    if let Some(world) = &services.demo {
        app::demo::enable(&kiosk, world.clone());
    }
    match app::run(kiosk, services) {
        Ok(Ended::Restart) => restart_self(),
        Ok(Ended::Closed) => ExitCode::SUCCESS,
        Err(e) => fail(format!("the UI stopped: {e}")),
    }
}

/// Staff asked for a restart. Under systemd, exiting is enough (`Restart=always`); the demo
/// and a kiosk run by hand start themselves again, with the same arguments.
fn restart_self() -> ExitCode {
    tracing::info!(target: "audit", message_id = hall_link::journal::AUDIT, "restarting at staff's request");
    if systemd::supervised() {
        return ExitCode::SUCCESS;
    }
    use std::os::unix::process::CommandExt;
    let err = match std::env::current_exe() {
        Ok(exe) => std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .exec(),
        Err(e) => e,
    };
    fail(format!("restart failed: {err}"))
}

/// The services could not start: the screen says so (see [`app::start_fault`]) until the
/// window closes, rather than staying dark while systemd restarts the kiosk in a loop.
fn serve_fault(config: &Config, e: &crate::services::StartError) -> ExitCode {
    tracing::error!(target: "alert", message_id = hall_link::journal::FAULT, "the kiosk cannot serve: {e}");
    let detail = fault_detail(&e.to_string(), None, &network::addresses());
    let shown =
        app::start_fault(app::options_from_config(config), &detail).and_then(app::run_fault);
    if let Err(ui) = shown {
        eprintln!("kiosk: cannot show the fault page either: {ui}");
    }
    fail(e)
}
