//! A simulated receipt printer on a pseudo-terminal. It reads the ESC/POS stream the driver
//! sends, answers status requests like a printer (paper ok / near end / out, settable while
//! it runs), keeps each cut page as a document, and can save every page as a PNG.
//!
//! Like a real printer, it answers real-time status requests at once, but while it cannot
//! print it holds what it receives and prints it when it can again: a driver that sent a
//! ticket to a printer without paper would see that ticket come out later, for the next
//! person. The tests rely on that to prove the driver never does.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serialport::{SerialPort, TTYPort};

use super::document::{self, DocumentBuilder, Page};
use super::escpos_parse::{self, Event, Parsed};
use super::layout::PaperWidth;
use super::render;
use super::status::{Paper, PrinterStatus};
use crate::sim_pty::PtyDevice;

/// How the simulated printer answers status requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Answers {
    #[default]
    All,
    /// Answers GS r but not DLE EOT (some USB-serial bridges drop real-time commands).
    GsROnly,
    /// Answers nothing (a printer with a one-way cable).
    None,
}

struct State {
    status: PrinterStatus,
    answers: Answers,
    pages: Vec<Page>,
    doc: DocumentBuilder,
    /// Events received while the printer could not print.
    held: Vec<Event>,
}

struct Inner {
    state: Mutex<State>,
    printed: Condvar,
    stop: AtomicBool,
    /// Stop reading once this many bytes have arrived: the pty buffer fills and the
    /// driver's writes stall, as with a jammed printer. usize::MAX: never.
    stall_at: AtomicUsize,
    received: AtomicUsize,
    width: PaperWidth,
    out_dir: Option<PathBuf>,
    saved: AtomicU32,
}

/// A printer on a pty. The driver opens `path()`; dropping the simulator unplugs it.
pub struct PrinterSimulator {
    inner: Arc<Inner>,
    device: PtyDevice,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl PrinterSimulator {
    /// Starts a printer with `width` paper. With `out_dir`, every cut page is also saved
    /// there as `page-NNNN.png` (and its bytes as `page-NNNN.bin`).
    pub fn spawn(width: PaperWidth, out_dir: Option<PathBuf>) -> std::io::Result<PrinterSimulator> {
        if let Some(d) = &out_dir {
            std::fs::create_dir_all(d)?;
        }
        let sim = PrinterSimulator {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    status: PrinterStatus::READY,
                    answers: Answers::All,
                    pages: Vec::new(),
                    doc: DocumentBuilder::new(),
                    held: Vec::new(),
                }),
                printed: Condvar::new(),
                stop: AtomicBool::new(false),
                stall_at: AtomicUsize::new(usize::MAX),
                received: AtomicUsize::new(0),
                width,
                out_dir,
                saved: AtomicU32::new(0),
            }),
            device: PtyDevice::new("printer", "ttyUSB-printer")?,
            thread: Mutex::new(None),
        };
        sim.plug()?;
        Ok(sim)
    }

    /// The device path the driver opens (a stable link to the current pty).
    pub fn path(&self) -> String {
        self.device.path().display().to_string()
    }

    /// Plugs the printer (back) in: a new pty behind the same path.
    pub fn plug(&self) -> std::io::Result<()> {
        self.unplug();
        let (mut master, slave) = self.device.plug()?;
        master
            .set_timeout(Duration::from_millis(10))
            .map_err(std::io::Error::from)?;
        self.inner.stop.store(false, Ordering::SeqCst);
        let inner = self.inner.clone();
        *lock(&self.thread) = Some(std::thread::spawn(move || serve(&inner, master, slave)));
        Ok(())
    }

    /// Pulls the cable: the pty closes and the path vanishes. A job half received stays
    /// half received (it is not printed).
    pub fn unplug(&self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        if let Some(t) = lock(&self.thread).take() {
            let _ = t.join();
        }
        self.device.unplug();
    }

    pub fn set_paper(&self, paper: Paper) {
        self.set_status(PrinterStatus {
            paper,
            ..self.status()
        });
    }

    /// Changes what the printer reports; when it can print again it prints what it held.
    pub fn set_status(&self, status: PrinterStatus) {
        let mut s = lock(&self.inner.state);
        s.status = status;
        if status.can_print() {
            let held = std::mem::take(&mut s.held);
            for e in held {
                apply(&self.inner, &mut s, e);
            }
        }
    }

    pub fn status(&self) -> PrinterStatus {
        lock(&self.inner.state).status
    }

    /// Stops reading from the wire once `bytes` have been received in total (a printer
    /// whose buffer is full); None reads on.
    pub fn stall_after(&self, bytes: Option<usize>) {
        self.inner
            .stall_at
            .store(bytes.unwrap_or(usize::MAX), Ordering::SeqCst);
    }

    pub fn set_answers(&self, answers: Answers) {
        lock(&self.inner.state).answers = answers;
    }

    /// Every page cut so far.
    pub fn pages(&self) -> Vec<Page> {
        lock(&self.inner.state).pages.clone()
    }

    /// Waits until at least `n` pages are cut, up to `timeout`; returns the pages.
    pub fn wait_pages(&self, n: usize, timeout: Duration) -> Vec<Page> {
        let deadline = Instant::now() + timeout;
        let mut s = lock(&self.inner.state);
        while s.pages.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            s = self
                .inner
                .printed
                .wait_timeout(s, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        s.pages.clone()
    }

    /// Bytes received in total (status requests included).
    pub fn received(&self) -> usize {
        self.inner.received.load(Ordering::SeqCst)
    }

    pub fn width(&self) -> PaperWidth {
        self.inner.width
    }
}

