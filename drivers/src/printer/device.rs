//! The printer on its wire: serial (USB-serial adapters, the simulator's pty), the USB
//! printer class device (`/dev/usb/lp0`), or a network printer's raw port (`tcp:HOST:9100`).
//!
//! Every job is checked against the printer's status first and refused whole when the
//! printer cannot print it, so a citizen is never told "take your ticket" while nothing comes
//! out, and nothing is left in the printer's buffer to come out later for someone else.
//! Refused jobs are not queued: when paper comes back, nothing old is printed.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use super::layout::Job;
use super::status::{self, BadStatusByte, PrinterStatus, RealTimeBytes};

/// Where the printer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    Serial { path: String, baud: u32 },
    UsbLp { path: String },
    Tcp { addr: String },
}

impl PortSpec {
    /// "tcp:HOST:PORT", "/dev/usb/lpN", or a serial device path.
    pub fn parse(port: &str, baud: u32) -> PortSpec {
        if let Some(addr) = port.strip_prefix("tcp:") {
            PortSpec::Tcp { addr: addr.into() }
        } else if port.starts_with("/dev/usb/lp") || port.starts_with("usblp:") {
            PortSpec::UsbLp {
                path: port.trim_start_matches("usblp:").into(),
            }
        } else {
            PortSpec::Serial {
                path: port.into(),
                baud,
            }
        }
    }

    pub fn name(&self) -> String {
        match self {
            PortSpec::Serial { path, .. } | PortSpec::UsbLp { path } => path.clone(),
            PortSpec::Tcp { addr } => format!("tcp:{addr}"),
        }
    }

    /// Bytes per second on the wire (network and USB are not the bottleneck).
    fn bytes_per_s(&self) -> u64 {
        match self {
            PortSpec::Serial { baud, .. } => (*baud as u64 / 10).max(1),
            _ => 1_000_000,
        }
    }
}

/// Why the printer did not print. `kind()` is stable, for the UI's wording and for logs.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("cannot open printer {port}: {reason}")]
    Open { port: String, reason: String },
    #[error("printer {port} lost during the job: {reason}")]
    Lost { port: String, reason: String },
    /// Neither DLE EOT nor GS r was answered in time.
    #[error("printer {port}: status unknown (no answer to status requests)")]
    StatusUnknown { port: String },
    #[error("printer {port} answered garbage to a status request: {source}")]
    BadStatus { port: String, source: BadStatusByte },
    /// The printer said it cannot print (paper out, cover open, error, offline).
    #[error("printer not ready: {} / {}", .0.condition().zh(), .0.condition().en())]
    NotReady(PrinterStatus),
}

impl PrintError {
    pub fn kind(&self) -> &'static str {
        match self {
            PrintError::Open { .. } | PrintError::Lost { .. } => "offline",
            PrintError::StatusUnknown { .. } | PrintError::BadStatus { .. } => "status_unknown",
            PrintError::NotReady(s) => s.condition().as_str(),
        }
    }

    pub fn is_paper_out(&self) -> bool {
        matches!(self, PrintError::NotReady(s) if s.paper == status::Paper::Out)
    }
}

/// What happened to a printed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintReport {
    pub before: PrinterStatus,
    /// The status once the job was sent; None when the printer stopped answering.
    pub after: Option<PrinterStatus>,
    pub bytes: usize,
}

impl PrintReport {
    /// Paper ran out during the job: the end of it may be missing.
    pub fn maybe_incomplete(&self) -> bool {
        self.after.is_some_and(|s| s.paper == status::Paper::Out)
    }

    pub fn paper_low(&self) -> bool {
        [Some(self.before), self.after]
            .iter()
            .flatten()
            .any(|s| s.paper == status::Paper::NearEnd)
    }
}

/// A receipt printer.
pub trait ReceiptPrinter: Send {
    fn status(&mut self) -> Result<PrinterStatus, PrintError>;
    /// Prints `job` if the printer can print it now; never partly sends a refused job.
    fn print(&mut self, job: &Job) -> Result<PrintReport, PrintError>;
    fn name(&self) -> String;
}

trait Wire: Read + Write + Send {}
impl<T: Read + Write + Send> Wire for T {}

/// How long a printer gets to answer a status request. Real printers answer DLE EOT within
/// a few milliseconds, even mid-job; a printer that has not answered in this time will not.
const STATUS_TIMEOUT: Duration = Duration::from_millis(400);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusCommand {
    DleEot,
    GsR,
}

/// An ESC/POS printer on one of the transports.
pub struct EscPosPrinter {
    spec: PortSpec,
    wire: Option<Box<dyn Wire>>,
    /// TCP: a read of 0 bytes means the peer closed.
    eof_is_lost: bool,
    backoff: Duration,
    next_open: Option<Instant>,
    status_command: StatusCommand,
}

