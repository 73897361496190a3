//! The camera's decode worker, and a camera made of image files.
//!
//! Capture runs at the camera's rate while decoding may take longer than a frame period
//! (a Raspberry Pi is several times slower than a desktop), so frames go to one decode
//! thread through a single slot: while it is busy, new frames are skipped rather than
//! queued, and the capture loop never waits for it.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::image_decode::{decode_file, DecodedCode, FrameDecoder};
use super::{DeviceRead, ScanDevice, ScanError, ScanSource};

/// A greyscale frame (the Y plane of a camera frame).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: usize,
    pub height: usize,
    /// Row-major, one byte a pixel, `width * height` long.
    pub luma: Vec<u8>,
}

impl Frame {
    /// Loads a PNG/JPEG file as a greyscale frame.
    pub fn load(path: &std::path::Path) -> Result<Frame, ScanError> {
        let err = |reason: String| ScanError::Image {
            path: path.display().to_string(),
            reason,
        };
        let img = image::ImageReader::open(path)
            .map_err(|e| err(e.to_string()))?
            .with_guessed_format()
            .map_err(|e| err(e.to_string()))?
            .decode()
            .map_err(|e| err(e.to_string()))?
            .into_luma8();
        Ok(Frame {
            width: img.width() as usize,
            height: img.height() as usize,
            luma: img.into_raw(),
        })
    }
}

/// The Y plane of a camera buffer as a tight greyscale frame: `grey` buffers (V4L2 GREY)
/// hold one byte a pixel, the others YUYV (Y0 U Y1 V: every other byte is luma). Rows are
/// `stride` bytes apart (at least the row's own bytes); padding is skipped. None when the
/// buffer is too short for the dimensions.
pub fn luma_plane(grey: bool, width: u32, height: u32, stride: u32, buf: &[u8]) -> Option<Frame> {
    let (w, h) = (width as usize, height as usize);
    // An empty frame has nothing to decode; walking its rows (a driver may report a zero
    // width with millions of rows) would only cost time.
    if w == 0 || h == 0 {
        return None;
    }
    let bytes_pp = if grey { 1 } else { 2 };
    // Dimensions no buffer can hold (or a usize cannot count) are a short buffer, not an
    // overflow.
    let row_len = w.checked_mul(bytes_pp)?;
    let stride = (stride as usize).max(row_len);
    let needed = stride
        .checked_mul(h.saturating_sub(1))?
        .checked_add(row_len)?;
    if buf.len() < needed {
        return None;
    }
    let mut luma = Vec::with_capacity(w * h);
    for y in 0..h {
        let row = &buf[y * stride..y * stride + row_len];
        if grey {
            luma.extend_from_slice(row);
        } else {
            // YUYV: Y0 U Y1 V; every other byte is luma.
            luma.extend(row.iter().step_by(2));
        }
    }
    Some(Frame {
        width: w,
        height: h,
        luma,
    })
}

struct Shared {
    slot: Mutex<Option<Frame>>,
    wake: Condvar,
    busy: AtomicBool,
    stop: AtomicBool,
    skipped: AtomicU64,
    decoded: AtomicU64,
}

/// A decode thread fed one frame at a time; stops when dropped.
pub struct FrameWorker {
    shared: Arc<Shared>,
    results: std_mpsc::Receiver<Vec<DecodedCode>>,
    thread: Option<JoinHandle<()>>,
}

impl FrameWorker {
    pub fn spawn() -> io::Result<FrameWorker> {
        let shared = Arc::new(Shared {
            slot: Mutex::new(None),
            wake: Condvar::new(),
            busy: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            skipped: AtomicU64::new(0),
            decoded: AtomicU64::new(0),
        });
        let (tx, results) = std_mpsc::channel();
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("qr-decode".into())
            .spawn(move || decode_loop(&s, &tx))?;
        Ok(FrameWorker {
            shared,
            results,
            thread: Some(thread),
        })
    }

    /// Hands a frame to the decoder. False when the decoder is busy and the frame was skipped.
    pub fn submit(&self, frame: Frame) -> bool {
        if self
            .shared
            .busy
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            self.shared.skipped.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        *lock(&self.shared.slot) = Some(frame);
        self.shared.wake.notify_one();
        true
    }

    /// Codes decoded since the last call, without waiting.
    pub fn try_results(&self) -> Vec<DecodedCode> {
        self.results.try_iter().flatten().collect()
    }

    /// Waits up to `timeout` for the result of the next decoded frame (empty if none).
    pub fn wait_result(&self, timeout: Duration) -> Option<Vec<DecodedCode>> {
        self.results.recv_timeout(timeout).ok()
    }

    /// Frames skipped because the decoder was busy.
    pub fn skipped(&self) -> u64 {
        self.shared.skipped.load(Ordering::Relaxed)
    }

    /// Frames decoded.
    pub fn decoded(&self) -> u64 {
        self.shared.decoded.load(Ordering::Relaxed)
    }
}

