//! A simulated receipt printer on a pseudo-terminal. It reads the ESC/POS stream the driver
//! sends, answers status requests like a printer (paper ok / near end / out, settable while
//! it runs), keeps each cut page as a document, and can save every page as a PNG.
//!
//! Like a real printer, it answers real-time status requests at once, but while it cannot
//! print it holds what it receives and prints it when it can again: a driver that sent a
//! ticket to a printer without paper would see that ticket come out later, for the next
//! person. The tests rely on that to prove the driver never does. DLE DC4 8 (clear buffers)
//! drops what it holds, and answers `37 25 00`.
//!
//! With automatic status back on (GS a n, n ≠ 0) it sends a 4-byte status block when GS a is
//! executed and whenever its status changes ([`PrinterSimulator::set_status`] returns once the
//! block is at the driver's end of the pty). [`PrinterSimulator::seen`] lists what the driver
//! sent, in order, so tests can count the status round trips around a job.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serialport::{SerialPort, TTYPort};

use super::document::{self, DocumentBuilder, Page};
use super::escpos_parse::{self, Event, Parsed};
use super::layout::PaperWidth;
use super::render;
use super::status::{self, Paper, PrinterStatus};
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

/// What the printer received, in order; a run of print data is one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// DLE EOT n
    StatusRequest(u8),
    /// GS r n
    SensorRequest(u8),
    /// GS a n
    AutomaticStatus(u8),
    /// DLE DC4 8
    ClearBuffers,
    /// Anything else: a job's commands and text.
    Data,
}

impl Seen {
    /// A request answered at once, a round trip for the driver.
    pub fn is_status_request(self) -> bool {
        matches!(self, Seen::StatusRequest(_) | Seen::SensorRequest(_))
    }
}

/// How much of what it received the simulator remembers.
const SEEN_KEPT: usize = 4096;

struct State {
    status: PrinterStatus,
    answers: Answers,
    pages: Vec<Page>,
    doc: DocumentBuilder,
    /// Events received while the printer could not print.
    held: Vec<Event>,
    /// GS a n: the n of automatic status back, 0 when off.
    asb: u8,
    seen: VecDeque<Seen>,
}

impl State {
    fn saw(&mut self, what: Seen) {
        if what == Seen::Data && self.seen.back() == Some(&Seen::Data) {
            return;
        }
        if self.seen.len() == SEEN_KEPT {
            self.seen.pop_front();
        }
        self.seen.push_back(what);
    }
}

/// The printer's end of the pty, for what it sends unasked.
struct Line {
    /// A second handle on the master, to write from outside the serving thread.
    master: TTYPort,
    /// A handle on the slave, to see when bytes have reached the driver's side.
    slave: TTYPort,
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
    /// Pages to save as PNG, to the saving thread (rendering and encoding a page takes
    /// milliseconds, which a printer's paper does not wait for).
    saver: Mutex<Option<mpsc::Sender<(u32, Page)>>>,
    saved: AtomicU32,
    /// Every write to the driver goes through here, under the state lock, so that answers
    /// and ASB blocks leave in the order of the status changes.
    line: Mutex<Option<Line>>,
}

/// A printer on a pty. The driver opens `path()`; dropping the simulator unplugs it.
pub struct PrinterSimulator {
    inner: Arc<Inner>,
    device: PtyDevice,
    thread: Mutex<Option<JoinHandle<()>>>,
    saving: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl PrinterSimulator {
    /// Starts a printer with `width` paper. With `out_dir`, every cut page is also saved
    /// there as `page-NNNN.png`, by a thread of its own, shortly after it is cut (all of
    /// them by the time the simulator is dropped).
    pub fn spawn(width: PaperWidth, out_dir: Option<PathBuf>) -> std::io::Result<PrinterSimulator> {
        let (saver, saving) = match out_dir {
            Some(dir) => {
                std::fs::create_dir_all(&dir)?;
                let (tx, rx) = mpsc::channel::<(u32, Page)>();
                let t = std::thread::spawn(move || {
                    for (n, page) in rx {
                        save(&dir, n, &page, width);
                    }
                });
                (Some(tx), Some(t))
            }
            None => (None, None),
        };
        let sim = PrinterSimulator {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    status: PrinterStatus::READY,
                    answers: Answers::All,
                    pages: Vec::new(),
                    doc: DocumentBuilder::new(),
                    held: Vec::new(),
                    asb: 0,
                    seen: VecDeque::new(),
                }),
                printed: Condvar::new(),
                stop: AtomicBool::new(false),
                stall_at: AtomicUsize::new(usize::MAX),
                received: AtomicUsize::new(0),
                width,
                saver: Mutex::new(saver),
                saved: AtomicU32::new(0),
                line: Mutex::new(None),
            }),
            device: PtyDevice::new("printer", "ttyUSB-printer")?,
            thread: Mutex::new(None),
            saving,
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
        *lock(&self.inner.line) = Some(Line {
            master: master.try_clone_native().map_err(std::io::Error::from)?,
            slave: slave.try_clone_native().map_err(std::io::Error::from)?,
        });
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
        *lock(&self.inner.line) = None;
        self.device.unplug();
    }

    pub fn set_paper(&self, paper: Paper) {
        self.set_status(PrinterStatus {
            paper,
            ..self.status()
        });
    }

    /// Changes what the printer reports; when it can print again it prints what it held.
    /// With automatic status back on, returns once the printer's block has reached the
    /// driver's end of the pty (or a few milliseconds have passed).
    pub fn set_status(&self, status: PrinterStatus) {
        let mut s = lock(&self.inner.state);
        let unread = self.inner.unread().unwrap_or(0);
        let was = s.status;
        s.status = status;
        let mut sent = 0;
        if status.can_print() {
            let held = std::mem::take(&mut s.held);
            for e in held {
                sent += apply(&self.inner, &mut s, e);
            }
        }
        if status != was {
            sent += send_asb(&self.inner, &s);
        }
        drop(s);
        if sent > 0 {
            self.inner.arrived(unread + sent);
        }
    }

    /// Changes the status without sending its ASB block: a change the driver cannot have
    /// heard of yet (paper running out while its block is still on the wire), for tests of
    /// what the confirmation after a job catches.
    pub fn set_status_unannounced(&self, status: PrinterStatus) {
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

    /// What the driver sent, oldest first (the last few thousand entries).
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.inner.state).seen.iter().copied().collect()
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
        // The saving thread ends with the channel, once every page is saved.
        lock(&self.inner.saver).take();
        if let Some(t) = self.saving.take() {
            let _ = t.join();
        }
    }
}