fn would_block(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::TimedOut
            | std::io::ErrorKind::WouldBlock
            | std::io::ErrorKind::Interrupted
    )
}

impl EscPosPrinter {
    /// Makes the driver; the port is opened on first use and reopened after an unplug.
    pub fn new(spec: PortSpec) -> EscPosPrinter {
        EscPosPrinter {
            spec,
            wire: None,
            eof_is_lost: false,
            backoff: Duration::from_millis(250),
            next_open: None,
            status_command: StatusCommand::DleEot,
        }
    }

    /// Opens now, for the CLI (which wants the open error itself).
    pub fn open(spec: PortSpec) -> Result<EscPosPrinter, PrintError> {
        let mut p = EscPosPrinter::new(spec);
        p.ensure_open()?;
        Ok(p)
    }

    fn open_wire(&self) -> std::io::Result<(Box<dyn Wire>, bool)> {
        match &self.spec {
            PortSpec::Serial { path, baud } => {
                let port = serialport::new(path, *baud)
                    .timeout(Duration::from_millis(20))
                    .open()
                    .map_err(std::io::Error::from)?;
                Ok((Box::new(port), false))
            }
            PortSpec::UsbLp { path } => {
                use std::os::unix::fs::OpenOptionsExt;
                let f = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .custom_flags(libc::O_NONBLOCK)
                    .open(path)?;
                Ok((Box::new(f), false))
            }
            PortSpec::Tcp { addr } => {
                use std::net::ToSocketAddrs;
                let sa = addr
                    .to_socket_addrs()?
                    .next()
                    .ok_or_else(|| std::io::Error::other("no address"))?;
                let s = std::net::TcpStream::connect_timeout(&sa, Duration::from_secs(2))?;
                s.set_read_timeout(Some(Duration::from_millis(20)))?;
                s.set_write_timeout(Some(Duration::from_secs(2)))?;
                s.set_nodelay(true)?;
                Ok((Box::new(s), true))
            }
        }
    }

    fn ensure_open(&mut self) -> Result<(), PrintError> {
        if self.wire.is_some() {
            return Ok(());
        }
        if let Some(t) = self.next_open {
            if Instant::now() < t {
                return Err(PrintError::Open {
                    port: self.spec.name(),
                    reason: "not back yet (retrying)".into(),
                });
            }
        }
        match self.open_wire() {
            Ok((w, eof)) => {
                self.wire = Some(w);
                self.eof_is_lost = eof;
                self.backoff = Duration::from_millis(250);
                self.next_open = None;
                tracing::info!(printer = %self.spec.name(), "printer port open");
                Ok(())
            }
            Err(e) => {
                self.next_open = Some(Instant::now() + self.backoff);
                self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
                Err(PrintError::Open {
                    port: self.spec.name(),
                    reason: e.to_string(),
                })
            }
        }
    }

    fn lost(&mut self, e: std::io::Error) -> PrintError {
        self.wire = None;
        self.next_open = Some(Instant::now() + self.backoff);
        tracing::warn!(printer = %self.spec.name(), error = %e, "printer port lost");
        PrintError::Lost {
            port: self.spec.name(),
            reason: e.to_string(),
        }
    }

    /// Discards bytes the printer sent unasked (automatic status, a late answer).
    fn drain(&mut self) -> Result<(), PrintError> {
        let mut buf = [0u8; 64];
        for _ in 0..64 {
            let Some(w) = self.wire.as_mut() else {
                return Ok(());
            };
            match w.read(&mut buf) {
                Ok(0) if self.eof_is_lost => {
                    return Err(self.lost(std::io::ErrorKind::UnexpectedEof.into()))
                }
                Ok(0) => return Ok(()),
                Ok(_) => continue,
                Err(e) if would_block(&e) => return Ok(()),
                Err(e) => return Err(self.lost(e)),
            }
        }
        Ok(())
    }