impl Drop for FrameWorker {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The slot holds plain data; a panic elsewhere cannot leave it inconsistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn decode_loop(s: &Shared, tx: &std_mpsc::Sender<Vec<DecodedCode>>) {
    // One decoder for the stream: a code held before the camera is read again from its
    // last place, at a tenth of a cold decode's cost.
    let mut decoder = FrameDecoder::new();
    loop {
        let frame = {
            let mut slot = lock(&s.slot);
            loop {
                if s.stop.load(Ordering::SeqCst) {
                    return;
                }
                if let Some(f) = slot.take() {
                    break f;
                }
                slot = s
                    .wake
                    .wait_timeout(slot, Duration::from_millis(100))
                    .map(|(g, _)| g)
                    .unwrap_or_else(|p| p.into_inner().0);
            }
        };
        let codes = decoder.decode(frame.width, frame.height, &frame.luma);
        s.decoded.fetch_add(1, Ordering::Relaxed);
        s.busy.store(false, Ordering::Release);
        if tx.send(codes).is_err() {
            return;
        }
    }
}

/// Turns decoded codes into device reads.
pub fn code_reads(codes: Vec<DecodedCode>) -> Vec<DeviceRead> {
    codes
        .into_iter()
        .map(|c| DeviceRead::Payload(c.payload))
        .collect()
}

/// A camera replaced by image files: shows them in turn at `frame_period`, through the same
/// frame-skipping decode worker as a real camera. Port `images:a.png,b.jpg`.
pub struct ImageFilesCamera {
    files: Vec<PathBuf>,
    frame_period: Duration,
    frames: Vec<Frame>,
    next: usize,
    next_at: Instant,
    worker: Option<FrameWorker>,
}

impl ImageFilesCamera {
    pub fn new(files: Vec<PathBuf>) -> Self {
        ImageFilesCamera {
            files,
            frame_period: Duration::from_millis(33),
            frames: Vec::new(),
            next: 0,
            next_at: Instant::now(),
            worker: None,
        }
    }
}

impl ScanDevice for ImageFilesCamera {
    fn source(&self) -> ScanSource {
        ScanSource::Camera
    }

    fn name(&self) -> String {
        let names: Vec<_> = self.files.iter().map(|p| p.display().to_string()).collect();
        format!("images:{}", names.join(","))
    }

    fn open(&mut self) -> Result<(), ScanError> {
        let frames = self
            .files
            .iter()
            .map(|p| Frame::load(p))
            .collect::<Result<Vec<_>, _>>()?;
        let worker = FrameWorker::spawn().map_err(|e| ScanError::Open {
            device: self.name(),
            reason: e.to_string(),
        })?;
        self.frames = frames;
        self.worker = Some(worker);
        self.next_at = Instant::now();
        Ok(())
    }

    fn poll(&mut self, wait: Duration) -> Result<Vec<DeviceRead>, ScanError> {
        let worker = self.worker.as_ref().ok_or_else(|| ScanError::Lost {
            device: self
                .files
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            reason: "not open".into(),
        })?;
        let now = Instant::now();
        if now < self.next_at {
            std::thread::sleep((self.next_at - now).min(wait));
        }
        if Instant::now() >= self.next_at && !self.frames.is_empty() {
            let frame = self.frames[self.next % self.frames.len()].clone();
            worker.submit(frame);
            self.next = self.next.wrapping_add(1);
            self.next_at += self.frame_period;
        }
        Ok(code_reads(worker.try_results()))
    }

    fn close(&mut self) -> Vec<DeviceRead> {
        self.worker = None;
        Vec::new()
    }
}

/// Decodes image files one by one (the CLI's `decode`): per file, its codes or why it could
/// not be read.
pub fn decode_files(files: &[PathBuf]) -> Vec<(PathBuf, Result<Vec<DecodedCode>, ScanError>)> {
    files.iter().map(|p| (p.clone(), decode_file(p))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuyv_and_grey_buffers_give_the_y_plane_and_padding_is_skipped() {
        // 4 bytes of pixels and 2 of padding a row
        let buf = [10, 1, 20, 2, 99, 99, 30, 3, 40, 4, 99, 99];
        assert_eq!(
            luma_plane(false, 2, 2, 6, &buf).unwrap().luma,
            vec![10, 20, 30, 40]
        );
        assert_eq!(
            luma_plane(true, 3, 2, 3, &[1, 2, 3, 4, 5, 6]).unwrap().luma,
            vec![1, 2, 3, 4, 5, 6]
        );
        assert!(
            luma_plane(true, 3, 2, 3, &[1, 2, 3, 4, 5]).is_none(),
            "short buffer"
        );
    }

    #[test]
    fn dimensions_whose_size_overflows_are_refused_not_a_panic() {
        // Found by the camera_frames fuzz target: a YUYV format of 4278255360 x 4278190080
        // overflowed `stride * (height - 1)` (a panic in debug builds; in release a wrapped
        // size could let a short buffer through to the row slicing).
        assert!(luma_plane(false, 0xFF00_FF00, 0xFF00_0000, 0, &[0; 16]).is_none());
        assert!(luma_plane(true, u32::MAX, u32::MAX, u32::MAX, &[]).is_none());
        // Found by camera_frames: zero wide and 234 881 024 rows high took 14 s.
        let start = std::time::Instant::now();
        assert!(luma_plane(false, 0, 234_881_024, 0, &[]).is_none());
        assert!(luma_plane(true, 640, 0, 640, &[]).is_none());
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }
}
