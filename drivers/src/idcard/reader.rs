//! The reader over a serial port (USB-serial readers, or a simulator's pty): commands out,
//! frames in, with bounded timeouts and retries.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use super::protocol::{self, Command, Parsed, Status};
use super::text::{self, IdCard};

/// Why a reader operation failed. Each has a stable `kind()` for the UI's wording.
#[derive(Debug, thiserror::Error)]
pub enum IdCardError {
    /// The port does not exist or cannot be opened (unplugged, permissions).
    #[error("cannot open ID-card reader {port}: {reason}")]
    Open { port: String, reason: String },
    /// The port failed while in use (unplugged mid-frame).
    #[error("ID-card reader {port} lost: {reason}")]
    Lost { port: String, reason: String },
    /// No complete, valid frame before the timeout, after the retries.
    #[error("ID-card reader {port} did not answer in time")]
    Timeout { port: String },
    /// No card on the reader.
    #[error("no card on the reader")]
    NoCard,
    /// The card moved or could not be selected / read.
    #[error("the card could not be read (status {0:02X})")]
    ReadFailed(u8),
    /// The SAM module failed its self-test or authentication.
    #[error("the reader's security module failed (status {0:02X})")]
    Sam(u8),
    /// The reader answered with a status the kiosk does not expect.
    #[error("unexpected reader status {0:02X}")]
    Status(u8),
    /// The reader's text block was malformed.
    #[error("card data unreadable: {0}")]
    Data(#[from] text::TextError),
}

impl IdCardError {
    pub fn kind(&self) -> &'static str {
        match self {
            IdCardError::Open { .. } | IdCardError::Lost { .. } => "reader_offline",
            IdCardError::Timeout { .. } => "timeout",
            IdCardError::NoCard => "no_card",
            IdCardError::ReadFailed(_) | IdCardError::Data(_) => "read_failed",
            IdCardError::Sam(_) => "sam_failed",
            IdCardError::Status(_) => "unexpected",
        }
    }

    /// A short hint for a citizen (the UI has its own translated wording).
    pub fn hint_zh(&self) -> &'static str {
        match self.kind() {
            "no_card" | "read_failed" => "请将身份证平放在感应区",
            "reader_offline" | "sam_failed" => "读卡器暂时无法使用，请联系工作人员",
            _ => "请稍后再试",
        }
    }

    /// Whether the port itself is gone (reopen needed).
    pub fn is_offline(&self) -> bool {
        matches!(self, IdCardError::Open { .. } | IdCardError::Lost { .. })
    }
}

/// An ID-card reader.
pub trait CardReader: Send {
    /// Ok(true) when a card is in the field and not yet read.
    fn find(&mut self) -> Result<bool, IdCardError>;
    /// Ok(true) when the card in the field answers (used to see it leave after a read).
    fn select(&mut self) -> Result<bool, IdCardError>;
    /// Reads text and photo of the selected card.
    fn read(&mut self) -> Result<IdCard, IdCardError>;
    fn sam_id(&mut self) -> Result<String, IdCardError>;
    fn sam_status(&mut self) -> Result<(), IdCardError>;
    /// Reads text, photo and the fingerprint block (30 10). The kiosk's flows never call
    /// this: a hall kiosk has no use for fingerprints and keeps none; it is here for
    /// technicians checking a reader.
    fn read_with_fingerprint(&mut self) -> Result<(IdCard, Vec<u8>), IdCardError>;
    /// The appended address after a move (30 03), None when the card has none.
    fn read_new_address(&mut self) -> Result<Option<String>, IdCardError>;
}

/// Timeouts as vendor SDKs use them: short for find/select, longer for the 1295-byte read.
const SHORT: Duration = Duration::from_millis(150);
const LONG: Duration = Duration::from_millis(2500);
const RETRIES: u32 = 2;

pub struct SerialCardReader {
    port: Box<dyn serialport::SerialPort>,
    name: String,
    buf: Vec<u8>,
}

impl SerialCardReader {
    pub fn open(path: &str, baud: u32) -> Result<SerialCardReader, IdCardError> {
        let port = serialport::new(path, baud)
            .timeout(Duration::from_millis(20))
            .open()
            .map_err(|e| IdCardError::Open {
                port: path.into(),
                reason: e.to_string(),
            })?;
        Ok(SerialCardReader {
            port,
            name: path.into(),
            buf: Vec::new(),
        })
    }

    /// Sends a command and waits for its reply frame; a bad checksum or a timeout is
    /// retried a bounded number of times.
    fn exchange(
        &mut self,
        c: Command,
        timeout: Duration,
    ) -> Result<(Status, Vec<u8>), IdCardError> {
        let mut last = IdCardError::Timeout {
            port: self.name.clone(),
        };
        for _ in 0..=RETRIES {
            self.buf.clear();
            let _ = self.port.clear(serialport::ClearBuffer::Input);
            self.port
                .write_all(&protocol::command(c))
                .map_err(|e| self.lost(e))?;
            match self.read_frame(timeout)? {
                Some(body) if body.len() >= 3 => {
                    let status = Status::from_sw3(body[2]);
                    if matches!(status, Status::ChecksumError | Status::LengthError) {
                        continue;
                    }
                    return Ok((status, body[3..].to_vec()));
                }
                Some(_) => last = IdCardError::Status(0),
                None => {
                    last = IdCardError::Timeout {
                        port: self.name.clone(),
                    }
                }
            }
        }
        Err(last)
    }

