//! `kiosk device idcard ...` for technicians.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::reader::{CardReader, SerialCardReader};

#[derive(Debug, clap::Subcommand)]
pub enum IdcardCommand {
    /// Wait for a card and print it (ID number masked unless --reveal).
    /// Example: kiosk device idcard read --timeout 30 --json
    Read {
        /// The reader's serial device (under `kiosk`: the config's port when omitted).
        #[arg(long)]
        port: Option<String>,
        /// Serial speed [default: 115200, or the config's].
        #[arg(long)]
        baud: Option<u32>,
        /// Seconds to wait for a card.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        /// One JSON object instead of lines.
        #[arg(long)]
        json: bool,
        /// Print the ID number whole (for technicians checking a reader; never in logs).
        #[arg(long)]
        reveal: bool,
    },
    /// Print the reader's SAM id and status (exit 1 when the reader does not answer or
    /// its SAM reports a fault).
    /// Example: kiosk device idcard status --json
    #[command(alias = "sam")]
    Status {
        /// The reader's serial device (under `kiosk`: the config's port when omitted).
        #[arg(long)]
        port: Option<String>,
        /// Serial speed [default: 115200, or the config's].
        #[arg(long)]
        baud: Option<u32>,
        /// One JSON object: port, sam_id, ok, error.
        #[arg(long)]
        json: bool,
    },
}

const BAUD: u32 = 115_200;
const NO_PORT: &str = "no --port given (and no kiosk config naming the reader's port)";

pub fn run(cmd: IdcardCommand) -> ExitCode {
    match cmd {
        IdcardCommand::Read {
            port,
            baud,
            timeout,
            json,
            reveal,
        } => {
            let Some(port) = port else {
                return fail(NO_PORT);
            };
            let mut reader = match SerialCardReader::open(&port, baud.unwrap_or(BAUD)) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            let deadline = Instant::now() + Duration::from_secs(timeout);
            loop {
                match reader.find() {
                    Ok(true) => match reader.read() {
                        Ok(card) => {
                            let mut v = card.to_json(reveal);
                            // The address written on the back after a move, when there is one.
                            if let Ok(Some(a)) = reader.read_new_address() {
                                v["new_address"] = serde_json::Value::String(a);
                            }
                            if json {
                                println!("{v}");
                            } else {
                                for (k, val) in v.as_object().into_iter().flatten() {
                                    println!(
                                        "{k:<16} {}",
                                        val.as_str()
                                            .map(str::to_string)
                                            .unwrap_or_else(|| val.to_string())
                                    );
                                }
                            }
                            return ExitCode::SUCCESS;
                        }
                        Err(e) if e.is_offline() => return fail(e),
                        Err(e) => eprintln!("idcard: {e}; hold the card still"),
                    },
                    Ok(false) => {}
                    Err(e) if e.is_offline() => return fail(e),
                    Err(e) => {
                        if Instant::now() >= deadline {
                            return fail(e);
                        }
                    }
                }
                if Instant::now() >= deadline {
                    return fail(format!(
                        "no card was placed on the reader at {port} within {timeout} s"
                    ));
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        }
        IdcardCommand::Status { port, baud, json } => {
            let Some(port) = port else {
                return fail(NO_PORT);
            };
            let answer = SerialCardReader::open(&port, baud.unwrap_or(BAUD))
                .and_then(|mut r| Ok((r.sam_id()?, r.sam_status().err())));
            let (sam_id, error) = match answer {
                Ok((id, fault)) => (Some(id), fault.map(|e| e.to_string())),
                Err(e) => (None, Some(e.to_string())),
            };
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "port": port,
                        "sam_id": sam_id,
                        "ok": error.is_none(),
                        "error": error,
                    })
                );
            } else {
                println!("port    {port}");
                println!("SAM id  {}", sam_id.as_deref().unwrap_or("-"));
                println!("status  {}", error.as_deref().unwrap_or("ok"));
            }
            if error.is_none() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("idcard: {e}");
    ExitCode::FAILURE
}