impl Inner {
    /// Writes to the driver; the caller holds the state lock. Returns the bytes written.
    fn send(&self, bytes: &[u8]) -> usize {
        let mut line = lock(&self.line);
        let Some(l) = line.as_mut() else {
            return 0;
        };
        if l.master
            .write_all(bytes)
            .and_then(|()| l.master.flush())
            .is_ok()
        {
            bytes.len()
        } else {
            0
        }
    }

    /// Bytes written to the driver and not read by it yet (None when unplugged).
    fn unread(&self) -> Option<usize> {
        let line = lock(&self.line);
        Some(line.as_ref()?.slave.bytes_to_read().ok()? as usize)
    }

    /// Waits until `n` unread bytes can be read on the driver's side (the pty hands written
    /// bytes over asynchronously), or 5 ms have passed (the driver is reading them already).
    fn arrived(&self, n: usize) {
        let until = Instant::now() + Duration::from_millis(5);
        while Instant::now() < until {
            match self.unread() {
                Some(waiting) if waiting < n => std::thread::sleep(Duration::from_micros(100)),
                _ => return,
            }
        }
    }
}

/// Sends the ASB block of the current status, when ASB is on and the printer's status
/// answers are not cut off (see [`Answers`]). Returns the bytes written.
fn send_asb(inner: &Inner, s: &State) -> usize {
    if s.asb == 0 || s.answers != Answers::All {
        return 0;
    }
    inner.send(&status::encode_asb(&s.status))
}

/// Executes a command; returns the bytes it sent to the driver (an ASB block for GS a).
fn apply(inner: &Inner, s: &mut State, e: Event) -> usize {
    let mut sent = 0;
    if let Event::Ignored(b) = &e {
        if let [0x1D, b'a', n] = b[..] {
            s.asb = n;
            sent = send_asb(inner, s);
        }
    }
    s.doc.apply(e);
    let pages = s.doc.take_pages();
    if pages.is_empty() {
        return sent;
    }
    for page in pages {
        if let Some(saver) = lock(&inner.saver).as_ref() {
            let n = inner.saved.fetch_add(1, Ordering::SeqCst) + 1;
            let _ = saver.send((n, page.clone()));
        }
        s.pages.push(page);
    }
    inner.printed.notify_all();
    sent
}

/// DLE DC4 8: drops what the printer holds and what it has of an unfinished page (the torn
/// end of the roll), and says so; ignored behind a bridge that drops real-time commands.
fn clear_buffers(inner: &Inner, s: &mut State) {
    if s.answers != Answers::All {
        return;
    }
    s.held.clear();
    s.doc = DocumentBuilder::new();
    inner.send(&status::CLEAR_RESPONSE);
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
            let rest = &buf[at..];
            let clear = &status::CLEAR_BUFFERS;
            if rest.starts_with(&clear[..3]) {
                if rest.len() < clear.len() {
                    break;
                }
                if rest.starts_with(clear) {
                    at += clear.len();
                    let mut s = lock(&inner.state);
                    s.saw(Seen::ClearBuffers);
                    clear_buffers(inner, &mut s);
                    continue;
                }
            }
            let Parsed::Event(e, n) = escpos_parse::parse(rest) else {
                break;
            };
            at += n;
            let mut s = lock(&inner.state);
            s.saw(match &e {
                Event::StatusRequest(n) => Seen::StatusRequest(*n),
                Event::SensorRequest(n) => Seen::SensorRequest(*n),
                Event::Ignored(b) if b.len() == 3 && b[..2] == [0x1D, b'a'] => {
                    Seen::AutomaticStatus(b[2])
                }
                _ => Seen::Data,
            });
            if let Some(answer) = document::status_answer(&e, &s.status) {
                let silent = matches!(
                    (&e, s.answers),
                    (_, Answers::None) | (Event::StatusRequest(_), Answers::GsROnly)
                );
                if !silent {
                    inner.send(&[answer]);
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
