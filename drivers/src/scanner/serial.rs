//! Serial and USB-CDC line scanners (`/dev/ttyACM0`, `/dev/ttyUSB0`, a pty).
//!
//! `serialport` does not report hot-plug, so a read error, an end of file, a hang-up or a
//! vanished path all mean "unplugged"; the worker in [`super::run_device`] reopens with backoff.

use std::io::Read;
use std::time::{Duration, Instant};

use super::line::{decode_text, LineAssembler, LineEvent, LineRules};
use super::{DeviceRead, ScanDevice, ScanError, ScanSource};

pub struct SerialDevice {
    path: String,
    baud: u32,
    assembler: LineAssembler,
    port: Option<Box<dyn serialport::SerialPort>>,
}

impl SerialDevice {
    pub fn new(path: &str, baud: u32, rules: LineRules) -> Self {
        SerialDevice {
            path: path.to_owned(),
            baud,
            assembler: LineAssembler::new(rules),
            port: None,
        }
    }
}

/// Turns assembler output into device reads, decoding each line's text.
pub fn line_reads(events: impl IntoIterator<Item = LineEvent>) -> Vec<DeviceRead> {
    events
        .into_iter()
        .map(|e| match e {
            LineEvent::Line(bytes) => match decode_text(&bytes) {
                Ok(text) => DeviceRead::Payload(text),
                Err(r) => DeviceRead::Rejected(r),
            },
            LineEvent::Rejected(r) => DeviceRead::Rejected(r),
        })
        .collect()
}

impl ScanDevice for SerialDevice {
    fn source(&self) -> ScanSource {
        ScanSource::Serial
    }

    fn name(&self) -> String {
        self.path.clone()
    }

    fn open(&mut self) -> Result<(), ScanError> {
        let port = serialport::new(&self.path, self.baud)
            .timeout(Duration::from_millis(50))
            .open()
            .map_err(|e| ScanError::Open {
                device: self.path.clone(),
                reason: e.to_string(),
            })?;
        self.port = Some(port);
        Ok(())
    }

    fn poll(&mut self, wait: Duration) -> Result<Vec<DeviceRead>, ScanError> {
        let port = self.port.as_mut().ok_or_else(|| ScanError::Lost {
            device: self.path.clone(),
            reason: "not open".into(),
        })?;
        let _ = port.set_timeout(wait);
        let mut buf = [0u8; 512];
        let lost = |reason: String| ScanError::Lost {
            device: self.path.clone(),
            reason,
        };
        match port.read(&mut buf) {
            Ok(0) => Err(lost("end of file (unplugged)".into())),
            Ok(n) => Ok(line_reads(self.assembler.feed(&buf[..n], Instant::now()))),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                Ok(line_reads(self.assembler.tick(Instant::now())))
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(Vec::new()),
            Err(e) => Err(lost(e.to_string())),
        }
    }

    fn close(&mut self) -> Vec<DeviceRead> {
        self.port = None;
        line_reads(self.assembler.flush())
    }
}
