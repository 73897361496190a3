//! `kiosk device idcard ...` for technicians.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::reader::{CardReader, SerialCardReader};

#[derive(Debug, clap::Subcommand)]
pub enum IdcardCommand {
    /// Wait for a card and print it (ID number masked unless --reveal).
    Read {
        #[arg(long)]
        port: String,
        #[arg(long, default_value_t = 115_200)]
        baud: u32,
        /// Seconds to wait for a card.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        #[arg(long)]
        json: bool,
        /// Print the ID number whole (for technicians checking a reader; never in logs).
        #[arg(long)]
        reveal: bool,
    },
    /// Print the reader's SAM id and status.
    Sam {
        #[arg(long)]
        port: String,
        #[arg(long, default_value_t = 115_200)]
        baud: u32,
    },
}

pub fn run(cmd: IdcardCommand) -> ExitCode {
    match cmd {
        IdcardCommand::Read {
            port,
            baud,
            timeout,
            json,
            reveal,
        } => {
            let mut reader = match SerialCardReader::open(&port, baud) {
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
        IdcardCommand::Sam { port, baud } => {
            let mut reader = match SerialCardReader::open(&port, baud) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            let id = match reader.sam_id() {
                Ok(id) => id,
                Err(e) => return fail(e),
            };
            let status = match reader.sam_status() {
                Ok(()) => "ok".to_string(),
                Err(e) => e.to_string(),
            };
            println!("SAM id: {id}\nstatus: {status}");
            ExitCode::SUCCESS
        }
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("idcard: {e}");
    ExitCode::FAILURE
}
