//! The printer on its wire: serial (USB-serial adapters, the simulator's pty), the USB
//! printer class device (`/dev/usb/lp0`), or a network printer's raw port (`tcp:HOST:9100`).
//!
//! Every job is checked against the printer's status first and refused whole when the
//! printer cannot print it, so a citizen is never told "take your ticket" while nothing comes
//! out, and nothing is left in the printer's buffer to come out later for someone else.
//! Refused jobs are not queued: when paper comes back, nothing old is printed.
//!
//! The check costs no round trip when the printer's status is known: with
//! [`EscPosPrinter::with_status_trust`] the driver turns on automatic status back (GS a), so
//! the printer reports every change of paper, cover and errors unasked, and a job goes out at
//! once on the last status while those reports keep coming. Every job is confirmed after it
//! with one DLE EOT 4 (or GS r): when that finds the printer unable to print (paper ran out
//! just before or during the job), the job is withdrawn from the printer's buffer (DLE DC4 8)
//! and refused, so it does not come out later for someone else either.

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
    /// The printer said it cannot print (paper out, cover open, error, offline), before the
    /// job was sent, or in the confirmation after it (the job was then withdrawn).
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
    /// Prints `job` if the printer can print it now. A refused job is never left in the
    /// printer: it is not sent, or, when the confirmation after sending finds the printer
    /// unable to print, withdrawn from its buffer.
    fn print(&mut self, job: &Job) -> Result<PrintReport, PrintError>;
    fn name(&self) -> String;
}

trait Wire: Read + Write + Send {
    /// Reads what has already arrived, without waiting: WouldBlock when nothing has.
    fn read_ready(&mut self, buf: &mut [u8]) -> std::io::Result<usize>;
}

impl Wire for Box<dyn serialport::SerialPort> {
    fn read_ready(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // A read on a serial port waits up to its timeout; FIONREAD does not.
        let n = self.bytes_to_read().map_err(std::io::Error::from)? as usize;
        if n == 0 {
            return Err(std::io::ErrorKind::WouldBlock.into());
        }
        let n = n.min(buf.len());
        self.read(&mut buf[..n])
    }
}

impl Wire for std::fs::File {
    fn read_ready(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Opened O_NONBLOCK.
        self.read(buf)
    }
}

impl Wire for std::net::TcpStream {
    fn read_ready(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.set_nonblocking(true)?;
        let r = self.read(buf);
        self.set_nonblocking(false)?;
        r
    }
}

/// How long a printer gets to answer a status request. Real printers answer DLE EOT within
/// a few milliseconds, even mid-job; a printer that has not answered in this time will not.
const STATUS_TIMEOUT: Duration = Duration::from_millis(400);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusCommand {
    DleEot,
    GsR,
}

/// A message the printer sends unasked, being put together byte by byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unasked {
    /// An ASB block (4 bytes).
    Asb,
    /// The answer to DLE DC4 8 (3 bytes).
    Cleared,
}

impl Unasked {
    fn len(self) -> usize {
        match self {
            Unasked::Asb => 4,
            Unasked::Cleared => status::CLEAR_RESPONSE.len(),
        }
    }
}

/// A message left unfinished this long is noise, not the start of one.
const UNASKED_GAP: Duration = Duration::from_millis(100);

