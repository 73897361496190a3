//! A simulated reader on a pseudo-terminal: it answers SAM frames exactly as a reader does,
//! with fictional identities, and injects the faults readers show in halls.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serialport::{SerialPort, TTYPort};

use super::protocol::{self, Command, Parsed, Status};
use super::text::{self, Identity, PHOTO_LEN, TEXT_LEN};
use crate::sim_pty::PtyDevice;

/// The fingerprint block of a 30 10 reply: two 512-byte templates.
const FINGERPRINT_LEN: usize = 1024;

/// Loads identities from a TOML file of `[[card]]` tables.
pub fn load_identities(path: &Path) -> std::io::Result<Vec<Identity>> {
    let text = std::fs::read_to_string(path)?;
    parse_identities(&text).map_err(std::io::Error::other)
}

fn parse_identities(text: &str) -> Result<Vec<Identity>, toml::de::Error> {
    #[derive(serde::Deserialize)]
    struct File {
        card: Vec<Identity>,
    }
    Ok(toml::from_str::<File>(text)?.card)
}

/// The fictional identities shipped with the kiosk (drivers/data/identities.toml).
pub fn builtin_identities() -> Vec<Identity> {
    parse_identities(include_str!("../../data/identities.toml")).expect("bundled identities parse")
}

/// Faults a real reader shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Junk bytes before every reply.
    Garbage,
    /// The next `n` replies carry a wrong checksum.
    BadChecksum(u32),
    /// Replies come late (a slow or overloaded reader).
    Slow(Duration),
    /// The SAM module fails its self-test.
    SamFailure,
    /// Reads fail (a card held at an angle).
    ReadFailure,
}

struct State {
    card: Option<usize>,
    /// The placed card was read; find fails until it is removed and placed again.
    read_done: bool,
    fault: Fault,
}

struct Inner {
    identities: Vec<Identity>,
    state: Mutex<State>,
    stop: AtomicBool,
    plugged: AtomicBool,
}

/// A reader on a pty. The driver opens `path()`; dropping the simulator unplugs it.
pub struct ReaderSimulator {
    inner: Arc<Inner>,
    device: PtyDevice,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl ReaderSimulator {
    pub fn spawn(identities: Vec<Identity>) -> std::io::Result<ReaderSimulator> {
        let sim = ReaderSimulator {
            inner: Arc::new(Inner {
                identities,
                state: Mutex::new(State {
                    card: None,
                    read_done: false,
                    fault: Fault::None,
                }),
                stop: AtomicBool::new(false),
                plugged: AtomicBool::new(false),
            }),
            device: PtyDevice::new("idcard", "ttyUSB-idcard")?,
            thread: Mutex::new(None),
        };
        sim.plug()?;
        Ok(sim)
    }

    /// The device path the driver opens (a stable link to the current pty).
    pub fn path(&self) -> String {
        self.device.path().display().to_string()
    }

    /// Plugs the reader (back) in: a new pty behind the same path.
    pub fn plug(&self) -> std::io::Result<()> {
        self.unplug();
        let (mut master, slave) = self.device.plug()?;
        master
            .set_timeout(Duration::from_millis(20))
            .map_err(std::io::Error::from)?;
        self.inner.stop.store(false, Ordering::SeqCst);
        self.inner.plugged.store(true, Ordering::SeqCst);
        let inner = self.inner.clone();
        *lock(&self.thread) = Some(std::thread::spawn(move || serve(&inner, master, slave)));
        Ok(())
    }

    /// Pulls the cable: the pty closes (reads fail) and the path vanishes.
    pub fn unplug(&self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        if let Some(t) = lock(&self.thread).take() {
            let _ = t.join();
        }
        self.inner.plugged.store(false, Ordering::SeqCst);
        self.device.unplug();
    }

    /// Places identity `index` on the reader.
    pub fn present(&self, index: usize) {
        let mut s = lock(&self.inner.state);
        s.card = (index < self.inner.identities.len()).then_some(index);
        s.read_done = false;
    }

    /// Takes the card away.
    pub fn remove(&self) {
        let mut s = lock(&self.inner.state);
        s.card = None;
        s.read_done = false;
    }

    pub fn set_fault(&self, fault: Fault) {
        lock(&self.inner.state).fault = fault;
    }

    pub fn identities(&self) -> &[Identity] {
        &self.inner.identities
    }
}

impl Drop for ReaderSimulator {
    fn drop(&mut self) {
        self.unplug();
    }
}

fn serve(inner: &Inner, mut master: TTYPort, _slave: TTYPort) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 512];
    while !inner.stop.load(Ordering::SeqCst) {
        match master.read(&mut chunk) {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
        loop {
            match protocol::parse(&buf) {
                Parsed::Frame { body, consumed } => {
                    buf.drain(..consumed);
                    let reply = answer(inner, &body);
                    let _ = master.write_all(&reply);
                    let _ = master.flush();
                }
                Parsed::Bad { consumed, .. } => {
                    buf.drain(..consumed);
                    let _ = master.write_all(&protocol::frame(&protocol::reply_body(
                        Status::ChecksumError,
                        &[],
                    )));
                }
                Parsed::Incomplete => break,
            }
        }
    }
}

