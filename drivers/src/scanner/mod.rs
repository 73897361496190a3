//! QR scanners: serial line scanners, HID keyboard-wedge scanners and cameras, all behind
//! one [`ScanDevice`] trait whose worker emits [`ScannerEvent`]s on a tokio channel.
//!
//! Module map:
//! - [`line`]: pure line assembly over bytes (terminator, maximum length, quiet time) and
//!   payload text decoding (UTF-8, then GB18030). Fuzzed (`scanner_line`).
//! - [`dedup`]: the "same code within N ms is one scan" rule.
//! - [`serial`]: serial / USB-CDC line scanners over `serialport`.
//! - [`hid`]: keyboard-wedge scanners over evdev, with US and Chinese (Alt+numpad GBK) key maps.
//! - [`image_decode`]: QR decoding of luma frames and PNG/JPEG files with rqrr, retry passes.
//! - [`frames`]: the camera decode worker that skips frames while busy, and a "camera" made of
//!   image files.
//! - `camera` (cargo feature `camera`): V4L2 capture with the `v4l` crate.
//! - [`payload`]: what a scanned text means to the kiosk ([`payload::KioskCode`]). Fuzzed
//!   (`scanner_payload`).
//! - [`sim`]: a serial line scanner on a pseudo-terminal.
//! - [`synth`]: synthetic camera frames (rotated, blurred, washed-out, noisy QR codes).
//! - [`cli`]: `kiosk device scanner read | decode | camera`.
//!
//! [`spawn_scanner`] picks the device from [`ScannerConfig::port`], runs it on its own thread,
//! reopens it with backoff after an unplug, suppresses duplicates, and stops when the
//! [`ScannerHandle`] is dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;
use tokio::sync::mpsc;

#[cfg(feature = "camera")]
pub mod camera;
pub mod cli;
pub mod dedup;
pub mod frames;
pub mod hid;
pub mod image_decode;
pub mod line;
pub mod payload;
pub mod serial;
pub mod sim;
pub mod synth;

pub use line::{Rejection, Terminator};

/// Which kind of scanner read a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanSource {
    Serial,
    Hid,
    Camera,
}

/// One code read by a scanner, already decoded to text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanned {
    /// The code's text (UTF-8, or GB18030 when the bytes were not UTF-8).
    pub payload: String,
    pub source: ScanSource,
    /// When the last byte (or frame) of the code arrived.
    pub at: SystemTime,
}

/// What a scanner worker reports to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannerEvent {
    /// A code; duplicates within the configured window are not reported again.
    Scanned(Scanned),
    /// Input that is not a code (noise, a half line, an over-long line). For the log, not
    /// for the citizen: the scanner simply did not read anything.
    Rejected(Rejection),
    /// The device cannot be opened or was lost (unplugged); the worker keeps retrying.
    /// Sent once per outage, with the cause.
    Offline(String),
    /// The device is open and reading: sent after the first open and after every reopen.
    Back,
}

/// Why a scanner device could not be opened or stopped working.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The port string names no known kind of device.
    #[error("scanner port {0:?} is not understood: expected a serial path, hid:PATH, camera:PATH or images:FILE,FILE...")]
    BadPort(String),
    /// The device node could not be opened (missing, permissions, busy).
    #[error("cannot open scanner {device}: {reason}")]
    Open { device: String, reason: String },
    /// The device was open and then failed: unplugged, or an I/O error.
    #[error("scanner {device} lost: {reason}")]
    Lost { device: String, reason: String },
    /// An image file could not be read or is not a PNG/JPEG image.
    #[error("cannot read image {path}: {reason}")]
    Image { path: String, reason: String },
    /// The kind of device needs a cargo feature this build does not have.
    #[error("{0} is not built in (rebuild kiosk-drivers with the `camera` feature)")]
    NotBuiltIn(&'static str),
}

/// One thing a device produced in a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceRead {
    /// A decoded code, not yet checked for duplicates.
    Payload(String),
    Rejected(Rejection),
}

/// One kind of scanner. The worker thread calls `open`, then `poll` until it fails, then
/// `close`, and opens again after a backoff.
pub trait ScanDevice: Send {
    fn source(&self) -> ScanSource;
    /// The device path, for messages.
    fn name(&self) -> String;
    fn open(&mut self) -> Result<(), ScanError>;
    /// Waits up to about `wait` for input. An error means the device is gone.
    fn poll(&mut self, wait: Duration) -> Result<Vec<DeviceRead>, ScanError>;
    /// Releases the device; returns what was pending (a half line becomes a rejection).
    fn close(&mut self) -> Vec<DeviceRead>;
}

