//! `kiosk device scanner ...`: read codes from a scanner, decode image files, scan with a
//! camera. Errors go to stderr as one sentence naming the port or file, with exit code 1.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::frames::decode_files;
use super::hid::KeyLayout;
use super::line::Terminator;
use super::{spawn_scanner, ScannerConfig, ScannerEvent};

#[derive(Debug, clap::Subcommand)]
pub enum ScannerCommand {
    /// Print each code read from a serial scanner (a path) or a HID scanner (hid:PATH).
    /// Example: kiosk device scanner read --count 1 --timeout 30 --json
    Read(ReadArgs),
    /// Decode QR codes in PNG/JPEG files: one line per file.
    Decode(DecodeArgs),
    /// Scan codes with a V4L2 camera (or images:FILE,... for a camera made of images).
    Camera(CameraArgs),
    /// Open the scanner's device and say whether it can be read (a scanner says nothing
    /// until a code is shown, so opening it is what can be checked unattended; exit 1
    /// when it cannot be opened).
    /// Example: kiosk device scanner status --json
    Status(StatusArgs),
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Serial device, hid:PATH or camera:PATH (under `kiosk`: the config's port when
    /// omitted).
    #[arg(long)]
    pub port: Option<String>,
    /// Serial speed [default: 9600, or the config's].
    #[arg(long)]
    pub baud: Option<u32>,
    /// One JSON object: port, ok, error.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// Serial device (/dev/ttyACM0, a pty) or hid:/dev/input/by-id/... (under `kiosk`:
    /// the config's port when omitted).
    #[arg(long)]
    pub port: Option<String>,
    /// Serial speed [default: 9600, or the config's].
    #[arg(long)]
    pub baud: Option<u32>,
    /// Stop after this many codes.
    #[arg(long)]
    pub count: Option<usize>,
    /// Stop after this many seconds (an error if --count codes did not arrive by then).
    #[arg(long)]
    pub timeout: Option<f64>,
    /// One JSON object per line: {"payload": ..., "source": ...}.
    #[arg(long)]
    pub json: bool,
    /// What ends a code on the wire.
    #[arg(long, value_enum, default_value_t = Terminator::Cr)]
    pub terminator: Terminator,
    /// Key map of a HID scanner.
    #[arg(long, value_enum, default_value_t = KeyLayout::Us)]
    pub layout: KeyLayout,
}

#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// PNG or JPEG files.
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    /// One JSON object per file: {"file": ..., "payloads": [...]}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct CameraArgs {
    /// V4L2 device, or images:a.png,b.jpg.
    #[arg(long, default_value = "/dev/video0")]
    pub device: String,
    /// Stop after this many codes.
    #[arg(long)]
    pub count: Option<usize>,
    /// Stop after this many seconds.
    #[arg(long)]
    pub timeout: Option<f64>,
    /// One JSON object per line: {"payload": ..., "source": ...}.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: ScannerCommand) -> ExitCode {
    run_with(cmd, &mut std::io::stdout().lock(), &mut std::io::stderr())
}

/// [`run`] writing to the given streams (for tests).
pub fn run_with(cmd: ScannerCommand, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    match cmd {
        ScannerCommand::Read(a) => {
            let Some(port) = a.port else {
                return fail(err, NO_PORT);
            };
            let mut cfg = ScannerConfig::new(port);
            cfg.baud = a.baud.unwrap_or(BAUD);
            cfg.terminator = a.terminator;
            cfg.hid_layout = a.layout;
            read_codes(cfg, a.count, a.timeout, a.json, out, err)
        }
        ScannerCommand::Camera(a) => {
            let port = if a.device.starts_with("images:") {
                a.device
            } else {
                format!("camera:{}", a.device)
            };
            read_codes(
                ScannerConfig::new(port),
                a.count,
                a.timeout,
                a.json,
                out,
                err,
            )
        }
        ScannerCommand::Decode(a) => decode(&a.images, a.json, out, err),
        ScannerCommand::Status(a) => status(a, out, err),
    }
}