fn answer(inner: &Inner, body: &[u8]) -> Vec<u8> {
    let cmd = body
        .first()
        .copied()
        .zip(body.get(1).copied())
        .and_then(|(c, p)| Command::from_code(c, p));
    let fault = lock(&inner.state).fault;
    if let Fault::Slow(d) = fault {
        std::thread::sleep(d);
    }
    let (status, data): (Status, Vec<u8>) = {
        let mut s = lock(&inner.state);
        match cmd {
            None => (Status::CommandError, vec![]),
            Some(Command::ResetSam | Command::SamStatus) if fault == Fault::SamFailure => {
                (Status::SamSelfTestFailed, vec![])
            }
            Some(Command::ResetSam | Command::SamStatus) => (Status::Ok, vec![]),
            Some(Command::ReadSamId) => (
                Status::Ok,
                vec![
                    0x05, 0x01, 0x20, 0x26, 0x01, 0x01, 0x00, 0x12, 0x34, 0x56, 0x78, 0x90, 0x00,
                    0x00, 0x00, 0x01,
                ],
            ),
            Some(Command::FindCard) if fault == Fault::SamFailure => {
                (Status::SamSelfTestFailed, vec![])
            }
            Some(Command::FindCard) => match s.card {
                Some(_) if !s.read_done => (Status::CardFound, vec![0, 0, 0, 0]),
                _ => (Status::FindFailed, vec![]),
            },
            Some(Command::SelectCard) => match s.card {
                Some(_) => (Status::Ok, vec![0; 8]),
                None => (Status::SelectFailed, vec![]),
            },
            Some(Command::ReadNewAddress) => match s.card {
                Some(i) if !inner.identities[i].new_address.is_empty() => (
                    Status::Ok,
                    text::encode_new_address(&inner.identities[i].new_address).to_vec(),
                ),
                Some(_) => (Status::NoContent, vec![]),
                None => (Status::ReadFailed, vec![]),
            },
            Some(Command::ReadWithFingerprint) => match s.card {
                Some(_) if fault == Fault::ReadFailure => (Status::ReadFailed, vec![]),
                Some(i) => {
                    s.read_done = true;
                    let text = text::encode(&inner.identities[i]);
                    let mut d = Vec::with_capacity(6 + TEXT_LEN + PHOTO_LEN + FINGERPRINT_LEN);
                    d.extend_from_slice(&(TEXT_LEN as u16).to_be_bytes());
                    d.extend_from_slice(&(PHOTO_LEN as u16).to_be_bytes());
                    d.extend_from_slice(&(FINGERPRINT_LEN as u16).to_be_bytes());
                    d.extend_from_slice(&text);
                    d.extend((0..PHOTO_LEN).map(|i| (i * 7 % 251) as u8));
                    // Two 512-byte templates, opaque: the simulator carries no real biometrics.
                    d.extend((0..FINGERPRINT_LEN).map(|i| (i * 13 % 241) as u8));
                    (Status::Ok, d)
                }
                None => (Status::ReadFailed, vec![]),
            },
            Some(Command::ReadTextPhoto) => match s.card {
                Some(_) if fault == Fault::ReadFailure => (Status::ReadFailed, vec![]),
                Some(i) => {
                    s.read_done = true;
                    let text = text::encode(&inner.identities[i]);
                    let mut d = Vec::with_capacity(4 + TEXT_LEN + PHOTO_LEN);
                    d.extend_from_slice(&(TEXT_LEN as u16).to_be_bytes());
                    d.extend_from_slice(&(PHOTO_LEN as u16).to_be_bytes());
                    d.extend_from_slice(&text);
                    // A stand-in for the WLT-compressed photo: opaque bytes of the right size.
                    d.extend((0..PHOTO_LEN).map(|i| (i * 7 % 251) as u8));
                    (Status::Ok, d)
                }
                None => (Status::ReadFailed, vec![]),
            },
        }
    };
    let mut out = Vec::new();
    if fault == Fault::Garbage {
        out.extend_from_slice(&[0x00, 0xAA, 0x13, 0x96, 0xAA, 0xAA, 0x42]);
    }
    let mut f = protocol::frame(&protocol::reply_body(status, &data));
    let mut s = lock(&inner.state);
    if let Fault::BadChecksum(n) = s.fault {
        let last = f.len() - 1;
        f[last] ^= 0x5A;
        s.fault = if n > 1 {
            Fault::BadChecksum(n - 1)
        } else {
            Fault::None
        };
    }
    out.extend_from_slice(&f);
    out
}