/// An ESC/POS printer on one of the transports.
pub struct EscPosPrinter {
    spec: PortSpec,
    wire: Option<Box<dyn Wire>>,
    /// TCP: a read of 0 bytes means the peer closed.
    eof_is_lost: bool,
    backoff: Duration,
    next_open: Option<Instant>,
    status_command: StatusCommand,
    /// How long the printer's reports keep its status known; zero: ASB off, every job asks.
    trust: Duration,
    /// The printer's status as last heard on this connection (answers and ASB), and when.
    known: Option<(PrinterStatus, Instant)>,
    /// When the printer last sent an ASB block on this connection.
    asb_at: Option<Instant>,
    /// An unasked message being read: its kind, its bytes so far, when it began.
    partial: Option<(Unasked, Vec<u8>, Instant)>,
    /// The printer answered DLE DC4 8 since it was last sent.
    cleared: bool,
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
            trust: Duration::ZERO,
            known: None,
            asb_at: None,
            partial: None,
            cleared: false,
        }
    }

    /// Lets jobs go out without a status round trip before them. The driver turns on
    /// automatic status back (GS a, again with every status poll and after every job); while
    /// the printer's ASB blocks keep coming, at least once every `trust` (the kiosk polls
    /// more often than that), the last status heard is taken as the printer's status now.
    /// A printer that never sends ASB blocks is asked before every job, as without this.
    pub fn with_status_trust(mut self, trust: Duration) -> EscPosPrinter {
        self.trust = trust;
        self
    }

    /// The status a job may go out on without asking: heard recently, with ASB live.
    fn trusted(&self) -> Option<PrinterStatus> {
        let fresh = |t: Instant| t.elapsed() < self.trust;
        let (status, _) = self.known?;
        (self.asb_at.is_some_and(fresh) && status.can_print()).then_some(status)
    }

    fn learn(&mut self, status: PrinterStatus) {
        self.known = Some((status, Instant::now()));
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
                self.known = None;
                self.asb_at = None;
                self.partial = None;
                tracing::info!(printer = %self.spec.name(), "printer port open");
                self.arm_asb()
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

    /// Turns automatic status back on (when the status is to be trusted); the printer
    /// answers with a block, read whenever the driver next reads.
    fn arm_asb(&mut self) -> Result<(), PrintError> {
        if self.trust.is_zero() {
            return Ok(());
        }
        self.send(
            &status::gs_a(status::ASB_EVENTS),
            Instant::now() + STATUS_TIMEOUT,
        )
    }

    /// Takes one byte from the printer: part of an unasked message (an ASB block, which
    /// updates the known status, or the answer to DLE DC4 8), or else returned, as the
    /// answer to a request.
    fn take_byte(&mut self, b: u8) -> Option<u8> {
        if let Some((kind, mut bytes, since)) = self.partial.take() {
            let fits = match kind {
                Unasked::Asb => status::is_asb_rest(b),
                Unasked::Cleared => status::CLEAR_RESPONSE[bytes.len()] == b,
            };
            if fits && since.elapsed() < UNASKED_GAP {
                bytes.push(b);
                if bytes.len() < kind.len() {
                    self.partial = Some((kind, bytes, since));
                } else {
                    self.unasked(kind, &bytes);
                }
                return None;
            }
            tracing::debug!(printer = %self.spec.name(), ?kind, "unasked message cut short");
        }
        let kind = if status::is_asb_first(b) {
            Unasked::Asb
        } else if b == status::CLEAR_RESPONSE[0] {
            Unasked::Cleared
        } else {
            return Some(b);
        };
        self.partial = Some((kind, vec![b], Instant::now()));
        None
    }

    fn unasked(&mut self, kind: Unasked, bytes: &[u8]) {
        match kind {
            Unasked::Cleared => self.cleared = true,
            Unasked::Asb => {
                let block = [bytes[0], bytes[1], bytes[2], bytes[3]];
                match status::decode_asb(block) {
                    Ok(s) => {
                        self.learn(s);
                        self.asb_at = self.known.map(|(_, at)| at);
                    }
                    Err(e) => {
                        tracing::debug!(printer = %self.spec.name(), error = %e, "bad ASB block")
                    }
                }
            }
        }
    }

    /// Reads what the printer sent unasked (ASB blocks, the answer to a buffer clear), and
    /// discards anything else (a late answer), without waiting.
    fn take_unasked(&mut self) -> Result<(), PrintError> {
        let mut buf = [0u8; 64];
        for _ in 0..64 {
            let Some(w) = self.wire.as_mut() else {
                return Ok(());
            };
            match w.read_ready(&mut buf) {
                Ok(0) if self.eof_is_lost => {
                    return Err(self.lost(std::io::ErrorKind::UnexpectedEof.into()))
                }
                Ok(0) => return Ok(()),
                Ok(n) => {
                    for &b in &buf[..n] {
                        if let Some(stray) = self.take_byte(b) {
                            tracing::debug!(printer = %self.spec.name(), byte = stray, "stray byte from the printer");
                        }
                    }
                }
                Err(e) if would_block(&e) => return Ok(()),
                Err(e) => return Err(self.lost(e)),
            }
        }
        Ok(())
    }

    /// Reads one byte, waiting up to the port's read timeout (serial, TCP) or not at all
    /// (USB printer class); None when nothing came.
    fn read_byte(&mut self) -> Result<Option<u8>, PrintError> {
        let Some(w) = self.wire.as_mut() else {
            return Ok(None);
        };
        let mut b = [0u8; 1];
        match w.read(&mut b) {
            Ok(1) => Ok(Some(b[0])),
            Ok(0) if self.eof_is_lost => Err(self.lost(std::io::ErrorKind::UnexpectedEof.into())),
            Ok(_) => Ok(None),
            Err(e) if would_block(&e) => Ok(None),
            Err(e) => Err(self.lost(e)),
        }
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

    /// Sends a request and waits for its one-byte answer (unasked messages on the way are
    /// taken as they come).
    fn ask(&mut self, request: &[u8]) -> Result<Option<u8>, PrintError> {
        self.send(request, Instant::now() + STATUS_TIMEOUT)?;
        let deadline = Instant::now() + STATUS_TIMEOUT;
        loop {
            match self.read_byte()? {
                Some(b) => {
                    if let Some(answer) = self.take_byte(b) {
                        return Ok(Some(answer));
                    }
                }
                None if self.wire.is_none() => return Ok(None),
                None => std::thread::sleep(Duration::from_millis(2)),
            }
            if Instant::now() > deadline {
                return Ok(None);
            }
        }
    }

    /// Asks the printer everything (DLE EOT 1..4, or GS r): the check before a job whose
    /// status is not known, and the status poll.
    fn query(&mut self) -> Result<PrinterStatus, PrintError> {
        self.ensure_open()?;
        self.take_unasked()?;
        match self.ask_all() {
            Ok(s) => {
                self.learn(s);
                Ok(s)
            }
            Err(e) => {
                // Not known any more, nor kept known by ASB.
                self.known = None;
                self.asb_at = None;
                Err(e)
            }
        }
    }

    fn ask_all(&mut self) -> Result<PrinterStatus, PrintError> {
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

    /// The one round trip after a job: the paper sensor (DLE EOT 4, or GS r), on top of what
    /// else is known (ASB blocks that came meanwhile are taken on the way).
    fn confirm(&mut self, before: PrinterStatus) -> Result<PrinterStatus, PrintError> {
        let port = self.spec.name();
        let request = match self.status_command {
            StatusCommand::DleEot => status::dle_eot(4),
            StatusCommand::GsR => status::GS_R_PAPER,
        };
        let answer = self
            .ask(&request)?
            .ok_or_else(|| PrintError::StatusUnknown { port: port.clone() })?;
        let paper = match self.status_command {
            StatusCommand::DleEot => status::decode_paper_sensor(answer),
            StatusCommand::GsR => status::decode_gs_r(answer).map(|s| s.paper),
        }
        .map_err(|source| PrintError::BadStatus { port, source })?;
        let base = self.known.map_or(before, |(s, _)| s);
        let s = PrinterStatus { paper, ..base };
        self.learn(s);
        Ok(s)
    }

    /// Withdraws what the printer still holds of a job it cannot print (DLE DC4 8, executed
    /// even while offline), so that it does not come out when paper is back; waits for the
    /// printer's answer, as the command requires before anything else is sent.
    fn withdraw(&mut self, job: &Job) {
        self.cleared = false;
        if self
            .send(&status::CLEAR_BUFFERS, Instant::now() + STATUS_TIMEOUT)
            .is_err()
        {
            return;
        }
        let deadline = Instant::now() + STATUS_TIMEOUT;
        while !self.cleared && self.wire.is_some() && Instant::now() < deadline {
            match self.read_byte() {
                Ok(Some(b)) => {
                    let _ = self.take_byte(b);
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                Err(_) => return,
            }
        }
        if self.cleared {
            tracing::warn!(printer = %self.spec.name(), job = job.kind, "job withdrawn from the printer's buffer");
        } else {
            tracing::warn!(
                printer = %self.spec.name(),
                job = job.kind,
                "the printer did not confirm clearing its buffer: the job may come out when it can print"
            );
        }
    }
}

impl ReceiptPrinter for EscPosPrinter {
    fn status(&mut self) -> Result<PrinterStatus, PrintError> {
        self.ensure_open()?;
        // Again at every poll: a printer power-cycled behind a USB-serial adapter forgets it.
        self.arm_asb()?;
        self.query()
    }

    fn print(&mut self, job: &Job) -> Result<PrintReport, PrintError> {
        self.ensure_open()?;
        self.take_unasked()?;
        // The known status when ASB keeps it so; otherwise (not heard lately, or it says the
        // printer cannot print: paper may be back) ask.
        let before = match self.trusted() {
            Some(s) => s,
            None => self.query()?,
        };
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
        let deadline = Instant::now() + Duration::from_secs(3) + wire_time;
        if self.trust.is_zero() {
            self.send(&job.bytes, deadline)?;
        } else {
            // ASB again after the job: ESC @ at its start may have turned it off.
            let mut bytes = Vec::with_capacity(job.bytes.len() + 3);
            bytes.extend_from_slice(&job.bytes);
            bytes.extend_from_slice(&status::gs_a(status::ASB_EVENTS));
            self.send(&bytes, deadline)?;
        }
        let after = match self.confirm(before) {
            Ok(s) => Some(s),
            Err(e @ PrintError::Lost { .. }) => return Err(e),
            Err(_) => None,
        };
        if let Some(s) = after.filter(|s| !s.can_print()) {
            // Paper ran out before the job reached the printer, or during it: what it holds
            // of the job must not come out later, for the next person.
            self.withdraw(job);
            tracing::warn!(
                printer = %self.spec.name(),
                job = job.kind,
                condition = s.condition().as_str(),
                "job refused after sending"
            );
            return Err(PrintError::NotReady(s));
        }
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