    fn send(&mut self, bytes: &[u8], deadline: Instant) -> Result<(), PrintError> {
        let mut at = 0;
        while at < bytes.len() {
            let Some(w) = self.wire.as_mut() else {
                return Err(PrintError::Lost {
                    port: self.spec.name(),
                    reason: "port closed".into(),
                });
            };
            match w.write(&bytes[at..]) {
                Ok(0) => return Err(self.lost(std::io::ErrorKind::WriteZero.into())),
                Ok(n) => at += n,
                Err(e) if would_block(&e) => {
                    if Instant::now() > deadline {
                        return Err(self.lost(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            "the printer stopped taking data",
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(self.lost(e)),
            }
        }
        if let Some(w) = self.wire.as_mut() {
            if let Err(e) = w.flush() {
                if !would_block(&e) {
                    return Err(self.lost(e));
                }
            }
        }
        Ok(())
    }

    /// Sends a request and waits for its one-byte answer.
    fn ask(&mut self, request: &[u8]) -> Result<Option<u8>, PrintError> {
        self.send(request, Instant::now() + STATUS_TIMEOUT)?;
        let deadline = Instant::now() + STATUS_TIMEOUT;
        let mut b = [0u8; 1];
        loop {
            let Some(w) = self.wire.as_mut() else {
                return Ok(None);
            };
            match w.read(&mut b) {
                Ok(1) => return Ok(Some(b[0])),
                Ok(0) if self.eof_is_lost => {
                    return Err(self.lost(std::io::ErrorKind::UnexpectedEof.into()))
                }
                Ok(_) => {}
                Err(e) if would_block(&e) => {}
                Err(e) => return Err(self.lost(e)),
            }
            if Instant::now() > deadline {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn query(&mut self) -> Result<PrinterStatus, PrintError> {
        self.ensure_open()?;
        self.drain()?;
        let port = self.spec.name();
        let bad = |source| PrintError::BadStatus {
            port: port.clone(),
            source,
        };
        if self.status_command == StatusCommand::DleEot {
            if let Some(printer) = self.ask(&status::dle_eot(1))? {
                let mut rest = [0u8; 3];
                for (i, n) in (2..=4).enumerate() {
                    rest[i] = self
                        .ask(&status::dle_eot(n))?
                        .ok_or_else(|| PrintError::StatusUnknown { port: port.clone() })?;
                }
                return status::decode_real_time(RealTimeBytes {
                    printer,
                    offline_cause: rest[0],
                    error_cause: rest[1],
                    paper_sensor: rest[2],
                })
                .map_err(bad);
            }
        }
        // Some printers (and some USB-serial bridges) do not pass real-time commands.
        if let Some(b) = self.ask(&status::GS_R_PAPER)? {
            if self.status_command != StatusCommand::GsR {
                tracing::info!(printer = %port, "printer answers GS r, not DLE EOT");
                self.status_command = StatusCommand::GsR;
            }
            return status::decode_gs_r(b).map_err(bad);
        }
        self.status_command = StatusCommand::DleEot;
        Err(PrintError::StatusUnknown { port })
    }
}

impl ReceiptPrinter for EscPosPrinter {
    fn status(&mut self) -> Result<PrinterStatus, PrintError> {
        self.query()
    }

    fn print(&mut self, job: &Job) -> Result<PrintReport, PrintError> {
        let before = self.query()?;
        if !before.can_print() {
            tracing::warn!(
                printer = %self.spec.name(),
                job = job.kind,
                condition = before.condition().as_str(),
                "job refused before sending"
            );
            return Err(PrintError::NotReady(before));
        }
        let wire_time =
            Duration::from_millis(job.bytes.len() as u64 * 1500 / self.spec.bytes_per_s());
        self.send(
            &job.bytes,
            Instant::now() + Duration::from_secs(3) + wire_time,
        )?;
        let after = match self.query() {
            Ok(s) => Some(s),
            Err(e @ PrintError::Lost { .. }) => return Err(e),
            Err(_) => None,
        };
        tracing::info!(
            printer = %self.spec.name(),
            job = job.kind,
            bytes = job.bytes.len(),
            after = after.map(|s| s.condition().as_str()).unwrap_or("unknown"),
            "printed"
        );
        Ok(PrintReport {
            before,
            after,
            bytes: job.bytes.len(),
        })
    }

    fn name(&self) -> String {
        self.spec.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_specs() {
        assert_eq!(
            PortSpec::parse("tcp:192.0.2.10:9100", 9600),
            PortSpec::Tcp {
                addr: "192.0.2.10:9100".into()
            }
        );
        assert_eq!(
            PortSpec::parse("/dev/usb/lp0", 9600),
            PortSpec::UsbLp {
                path: "/dev/usb/lp0".into()
            }
        );
        assert_eq!(
            PortSpec::parse("/dev/ttyUSB1", 115200),
            PortSpec::Serial {
                path: "/dev/ttyUSB1".into(),
                baud: 115200
            }
        );
    }

    #[test]
    fn a_missing_port_is_an_open_error_and_is_not_hammered() {
        let mut p = EscPosPrinter::new(PortSpec::parse("/dev/nonexistent-printer", 9600));
        let e = p.status().unwrap_err();
        assert_eq!(e.kind(), "offline");
        // Within the back-off the driver answers at once without touching the system.
        let t = Instant::now();
        assert!(
            matches!(p.status(), Err(PrintError::Open { reason, .. }) if reason.contains("retrying"))
        );
        assert!(t.elapsed() < Duration::from_millis(50));
    }
}