/// Scanner settings, as in the `[devices.scanner]` section of kiosk.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScannerConfig {
    /// "/dev/ttyACM0" (any serial path, a pty too) | "hid:/dev/input/by-id/..." |
    /// "camera:/dev/video0" | "images:a.png,b.jpg" (a camera replaced by image files).
    pub port: String,
    pub baud: u32,
    /// What ends a code on a line scanner (HID scanners always end with Enter).
    pub terminator: Terminator,
    /// Longest accepted payload in bytes; longer input is rejected as noise.
    pub max_len: usize,
    /// A partial line followed by this much silence is dropped.
    pub quiet_ms: u64,
    /// The same code read again within this window (refreshed on every read) is one scan.
    pub duplicate_window_ms: u64,
    /// Key map of a HID scanner.
    pub hid_layout: hid::KeyLayout,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        ScannerConfig {
            port: String::new(),
            baud: 9600,
            terminator: Terminator::Cr,
            max_len: 2048,
            quiet_ms: 300,
            duplicate_window_ms: 1500,
            hid_layout: hid::KeyLayout::Us,
        }
    }
}

impl ScannerConfig {
    /// Defaults for everything but the port.
    pub fn new(port: impl Into<String>) -> Self {
        ScannerConfig {
            port: port.into(),
            ..ScannerConfig::default()
        }
    }

    fn line_rules(&self) -> line::LineRules {
        line::LineRules {
            terminator: self.terminator,
            max_len: self.max_len,
            quiet: Duration::from_millis(self.quiet_ms),
        }
    }
}

/// Builds the device a port string names.
pub fn open_device(cfg: &ScannerConfig) -> Result<Box<dyn ScanDevice>, ScanError> {
    let port = cfg.port.trim();
    if port.is_empty() {
        return Err(ScanError::BadPort(cfg.port.clone()));
    }
    if let Some(path) = port.strip_prefix("hid:") {
        return Ok(Box::new(hid::HidDevice::new(
            path,
            cfg.hid_layout,
            cfg.line_rules(),
        )));
    }
    if let Some(path) = port.strip_prefix("camera:") {
        #[cfg(feature = "camera")]
        return Ok(Box::new(camera::CameraDevice::new(path)));
        #[cfg(not(feature = "camera"))]
        {
            let _ = path;
            return Err(ScanError::NotBuiltIn("camera capture"));
        }
    }
    if let Some(list) = port.strip_prefix("images:") {
        let files: Vec<_> = list
            .split(',')
            .filter(|s| !s.is_empty())
            .map(std::path::PathBuf::from)
            .collect();
        if files.is_empty() {
            return Err(ScanError::BadPort(cfg.port.clone()));
        }
        return Ok(Box::new(frames::ImageFilesCamera::new(files)));
    }
    if port.contains(':') {
        return Err(ScanError::BadPort(cfg.port.clone()));
    }
    Ok(Box::new(serial::SerialDevice::new(
        port,
        cfg.baud,
        cfg.line_rules(),
    )))
}

/// Keeps a scanner worker running; dropping it stops the worker and closes the device.
pub struct ScannerHandle {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    beat: crate::alive::Beat,
    ended: Arc<AtomicBool>,
}

impl ScannerHandle {
    /// Stamped every poll (at least every 50 ms while the worker runs). A worker that ended
    /// (a port naming no device) is not hung: check [`ScannerHandle::is_running`] too.
    pub fn beat(&self) -> crate::alive::Beat {
        self.beat.clone()
    }

    /// [`ScannerHandle::is_running`] as a closure another thread can keep.
    pub fn running_flag(&self) -> impl Fn() -> bool + Send + Sync + 'static {
        let ended = self.ended.clone();
        move || !ended.load(Ordering::SeqCst)
    }

    /// True while the worker thread runs (it ends when stopped or the receiver is dropped).
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for ScannerHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            // The worker checks the flag at least every POLL_WAIT, so this join is short.
            let _ = t.join();
        }
    }
}

/// Events queued before the app reads them; a full queue drops events (with a warning)
/// rather than stall the device.
pub const EVENT_QUEUE: usize = 64;
const POLL_WAIT: Duration = Duration::from_millis(50);
const BACKOFF_MIN: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(2);

