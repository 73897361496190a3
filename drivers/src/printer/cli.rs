//! `kiosk device printer ...` for technicians.

use std::path::PathBuf;
use std::process::ExitCode;

use super::device::{EscPosPrinter, PortSpec, ReceiptPrinter};
use super::layout::{self, PaperWidth, Profile};
use super::sim::PrinterSimulator;
use super::status::Paper;
use super::{document, render, text::TextEncoding};

#[derive(Debug, clap::Subcommand)]
pub enum PrinterCommand {
    /// Query the status, then print a test page (打印测试) with Chinese text, a rare
    /// character and a QR code. Paper out or no answer: exit 1, nothing printed.
    /// Example: kiosk device printer test
    Test {
        /// /dev/ttyUSB1, /dev/usb/lp0 or tcp:HOST:9100 (under `kiosk`: the config's port
        /// when omitted).
        #[arg(long)]
        port: Option<String>,
        /// Serial speed [default: 115200, or the config's].
        #[arg(long)]
        baud: Option<u32>,
        /// Paper width in mm: 58 or 80.
        #[arg(long, default_value_t = 80, value_parser = parse_width)]
        width: u8,
        /// The printer's text encoding.
        #[arg(long, value_enum, default_value_t = TextEncoding::Gb18030)]
        encoding: TextEncoding,
        /// Kiosk id printed on the page (default: the config's kiosk.id).
        #[arg(long)]
        kiosk_id: Option<String>,
    },
    /// Print the decoded status (正常 / 纸将尽 / 缺纸 / 纸仓盖打开 / 打印机故障 / 脱机).
    /// Example: kiosk device printer status --json
    Status {
        /// /dev/ttyUSB1, /dev/usb/lp0 or tcp:HOST:9100 (under `kiosk`: the config's port
        /// when omitted).
        #[arg(long)]
        port: Option<String>,
        /// Serial speed [default: 115200, or the config's].
        #[arg(long)]
        baud: Option<u32>,
        /// One JSON object: condition, online, cover_open, paper, error.
        #[arg(long)]
        json: bool,
    },
    /// Run a simulated printer on a pseudo-terminal until Ctrl-C; prints the path to use as
    /// --port and saves every cut page as PNG in --out.
    Sim {
        /// The directory every cut page is saved to as PNG.
        #[arg(long)]
        out: PathBuf,
        /// Paper width in mm: 58 or 80.
        #[arg(long, default_value_t = 80, value_parser = parse_width)]
        width: u8,
        /// The paper the simulated printer reports.
        #[arg(long, value_enum, default_value_t = PaperArg::Ok)]
        paper: PaperArg,
    },
    /// Render captured ESC/POS bytes to PNG (one file per cut page: PAGE.png, PAGE-2.png…).
    Render {
        /// The captured ESC/POS bytes.
        file: PathBuf,
        /// The first page's PNG (later pages get -2, -3, ...).
        #[arg(long)]
        out: PathBuf,
        /// Paper width in mm: 58 or 80.
        #[arg(long, default_value_t = 80, value_parser = parse_width)]
        width: u8,
    },
}

/// The printer at `--port` (or the kiosk's configured one), or the exit code that says why not.
fn open(port: Option<String>, baud: Option<u32>) -> Result<EscPosPrinter, ExitCode> {
    let port = port.ok_or_else(|| fail(NO_PORT))?;
    EscPosPrinter::open(PortSpec::parse(&port, baud.unwrap_or(BAUD))).map_err(fail)
}

/// The paper states a simulated printer can report.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PaperArg {
    Ok,
    NearEnd,
    Out,
}

const BAUD: u32 = 115_200;
const NO_PORT: &str = "no --port given (and no kiosk config naming the printer's port)";

