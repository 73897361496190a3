//! The `kiosk` command: the touch UI on a device, the demo, and the technicians' tools.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use hall_kiosk::app::{Kiosk, UiOptions};
use hall_kiosk::platform::config::{Config, Locale};
use hall_kiosk::platform::{logging, systemd};
use hall_kiosk::runtime::Services;
use hall_kiosk::screenshot::{self, ScreenshotOptions};

#[derive(Parser)]
#[command(
    name = "kiosk",
    version,
    about = "Self-service kiosk of a government service hall"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the kiosk on a device with the devices and backend of the config file.
    Run {
        #[arg(long, default_value = "/etc/hall-kiosk/kiosk.toml")]
        config: PathBuf,
    },
    /// Run the demo: simulated devices and a built-in hall backend, no hardware needed.
    Demo {
        /// Where the demo keeps its database and the printed receipts (PNG).
        #[arg(long, default_value = "demo-data")]
        data_dir: PathBuf,
        /// A config file to start from (default: the built-in copy of config/kiosk.toml).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Check configuration files.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Render a screen to PNG without a display.
    Screenshot(ScreenshotArgs),
    /// Talk to the kiosk's devices directly (technicians).
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// The link to the hall backend.
    Backend {
        #[command(subcommand)]
        command: BackendCommand,
    },
    /// Queue tickets.
    Ticket {
        #[command(subcommand)]
        command: TicketCommand,
    },
    /// The durable outbox of actions for the backend.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Check config, token, disk, database, backend, devices, font and display: a table
    /// (or JSON); exit 1 when something would stop citizens being served.
    Doctor {
        #[arg(long, default_value = "/etc/hall-kiosk/kiosk.toml")]
        config: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Staff credentials: PIN hashes for the config, signed staff QR codes.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// The screen on a device.
    Display {
        #[command(subcommand)]
        command: DisplayCommand,
    },
    /// Run the reference hall backend (interface v1) on a local address.
    HallSim {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Read a PIN from standard input and print its argon2 hash for `staff.pin_hashes`.
    HashPin,
    /// Print the text of a signed staff QR code (print it as a QR code on the badge).
    Code {
        /// The hex HMAC key file (the kiosk's `staff.qr_key_file`).
        #[arg(long)]
        key_file: PathBuf,
        /// Who the code names in the audit trail, e.g. a staff number.
        #[arg(long)]
        staff_id: String,
        /// How long the code is valid.
        #[arg(long, default_value_t = 12)]
        hours: u32,
    },
}

#[derive(Subcommand)]
enum DisplayCommand {
    /// Print the udev rule that calibrates the touch screen for `display.rotation` (or
    /// `display.touch_calibration`); install it as /etc/udev/rules.d/98-hall-kiosk-touch.rules.
    TouchRule {
        #[arg(long, default_value = "/etc/hall-kiosk/kiosk.toml")]
        config: PathBuf,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
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

#[derive(Subcommand)]
enum BackendCommand {
    /// Fetch the catalog, top up offline ticket blocks, send a heartbeat (exit 0 when reached).
    Sync {
        #[arg(long, default_value = "/etc/hall-kiosk/kiosk.toml")]
        config: PathBuf,
    },
}

#[derive(Subcommand)]
enum TicketCommand {
    /// Take a ticket through the touch screen's path: backend or offline block, outbox.
    Take {
        #[arg(long, default_value = "/etc/hall-kiosk/kiosk.toml")]
        config: PathBuf,
        #[arg(long)]
        category: String,
        /// elderly | disabled | pregnant | other
        #[arg(long)]
        priority: Option<String>,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Pending entries and dead letters.
    Status {
        #[arg(long, default_value = "/etc/hall-kiosk/kiosk.toml")]
        config: PathBuf,
    },
    /// Deliver until empty or the backend is unreachable (exit 0 only when empty).
    Flush {
        #[arg(long, default_value = "/etc/hall-kiosk/kiosk.toml")]
        config: PathBuf,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print "ok", or the file, line, column and key of the first error (exit 1).
    Check { file: PathBuf },
}

#[derive(clap::Args)]
struct ScreenshotArgs {
    /// The screen to render (see --list).
    #[arg(long, required_unless_present = "list")]
    screen: Option<String>,
    /// List every screen name.
    #[arg(long)]
    list: bool,
    #[arg(long, default_value = "zh-CN", value_parser = parse_locale)]
    locale: Locale,
    /// Render in elderly mode (长辈模式).
    #[arg(long)]
    elderly: bool,
    /// WIDTHxHEIGHT in pixels; 1920x1080 renders the landscape layout.
    #[arg(long, default_value = "1080x1920", value_parser = parse_size)]
    size: (u32, u32),
    /// Where to write the PNG.
    #[arg(long, required_unless_present = "list")]
    out: Option<PathBuf>,
    /// Take hall name and kiosk id from this config file.
    #[arg(long)]
    config: Option<PathBuf>,
}

fn parse_locale(s: &str) -> Result<Locale, String> {
    Locale::parse(s).ok_or_else(|| format!("{s:?} is not one of zh-CN, zh-TW, en"))
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once('x')
        .ok_or_else(|| format!("{s:?} is not WIDTHxHEIGHT"))?;
    let w: u32 = w.parse().map_err(|_| format!("bad width in {s:?}"))?;
    let h: u32 = h.parse().map_err(|_| format!("bad height in {s:?}"))?;
    if !(320..=7680).contains(&w) || !(320..=7680).contains(&h) {
        return Err(format!("{s:?}: each side must be 320..7680 pixels"));
    }
    Ok((w, h))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Config {
            command: ConfigCommand::Check { file },
        } => match Config::load(&file) {
            Ok(_) => {
                println!("ok");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Screenshot(args) => screenshot_cmd(args),
        Command::Device { command } => device_cmd(command),
        Command::Backend { command } => link_cmd(LinkCmd::Backend(command)),
        Command::Ticket { command } => link_cmd(LinkCmd::Ticket(command)),
        Command::Outbox { command } => link_cmd(LinkCmd::Outbox(command)),
        Command::HallSim { listen } => hall_sim(listen),
        Command::Staff { command } => staff_cmd(command),
        Command::Display {
            command: DisplayCommand::TouchRule { config },
        } => match Config::load(&config) {
            Ok(c) => {
                print!("{}", c.display.touch_rule());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Doctor { config, json } => {
            let checks = hall_kiosk::platform::doctor::run(&config);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&checks).unwrap_or_default()
                );
            } else {
                print!("{}", hall_kiosk::platform::doctor::table(&checks));
            }
            if hall_kiosk::platform::doctor::healthy(&checks) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Run { config } => {
            let config = match Config::load(&config) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            logging::init(config.log.level.as_deref());
            let services = match Services::start(&config, None) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            apply_rotation(&config);
            run_ui(ui_options(&config), services)
        }
        Command::Demo { data_dir, config } => {
            let config = match load_or_example(config.as_deref()) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            logging::init(config.log.level.as_deref());
            if let Err(e) = std::fs::create_dir_all(&data_dir) {
                return fail(format!("cannot create {}: {e}", data_dir.display()));
            }
            tracing::info!(data_dir = %data_dir.display(), "demo: simulated devices and built-in hall backend");
            let services = match Services::start(&config, Some(&data_dir)) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let mut options = ui_options(&config);
            if options.staff_pin_hashes.is_empty() {
                options.staff_pin_hashes = vec![hall_kiosk::app::demo::DEMO_PIN_HASH.into()];
            }
            run_ui(options, services)
        }
    }
}

fn staff_cmd(command: StaffCommand) -> ExitCode {
    match command {
        StaffCommand::HashPin => {
            let mut pin = String::new();
            if let Err(e) = std::io::stdin().read_line(&mut pin) {
                return fail(format!("cannot read the PIN: {e}"));
            }
            let pin = pin.trim();
            if pin.len() < 4 || pin.len() > 12 || !pin.bytes().all(|b| b.is_ascii_digit()) {
                return fail("a staff PIN is 4 to 12 digits (the pad has digits only)");
            }
            println!("{}", hall_kiosk::flows::staff::hash_pin(pin));
            ExitCode::SUCCESS
        }
        StaffCommand::Code {
            key_file,
            staff_id,
            hours,
        } => {
            if staff_id.is_empty()
                || staff_id.len() > 32
                || !staff_id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return fail("--staff-id: 1 to 32 letters, digits, '-' or '_'");
            }
            let key = match hall_kiosk::runtime::read_staff_key(&key_file) {
                Ok(k) => k,
                Err(e) => return fail(format!("{}: {e}", key_file.display())),
            };
            let expires =
                time::OffsetDateTime::now_utc().unix_timestamp() + i64::from(hours) * 3600;
            println!(
                "{}",
                key.signed(&format!("hk:staff:v1:{staff_id}:{expires}"))
            );
            ExitCode::SUCCESS
        }
    }
}

fn load_or_example(
    path: Option<&Path>,
) -> Result<Config, hall_kiosk::platform::config::ConfigError> {
    match path {
        Some(p) => Config::load(p),
        None => Config::parse(
            hall_kiosk::platform::config::EXAMPLE,
            Path::new("config/kiosk.toml (built in)"),
        ),
    }
}

fn ui_options(config: &Config) -> UiOptions {
    UiOptions {
        hall_name: config.kiosk.hall_name.clone(),
        kiosk_id: config.kiosk.id.clone(),
        locale: config.kiosk.locale,
        elderly_default: config.ui.elderly_default,
        idle_timeout_s: config.ui.idle_timeout_s,
        orientation: config.kiosk.orientation,
        utc_offset: config.utc_offset(),
        fixed_clock: None,
        opening_hours: hall_kiosk::platform::hours::OpeningHours::parse(&config.ui.opening_hours)
            .unwrap_or(hall_kiosk::platform::hours::OpeningHours::Always),
        staff_pin_hashes: config.staff.pin_hashes.clone(),
        staff_lockout: std::time::Duration::from_secs(config.staff.lockout_s),
        staff_idle_timeout_s: config.staff.idle_timeout_s,
        screen: screen_options(config),
    }
}

fn screen_options(config: &Config) -> hall_kiosk::app::screen::ScreenOptions {
    let d = &config.display;
    let backlight = match hall_kiosk::platform::backlight::Backlight::find(
        &d.backlight,
        Path::new("/sys"),
    ) {
        None => None,
        Some(Ok(b)) => Some(b),
        Some(Err(e)) => {
            tracing::warn!(backlight = %d.backlight, "backlight unusable, brightness fixed: {e}");
            None
        }
    };
    hall_kiosk::app::screen::ScreenOptions {
        rest_after_hours: d.blank_after_hours,
        rest_after: std::time::Duration::from_secs(u64::from(d.blank_idle_s)),
        backlight,
        brightness_percent: d.brightness_percent,
    }
}

/// The panel's mounting for the LinuxKMS backend, which reads it when it opens the display;
/// a value already in the environment (a technician trying one out) wins.
fn apply_rotation(config: &Config) {
    if config.display.rotation != 0 && std::env::var_os("SLINT_KMS_ROTATION").is_none() {
        // SAFETY (edition 2021: safe): called before the UI and the runtime start threads.
        std::env::set_var("SLINT_KMS_ROTATION", config.display.rotation.to_string());
    }
}

fn run_ui(options: UiOptions, services: Services) -> ExitCode {
    let kiosk = match Kiosk::new(options) {
        Ok(k) => k,
        Err(e) => return fail(format!("cannot open the display: {e}")),
    };
    use slint::ComponentHandle;
    kiosk
        .staff()
        .set_actions(std::rc::Rc::new(services.staff()));
    if let Some(reason) = hall_kiosk::live_staff::kept_out_of_service(&services.link) {
        tracing::info!(%reason, "out of service, as staff left it before the restart");
        kiosk.staff().show_out_of_service(true, &reason);
        kiosk.go_home();
    }
    let liveness = services.liveness.clone();
    let Services {
        runtime,
        link,
        desk,
        events,
        demo,
        ..
    } = services;
    if let Some(c) = link.catalog().or_else(|| {
        demo.as_ref()
            .and_then(|_| serde_json::from_str(hall_link::sim::SAMPLE_CATALOG).ok())
    }) {
        kiosk.set_catalog(&c);
    }
    kiosk.attach(std::rc::Rc::new(desk), events);
    if let Some(world) = &demo {
        hall_kiosk::app::demo::enable(&kiosk, world);
    }
    kiosk.pump();
    log_first_frame(&kiosk);
    // Ready once the event loop runs and has drawn the home screen; the watchdog is fed
    // from the same loop, so a hung UI thread stops feeding it and systemd restarts us, and
    // only while every background task shows life, so a hung task does too.
    slint::Timer::single_shot(std::time::Duration::from_millis(0), systemd::ready);
    let watchdog = slint::Timer::default();
    if let Some(every) = systemd::watchdog_interval() {
        tracing::info!(tasks = ?liveness.names(), "watchdog waits on the UI loop and these tasks");
        let said = std::cell::Cell::new(false);
        watchdog.start(slint::TimerMode::Repeated, every, move || {
            let stale = liveness.stale();
            if stale.is_empty() {
                said.set(false);
                systemd::watchdog_ping();
            } else if !said.replace(true) {
                tracing::error!(target: "alert", ?stale, "a background task is hung: the watchdog is no longer fed and systemd will restart the kiosk");
            }
        });
    }
    let result = kiosk.window().run();
    let restart = kiosk.restart_requested();
    link.shutdown();
    drop(demo);
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(()) if restart => restart_self(),
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(format!("the UI stopped: {e}")),
    }
}

/// Staff asked for a restart. Under systemd, exiting is enough (`Restart=always`); the demo
/// and a kiosk run by hand start themselves again, with the same arguments.
fn restart_self() -> ExitCode {
    tracing::info!(target: "audit", "restarting at staff's request");
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

/// Logs when the UI is up, counted from the process start (the kernel's start time of this
/// process, so loading the binary counts too): the start-up benchmark (scripts/bench-startup)
/// reads this line. The software renderer has no rendering notifier, so at the event loop's
/// first tick the benchmark has a full frame rendered (a snapshot) and logs after it: an
/// upper bound on the first frame, which the loop drew in the same or an earlier iteration.
fn log_first_frame(kiosk: &hall_kiosk::app::Kiosk) {
    use slint::ComponentHandle;
    let bench = std::env::var_os("HALL_KIOSK_BENCH_STARTUP").is_some();
    let window = kiosk.window().as_weak();
    slint::Timer::single_shot(std::time::Duration::ZERO, move || {
        if bench {
            if let Some(w) = window.upgrade() {
                let _ = w.window().take_snapshot();
            }
        }
        match since_process_start() {
            Some(ms) => tracing::info!(target: "perf", ms, "first frame rendered"),
            None => tracing::info!(target: "perf", "first frame rendered"),
        }
    });
}

/// Milliseconds since this process started, from /proc (10 ms resolution).
fn since_process_start() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Field 22 (starttime, in clock ticks after boot) follows the parenthesised name.
    let after_name = stat.rsplit_once(')')?.1;
    let start_ticks: u64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Some(((uptime - start_ticks as f64 / hz) * 1000.0).max(0.0) as u64)
}

fn screenshot_cmd(args: ScreenshotArgs) -> ExitCode {
    if args.list {
        for s in hall_kiosk::app::screens::SCREENS {
            println!("{s}");
        }
        return ExitCode::SUCCESS;
    }
    let config = match load_or_example(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let (width, height) = args.size;
    let opts = ScreenshotOptions {
        screen: args.screen.unwrap_or_default(),
        locale: args.locale,
        elderly: args.elderly,
        width,
        height,
        ui: ui_options(&config),
    };
    let out = args.out.unwrap_or_default();
    match screenshot::render(&opts).and_then(|f| screenshot::write_png(&f, &out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn device_cmd(command: DeviceCommand) -> ExitCode {
    match command {
        DeviceCommand::Idcard { command } => kiosk_drivers::idcard::cli::run(command),
        DeviceCommand::Scanner { command } => kiosk_drivers::scanner::cli::run(command),
        DeviceCommand::Printer { command } => {
            // The test page names the kiosk: the device's configured id when there is one.
            let id = Config::load(Path::new("/etc/hall-kiosk/kiosk.toml"))
                .map(|c| c.kiosk.id)
                .unwrap_or_else(|_| "-".into());
            kiosk_drivers::printer::cli::run(command, &id)
        }
        DeviceCommand::Probe => {
            let found = hall_kiosk::platform::probe::probe(Path::new("/sys"));
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
            ExitCode::SUCCESS
        }
    }
}

enum LinkCmd {
    Backend(BackendCommand),
    Ticket(TicketCommand),
    Outbox(OutboxCommand),
}

fn link_for(config: &Path) -> Result<(hall_link::HallLink, Config), String> {
    let config = Config::load(config).map_err(|e| e.to_string())?;
    let token = config.read_token().map_err(|e| e.to_string())?;
    let mut s = hall_link::LinkSettings::new(
        &config.kiosk.id,
        &config.backend.url,
        &token,
        config.kiosk.data_dir.clone(),
    );
    s.timeout = std::time::Duration::from_millis(config.backend.timeout_ms);
    s.ca_file = config.backend.ca_file.clone();
    s.hall_utc_offset = config.utc_offset();
    let link = hall_link::HallLink::open(s).map_err(|e| e.to_string())?;
    Ok((link, config))
}

fn link_cmd(cmd: LinkCmd) -> ExitCode {
    let path = match &cmd {
        LinkCmd::Backend(BackendCommand::Sync { config })
        | LinkCmd::Ticket(TicketCommand::Take { config, .. })
        | LinkCmd::Outbox(OutboxCommand::Status { config })
        | LinkCmd::Outbox(OutboxCommand::Flush { config }) => config.clone(),
    };
    let (link, _config) = match link_for(&path) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    rt.block_on(async move {
        match cmd {
            LinkCmd::Backend(BackendCommand::Sync { .. }) => match link.sync().await {
                Ok(()) => {
                    let st = link.status();
                    println!(
                        "ok: catalog {}, offline numbers {:?}",
                        st.catalog_version.unwrap_or_default(),
                        st.offline_left
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            },
            LinkCmd::Ticket(TicketCommand::Take { category, priority, .. }) => {
                let priority = match priority.as_deref() {
                    None => None,
                    Some("elderly") => Some(hall_link::api::Priority::Elderly),
                    Some("disabled") => Some(hall_link::api::Priority::Disabled),
                    Some("pregnant") => Some(hall_link::api::Priority::Pregnant),
                    Some("other") => Some(hall_link::api::Priority::Other),
                    Some(p) => return fail(format!("unknown priority {p:?}: elderly, disabled, pregnant or other")),
                };
                let req = hall_link::api::TicketRequest {
                    category,
                    source: hall_link::api::Source::WalkIn,
                    priority,
                    applicant: None,
                };
                match link.take_ticket(req).await {
                    Ok(t) => {
                        println!(
                            "{}",
                            serde_json::json!({
                                "ticket_no": t.ticket.ticket_no, "category": t.ticket.category,
                                "offline": t.offline, "waiting_ahead": t.ticket.waiting_ahead,
                                "est_wait_min": t.ticket.est_wait_min, "issued_at": t.ticket.issued_at,
                            })
                        );
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(format!("no ticket issued: {e}")),
                }
            }
            LinkCmd::Outbox(OutboxCommand::Status { .. }) => {
                let st = link.status();
                println!("pending {}  dead {}", st.outbox.pending, st.outbox.dead);
                for e in link.dead_letters().unwrap_or_default() {
                    println!("dead  {}  {}  {}", e.key, e.kind, e.last_error.unwrap_or_default());
                }
                ExitCode::SUCCESS
            }
            LinkCmd::Outbox(OutboxCommand::Flush { .. }) => match link.flush().await {
                Ok(true) => {
                    println!("ok: outbox empty");
                    ExitCode::SUCCESS
                }
                Ok(false) => fail(format!(
                    "outbox not empty ({} pending): backend unreachable",
                    link.status().outbox.pending
                )),
                Err(e) => fail(e),
            },
        }
    })
}

fn hall_sim(listen: std::net::SocketAddr) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    rt.block_on(async {
        let opts = hall_link::sim::SimOptions {
            listen,
            ..Default::default()
        };
        match hall_link::sim::HallSim::spawn(opts).await {
            Ok(sim) => {
                println!(
                    "hall-sim: serving interface v1 at {} (token: demo-token)",
                    sim.url()
                );
                let _ = tokio::signal::ctrl_c().await;
                ExitCode::SUCCESS
            }
            Err(e) => fail(format!("cannot listen on {listen}: {e}")),
        }
    })
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("kiosk: {e}");
    ExitCode::FAILURE
}