/// Starts the scanner named by `cfg.port` on its own thread.
///
/// A port that names no kind of device is reported as `Offline` with the reason, and the
/// worker ends (there is nothing to retry). Needs no tokio runtime to call; the receiver is
/// read from async code or with `blocking_recv`.
pub fn spawn_scanner(cfg: ScannerConfig) -> (mpsc::Receiver<ScannerEvent>, ScannerHandle) {
    let (tx, rx) = mpsc::channel(EVENT_QUEUE);
    let stop = Arc::new(AtomicBool::new(false));
    let device = open_device(&cfg);
    let window = Duration::from_millis(cfg.duplicate_window_ms);
    let flag = stop.clone();
    let beat = crate::alive::Beat::new();
    let b = beat.clone();
    let ended = Arc::new(AtomicBool::new(false));
    let e2 = ended.clone();
    let thread = std::thread::Builder::new()
        .name("scanner".into())
        .spawn(move || {
            match device {
                Ok(dev) => run_device(dev, window, &tx, &flag, &b),
                Err(e) => {
                    let _ = tx.try_send(ScannerEvent::Offline(e.to_string()));
                }
            }
            e2.store(true, Ordering::SeqCst);
        })
        .ok();
    if thread.is_none() {
        ended.store(true, Ordering::SeqCst);
    }
    (
        rx,
        ScannerHandle {
            stop,
            thread,
            beat,
            ended,
        },
    )
}

/// False when the app dropped the receiver, which ends the worker.
fn send(tx: &mpsc::Sender<ScannerEvent>, ev: ScannerEvent) -> bool {
    match tx.try_send(ev) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(ev)) => {
            // The kind only: a scan's payload may be a citizen's code or a staff credential.
            let kind = match ev {
                ScannerEvent::Scanned(s) => format!("a code of {} bytes", s.payload.len()),
                ScannerEvent::Rejected(_) => "rejected input".into(),
                ScannerEvent::Offline(_) => "offline".into(),
                ScannerEvent::Back => "back".into(),
            };
            tracing::warn!("scanner event queue full; {kind} dropped");
            true
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    }
}

fn sleep_unless_stopped(total: Duration, stop: &AtomicBool, beat: &crate::alive::Beat) {
    let end = Instant::now() + total;
    while !stop.load(Ordering::SeqCst) {
        beat.beat();
        let now = Instant::now();
        if now >= end {
            break;
        }
        std::thread::sleep((end - now).min(POLL_WAIT));
    }
}

/// The worker loop shared by every kind of device: open, poll, report, reopen with backoff.
pub fn run_device(
    mut dev: Box<dyn ScanDevice>,
    duplicate_window: Duration,
    tx: &mpsc::Sender<ScannerEvent>,
    stop: &AtomicBool,
    beat: &crate::alive::Beat,
) {
    let source = dev.source();
    let mut dedup = dedup::Deduper::new(duplicate_window);
    let mut backoff = BACKOFF_MIN;
    let mut offline_reported = false;
    let deliver = |reads: Vec<DeviceRead>, dedup: &mut dedup::Deduper| -> bool {
        for r in reads {
            let ev = match r {
                DeviceRead::Payload(p) => {
                    if !dedup.accept(&p, Instant::now()) {
                        continue;
                    }
                    ScannerEvent::Scanned(Scanned {
                        payload: p,
                        source,
                        at: SystemTime::now(),
                    })
                }
                DeviceRead::Rejected(r) => ScannerEvent::Rejected(r),
            };
            if !send(tx, ev) {
                return false;
            }
        }
        true
    };
    let running = || !stop.load(Ordering::SeqCst) && !tx.is_closed();
    'outer: while running() {
        if let Err(e) = dev.open() {
            tracing::debug!(device = %dev.name(), error = %e, "scanner open failed");
            if !offline_reported {
                offline_reported = true;
                if !send(tx, ScannerEvent::Offline(e.to_string())) {
                    break;
                }
            }
            sleep_unless_stopped(backoff, stop, beat);
            backoff = (backoff * 2).min(BACKOFF_MAX);
            continue;
        }
        offline_reported = false;
        backoff = BACKOFF_MIN;
        if !send(tx, ScannerEvent::Back) {
            break;
        }
        while running() {
            beat.beat();
            match dev.poll(POLL_WAIT) {
                Ok(reads) => {
                    if !deliver(reads, &mut dedup) {
                        break 'outer;
                    }
                }
                Err(e) => {
                    tracing::warn!(device = %dev.name(), error = %e, "scanner lost");
                    let pending = dev.close();
                    if !deliver(pending, &mut dedup) {
                        break 'outer;
                    }
                    offline_reported = true;
                    if !send(tx, ScannerEvent::Offline(e.to_string())) {
                        break 'outer;
                    }
                    sleep_unless_stopped(backoff, stop, beat);
                    continue 'outer;
                }
            }
        }
    }
    dev.close();
}