impl Drop for PrinterSimulator {
    fn drop(&mut self) {
        self.unplug();
    }
}

fn apply(inner: &Inner, s: &mut State, e: Event) {
    s.doc.apply(e);
    let pages = s.doc.take_pages();
    if pages.is_empty() {
        return;
    }
    for page in pages {
        if let Some(dir) = &inner.out_dir {
            let n = inner.saved.fetch_add(1, Ordering::SeqCst) + 1;
            save(dir, n, &page, inner.width);
        }
        s.pages.push(page);
    }
    inner.printed.notify_all();
}

fn save(dir: &Path, n: u32, page: &Page, width: PaperWidth) {
    let path = dir.join(format!("page-{n:04}.png"));
    match render::save_png(&render::render(page, width.dots()), &path) {
        Ok(()) => tracing::info!(page = %path.display(), "simulated printer: page saved"),
        Err(e) => tracing::warn!(error = %e, "simulated printer: cannot save page"),
    }
}

fn serve(inner: &Inner, mut master: TTYPort, _slave: TTYPort) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !inner.stop.load(Ordering::SeqCst) {
        if inner.received.load(Ordering::SeqCst) >= inner.stall_at.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(10));
            continue;
        }
        match master.read(&mut chunk) {
            Ok(n) if n > 0 => {
                inner.received.fetch_add(n, Ordering::SeqCst);
                buf.extend_from_slice(&chunk[..n]);
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
        let mut at = 0;
        while at < buf.len() {
            let Parsed::Event(e, n) = escpos_parse::parse(&buf[at..]) else {
                break;
            };
            at += n;
            let mut s = lock(&inner.state);
            if let Some(answer) = document::status_answer(&e, &s.status) {
                let silent = matches!(
                    (&e, s.answers),
                    (_, Answers::None) | (Event::StatusRequest(_), Answers::GsROnly)
                );
                drop(s);
                if !silent {
                    let _ = master.write_all(&[answer]);
                    let _ = master.flush();
                }
                continue;
            }
            if s.status.can_print() && s.held.is_empty() {
                apply(inner, &mut s, e);
            } else {
                s.held.push(e);
            }
        }
        buf.drain(..at);
    }
}
