//! A serial line scanner on a pseudo-terminal, speaking the same bytes as a real one.
//!
//! The kiosk opens [`ScannerSimulator::path`], a symlink to the pty's slave, as it would open
//! `/dev/serial/by-id/...`. [`ScannerSimulator::unplug`] closes the pty and removes the link,
//! so the kiosk sees a hang-up and then a missing device; [`ScannerSimulator::replug`] makes
//! a new pty behind the same link. Codes come from [`SimOptions::codes`], from
//! [`ScannerSimulator::scan`], or, with [`SimOptions::listen`], one per line from TCP clients
//! on 127.0.0.1 (`echo CODE | nc 127.0.0.1 PORT`). Dropping the simulator stops it.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serialport::TTYPort;

use super::line::Terminator;
use crate::sim_pty::PtyDevice;

/// How the simulated scanner behaves.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Appended by [`ScannerSimulator::scan`].
    pub terminator: Terminator,
    /// Codes scanned once at start, `interval` apart.
    pub codes: Vec<Vec<u8>>,
    pub interval: Duration,
    /// Also take codes, one per line, from TCP clients on 127.0.0.1.
    pub listen: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            terminator: Terminator::Cr,
            codes: Vec::new(),
            interval: Duration::from_millis(200),
            listen: false,
        }
    }
}

struct Pty {
    master: TTYPort,
    // Held open like the far end of a cable, so bytes written before the kiosk opens the
    // port wait in the line discipline instead of being lost.
    _slave: TTYPort,
}

struct Inner {
    pty: Mutex<Option<Pty>>,
    device: PtyDevice,
    terminator: Terminator,
    stop: AtomicBool,
}

/// A serial QR scanner on a pty.
pub struct ScannerSimulator {
    inner: Arc<Inner>,
    listen_addr: Option<SocketAddr>,
    threads: Vec<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Inner {
    fn plug(&self) -> io::Result<()> {
        let (master, slave) = self.device.plug()?;
        *lock(&self.pty) = Some(Pty {
            master,
            _slave: slave,
        });
        Ok(())
    }

    fn write(&self, bytes: &[u8]) -> io::Result<()> {
        let mut pty = lock(&self.pty);
        let pty = pty
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "scanner unplugged"))?;
        pty.master.write_all(bytes)?;
        pty.master.flush()
    }

    fn scan(&self, payload: &[u8]) -> io::Result<()> {
        let mut line = payload.to_vec();
        line.extend_from_slice(self.terminator.bytes());
        self.write(&line)
    }
}

impl ScannerSimulator {
    pub fn spawn(opts: SimOptions) -> io::Result<ScannerSimulator> {
        let inner = Arc::new(Inner {
            pty: Mutex::new(None),
            device: PtyDevice::new("scanner", "ttyACM-scanner")?,
            terminator: opts.terminator,
            stop: AtomicBool::new(false),
        });
        let mut sim = ScannerSimulator {
            inner: inner.clone(),
            listen_addr: None,
            threads: Vec::new(),
        };
        inner.plug()?;
        if !opts.codes.is_empty() {
            let (inner, codes, interval) = (inner.clone(), opts.codes, opts.interval);
            sim.threads.push(std::thread::spawn(move || {
                for code in codes {
                    if sleep_unless_stopped(&inner.stop, interval) {
                        return;
                    }
                    let _ = inner.scan(&code);
                }
            }));
        }
        if opts.listen {
            let listener = TcpListener::bind(("127.0.0.1", 0))?;
            listener.set_nonblocking(true)?;
            sim.listen_addr = Some(listener.local_addr()?);
            let inner = inner.clone();
            sim.threads
                .push(std::thread::spawn(move || serve_tcp(&listener, &inner)));
        }
        Ok(sim)
    }

    /// The device path to open: a symlink to the current pty.
    pub fn path(&self) -> &Path {
        self.inner.device.path()
    }

    /// Where TCP clients send codes, when [`SimOptions::listen`] is on.
    pub fn listen_addr(&self) -> Option<SocketAddr> {
        self.listen_addr
    }

    /// Sends one code as the scanner would: the raw bytes (GBK stays GBK), then the terminator.
    pub fn scan(&self, payload: &[u8]) -> io::Result<()> {
        self.inner.scan(payload)
    }

    /// Sends bytes as they are: half lines, noise.
    pub fn send_raw(&self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(bytes)
    }

    /// Pulls the cable: the pty closes (the kiosk reads a hang-up) and the path disappears.
    pub fn unplug(&self) {
        *lock(&self.inner.pty) = None;
        self.inner.device.unplug();
    }

    /// Plugs a scanner back in at the same path.
    pub fn replug(&self) -> io::Result<()> {
        self.inner.plug()
    }

    pub fn is_plugged(&self) -> bool {
        lock(&self.inner.pty).is_some()
    }
}

impl Drop for ScannerSimulator {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        self.unplug();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// True when stopped during the sleep.
fn sleep_unless_stopped(stop: &AtomicBool, total: Duration) -> bool {
    let step = Duration::from_millis(20);
    let mut left = total;
    while !left.is_zero() {
        if stop.load(Ordering::SeqCst) {
            return true;
        }
        let d = left.min(step);
        std::thread::sleep(d);
        left -= d;
    }
    stop.load(Ordering::SeqCst)
}

fn serve_tcp(listener: &TcpListener, inner: &Inner) {
    while !inner.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                // One client at a time is plenty for a test bench; a short read timeout keeps
                // the stop flag checked.
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
                let mut reader = BufReader::new(stream);
                let mut line = Vec::new();
                while !inner.stop.load(Ordering::SeqCst) {
                    match reader.read_until(b'\n', &mut line) {
                        Ok(0) => break,
                        Ok(_) if line.ends_with(b"\n") => {
                            let code = line.strip_suffix(b"\n").unwrap_or(&line);
                            let code = code.strip_suffix(b"\r").unwrap_or(code);
                            if !code.is_empty() {
                                let _ = inner.scan(code);
                            }
                            line.clear();
                        }
                        Ok(_) => {}
                        Err(e)
                            if matches!(
                                e.kind(),
                                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                            ) => {}
                        Err(_) => break,
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}