/// Runs a printer command; `kiosk_id` is the configured kiosk id, for the test page.
pub fn run(cmd: PrinterCommand, kiosk_id: &str) -> ExitCode {
    match cmd {
        PrinterCommand::Test {
            port,
            baud,
            width,
            encoding,
            kiosk_id: id,
        } => {
            let profile = Profile {
                width: PaperWidth::from_mm(width).unwrap_or_default(),
                encoding,
                ..Profile::default()
            };
            let now = time::OffsetDateTime::now_local()
                .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
            let stamp = now
                .format(time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute]:[second]"
                ))
                .unwrap_or_default();
            let job = match layout::test_page(profile, id.as_deref().unwrap_or(kiosk_id), &stamp) {
                Ok(j) => j,
                Err(e) => return fail(e),
            };
            let mut printer = match open(port, baud) {
                Ok(p) => p,
                Err(code) => return code,
            };
            match printer.print(&job) {
                Ok(report) => {
                    println!(
                        "printed test page: {} bytes; printer now {} / {}",
                        report.bytes,
                        report
                            .after
                            .map(|s| s.condition().zh())
                            .unwrap_or("状态未知"),
                        report
                            .after
                            .map(|s| s.condition().as_str())
                            .unwrap_or("status unknown")
                    );
                    if report.maybe_incomplete() {
                        eprintln!(
                            "printer: paper ran out during the page (缺纸): it may be cut short"
                        );
                        return ExitCode::FAILURE;
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        PrinterCommand::Status { port, baud, json } => {
            let mut printer = match open(port, baud) {
                Ok(p) => p,
                Err(code) => return code,
            };
            match printer.status() {
                Ok(s) => {
                    if json {
                        println!(
                            "{}",
                            serde_json::json!({
                                "condition": s.condition().as_str(),
                                "online": s.online,
                                "cover_open": s.cover_open,
                                "paper": s.paper,
                                "error": s.error,
                            })
                        );
                    } else {
                        println!("{} / {}", s.condition().zh(), s.condition().en());
                        println!("online      {}", s.online);
                        println!("cover_open  {}", s.cover_open);
                        println!("paper       {:?}", s.paper);
                        println!("error       {}", s.error);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        PrinterCommand::Sim { out, width, paper } => {
            let paper = match paper {
                PaperArg::Ok => Paper::Ok,
                PaperArg::NearEnd => Paper::NearEnd,
                PaperArg::Out => Paper::Out,
            };
            let width = PaperWidth::from_mm(width).unwrap_or_default();
            let sim = match PrinterSimulator::spawn(width, Some(out.clone())) {
                Ok(s) => s,
                Err(e) => return fail(format!("cannot start the simulator: {e}")),
            };
            sim.set_paper(paper);
            println!("{}", sim.path());
            eprintln!(
                "printer simulator on {} ({} mm); pages go to {}; Ctrl-C stops it",
                sim.path(),
                if width == PaperWidth::Mm58 { 58 } else { 80 },
                out.display()
            );
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let _ = ctrlc_wait(tx);
            let _ = rx.recv();
            ExitCode::SUCCESS
        }
        PrinterCommand::Render { file, out, width } => {
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) => return fail(format!("cannot read {}: {e}", file.display())),
            };
            let pages = document::pages_of(&bytes);
            if pages.is_empty() {
                return fail(format!("{}: no printable content", file.display()));
            }
            let dots = PaperWidth::from_mm(width).unwrap_or_default().dots();
            for (i, page) in pages.iter().enumerate() {
                let path = if i == 0 {
                    out.clone()
                } else {
                    let stem = out.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
                    out.with_file_name(format!("{stem}-{}.png", i + 1))
                };
                if let Err(e) = render::save_png(&render::render(page, dots), &path) {
                    return fail(format!("cannot write {}: {e}", path.display()));
                }
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
        }
    }
}

/// Sends on `tx` when SIGINT or SIGTERM arrives.
fn ctrlc_wait(tx: std::sync::mpsc::Sender<()>) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        rt.block_on(async {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(t) => t,
                    Err(_) => return,
                };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            let _ = tx.send(());
        })
    });
    Ok(())
}

fn parse_width(s: &str) -> Result<u8, String> {
    match s {
        "58" => Ok(58),
        "80" => Ok(80),
        _ => Err(format!("paper width is 58 or 80 (mm), not {s}")),
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("printer: {e}");
    ExitCode::FAILURE
}