const BAUD: u32 = 9600;
const NO_PORT: &str = "no --port given (and no kiosk config naming the scanner's port)";

fn status(a: StatusArgs, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let Some(port) = a.port else {
        return fail(err, NO_PORT);
    };
    let mut cfg = ScannerConfig::new(port.clone());
    cfg.baud = a.baud.unwrap_or(BAUD);
    let error = super::open_device(&cfg)
        .and_then(|mut d| d.open())
        .err()
        .map(|e| e.to_string());
    let line = if a.json {
        serde_json::json!({ "port": port, "ok": error.is_none(), "error": error }).to_string()
    } else {
        format!(
            "{port}: {}",
            error
                .as_deref()
                .unwrap_or("opens; show it a code to test reading")
        )
    };
    let _ = writeln!(out, "{line}");
    if error.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn fail(err: &mut dyn Write, msg: impl std::fmt::Display) -> ExitCode {
    let _ = writeln!(err, "{msg}");
    ExitCode::FAILURE
}

fn read_codes(
    cfg: ScannerConfig,
    count: Option<usize>,
    timeout: Option<f64>,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let timeout = match timeout {
        None => None,
        Some(t) if t.is_finite() && t > 0.0 && t < 1e9 => Some(Duration::from_secs_f64(t)),
        Some(t) => {
            return fail(
                err,
                format!("--timeout {t} is not a positive number of seconds"),
            )
        }
    };
    if count == Some(0) {
        return ExitCode::SUCCESS;
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(err, format!("cannot start the async runtime: {e}")),
    };
    let port = cfg.port.clone();
    let (mut rx, _handle) = spawn_scanner(cfg);
    rt.block_on(async move {
        let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
        let mut seen = 0usize;
        let mut opened = false;
        loop {
            let ev = match deadline {
                Some(d) => match tokio::time::timeout_at(d, rx.recv()).await {
                    Ok(ev) => ev,
                    Err(_) => {
                        return match count {
                            Some(n) if seen < n => fail(
                                err,
                                format!(
                                "scanner {port}: timed out after {:.1} s with {seen} of {n} codes",
                                timeout.unwrap_or_default().as_secs_f64()
                            ),
                            ),
                            _ => ExitCode::SUCCESS,
                        };
                    }
                },
                None => rx.recv().await,
            };
            match ev {
                None => return fail(err, format!("scanner {port} stopped")),
                Some(ScannerEvent::Back) => opened = true,
                Some(ScannerEvent::Offline(why)) if !opened => return fail(err, why),
                Some(ScannerEvent::Offline(why)) => {
                    let _ = writeln!(err, "{why}; waiting for it to come back");
                }
                Some(ScannerEvent::Rejected(r)) => {
                    let _ = writeln!(err, "scanner {port}: {r}");
                }
                Some(ScannerEvent::Scanned(s)) => {
                    let line = if json {
                        serde_json::json!({ "payload": s.payload, "source": s.source }).to_string()
                    } else {
                        s.payload
                    };
                    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                        // stdout closed (a pipe to `head`): nothing more to do.
                        return ExitCode::SUCCESS;
                    }
                    seen += 1;
                    if count.is_some_and(|n| seen >= n) {
                        return ExitCode::SUCCESS;
                    }
                }
            }
        }
    })
}

fn decode(files: &[PathBuf], json: bool, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let mut ok = true;
    for (file, result) in decode_files(files) {
        match result {
            Ok(codes) => {
                let payloads: Vec<&str> = codes.iter().map(|c| c.payload.as_str()).collect();
                let line = if json {
                    serde_json::json!({ "file": file.display().to_string(), "payloads": payloads })
                        .to_string()
                } else if payloads.is_empty() {
                    format!("{}: no QR code found", file.display())
                } else {
                    format!("{}: {}", file.display(), payloads.join(" | "))
                };
                let _ = writeln!(out, "{line}");
            }
            Err(e) => {
                ok = false;
                let _ = writeln!(err, "{e}");
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