    fn lost(&self, e: impl std::fmt::Display) -> IdCardError {
        IdCardError::Lost {
            port: self.name.clone(),
            reason: e.to_string(),
        }
    }

    /// A valid frame, or None at the deadline (garbage and bad frames are skipped).
    fn read_frame(&mut self, timeout: Duration) -> Result<Option<Vec<u8>>, IdCardError> {
        let deadline = Instant::now() + timeout;
        let mut chunk = [0u8; 2048];
        loop {
            match protocol::parse(&self.buf) {
                Parsed::Frame { body, consumed } => {
                    self.buf.drain(..consumed);
                    return Ok(Some(body));
                }
                Parsed::Bad { consumed, .. } => {
                    // A damaged frame: ask again at once rather than wait out the timeout.
                    self.buf.drain(..consumed);
                    return Ok(None);
                }
                Parsed::Incomplete => {}
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            match self.port.read(&mut chunk) {
                Ok(0) => return Err(self.lost("end of file")),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.lost(e)),
            }
            if self.buf.len() > 3 * protocol::MAX_LEN {
                // A flood of garbage: keep only the tail that may hold a preamble.
                let keep = self.buf.len() - 8;
                self.buf.drain(..keep);
            }
        }
    }
}

/// The error a read reply's bad lengths mean.
fn blocks_error(e: protocol::BlocksError) -> IdCardError {
    match e {
        protocol::BlocksError::Short => IdCardError::ReadFailed(0x41),
        protocol::BlocksError::Length(tl) => IdCardError::Data(text::TextError::Length(tl)),
    }
}

/// The error a read command's status means, if any.
fn read_status(status: Status) -> Result<(), IdCardError> {
    match status {
        Status::Ok => Ok(()),
        Status::ReadFailed | Status::SelectFailed | Status::FindFailed => {
            Err(IdCardError::ReadFailed(status.sw3()))
        }
        Status::AuthFailed(b) | Status::Other(b) => Err(IdCardError::Sam(b)),
        other => Err(IdCardError::Status(other.sw3())),
    }
}

impl CardReader for SerialCardReader {
    fn find(&mut self) -> Result<bool, IdCardError> {
        match self.exchange(Command::FindCard, SHORT)?.0 {
            Status::CardFound | Status::Ok => Ok(true),
            Status::FindFailed => Ok(false),
            Status::SamSelfTestFailed => Err(IdCardError::Sam(0x60)),
            other => Err(IdCardError::Status(other.sw3())),
        }
    }

    fn select(&mut self) -> Result<bool, IdCardError> {
        match self.exchange(Command::SelectCard, SHORT)?.0 {
            Status::Ok => Ok(true),
            Status::SelectFailed | Status::FindFailed => Ok(false),
            other => Err(IdCardError::Status(other.sw3())),
        }
    }

    fn read(&mut self) -> Result<IdCard, IdCardError> {
        let (status, data) = self.exchange(Command::ReadTextPhoto, LONG)?;
        read_status(status)?;
        let b = protocol::read_blocks(&data, false).map_err(blocks_error)?;
        Ok(text::decode(b.text, b.photo)?)
    }

    fn read_with_fingerprint(&mut self) -> Result<(IdCard, Vec<u8>), IdCardError> {
        let (status, data) = self.exchange(Command::ReadWithFingerprint, LONG)?;
        read_status(status)?;
        // Three lengths (text, photo, fingerprint), then the blocks.
        let b = protocol::read_blocks(&data, true).map_err(blocks_error)?;
        Ok((text::decode(b.text, b.photo)?, b.fingerprint.to_vec()))
    }

    fn read_new_address(&mut self) -> Result<Option<String>, IdCardError> {
        let (status, data) = self.exchange(Command::ReadNewAddress, LONG)?;
        match status {
            Status::Ok => Ok(text::decode_new_address(&data)),
            Status::NoContent => Ok(None),
            other => read_status(other).map(|_| None),
        }
    }

    fn sam_id(&mut self) -> Result<String, IdCardError> {
        let (status, data) = self.exchange(Command::ReadSamId, SHORT)?;
        if status != Status::Ok {
            return Err(IdCardError::Sam(status.sw3()));
        }
        // SAM id: 2-byte groups printed as vendor tools do (e.g. 05.01-20260101-...).
        let hexed: Vec<String> = data.iter().map(|b| format!("{b:02X}")).collect();
        Ok(hexed.join(""))
    }

    fn sam_status(&mut self) -> Result<(), IdCardError> {
        match self.exchange(Command::SamStatus, SHORT)?.0 {
            Status::Ok => Ok(()),
            other => Err(IdCardError::Sam(other.sw3())),
        }
    }
}
