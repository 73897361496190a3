//! V4L2 camera capture (cargo feature `camera`): GREY or YUYV frames, whose Y plane goes
//! straight to the frame-skipping decode worker ([`super::frames::FrameWorker`]).

use std::time::Duration;

use v4l::buffer::Type;
use v4l::io::mmap::Stream;
use v4l::io::traits::CaptureStream;
use v4l::video::Capture;
use v4l::{Device, FourCC};

use super::frames::{code_reads, luma_plane, Frame, FrameWorker};
use super::{DeviceRead, ScanDevice, ScanError, ScanSource};

/// Frames this size decode in a few ms on a desktop and well within a frame on a Pi 4.
const WIDTH: u32 = 640;
const HEIGHT: u32 = 480;

struct Open {
    stream: Stream<'static>,
    // Keeps the device node open while the stream runs.
    _dev: Device,
    format: v4l::Format,
    worker: FrameWorker,
}

pub struct CameraDevice {
    path: String,
    open: Option<Open>,
}

impl CameraDevice {
    pub fn new(path: &str) -> Self {
        CameraDevice {
            path: path.to_owned(),
            open: None,
        }
    }
}

/// The Y plane of a GREY or YUYV buffer as a tight greyscale frame.
pub fn luma_of(format: &v4l::Format, buf: &[u8]) -> Option<Frame> {
    luma_plane(
        format.fourcc == FourCC::new(b"GREY"),
        format.width,
        format.height,
        format.stride,
        buf,
    )
}

impl ScanDevice for CameraDevice {
    fn source(&self) -> ScanSource {
        ScanSource::Camera
    }

    fn name(&self) -> String {
        self.path.clone()
    }

    fn open(&mut self) -> Result<(), ScanError> {
        let err = |reason: String| ScanError::Open {
            device: self.path.clone(),
            reason,
        };
        let dev = Device::with_path(&self.path).map_err(|e| err(e.to_string()))?;
        let mut fmt = dev.format().map_err(|e| err(e.to_string()))?;
        fmt.width = WIDTH;
        fmt.height = HEIGHT;
        let mut chosen = None;
        for fourcc in [b"GREY", b"YUYV"] {
            fmt.fourcc = FourCC::new(fourcc);
            if let Ok(f) = dev.set_format(&fmt) {
                if f.fourcc == fmt.fourcc {
                    chosen = Some(f);
                    break;
                }
            }
        }
        let format = chosen.ok_or_else(|| err("camera offers neither GREY nor YUYV".into()))?;
        let mut stream =
            Stream::with_buffers(&dev, Type::VideoCapture, 4).map_err(|e| err(e.to_string()))?;
        stream.set_timeout(Duration::from_millis(200));
        let worker = FrameWorker::spawn().map_err(|e| err(e.to_string()))?;
        self.open = Some(Open {
            stream,
            _dev: dev,
            format,
            worker,
        });
        Ok(())
    }

    fn poll(&mut self, _wait: Duration) -> Result<Vec<DeviceRead>, ScanError> {
        let lost = |reason: String| ScanError::Lost {
            device: self.path.clone(),
            reason,
        };
        let open = self.open.as_mut().ok_or_else(|| lost("not open".into()))?;
        match open.stream.next() {
            Ok((buf, meta)) => {
                let used = (meta.bytesused as usize).min(buf.len());
                let used = if used == 0 { buf.len() } else { used };
                if let Some(frame) = luma_of(&open.format, &buf[..used]) {
                    // Skipped when the decoder is still busy with an earlier frame.
                    open.worker.submit(frame);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => return Err(lost(e.to_string())),
        }
        Ok(code_reads(open.worker.try_results()))
    }

    fn close(&mut self) -> Vec<DeviceRead> {
        self.open = None;
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuyv_and_grey_buffers_give_the_y_plane_and_padding_is_skipped() {
        let mut f = v4l::Format::new(2, 2, FourCC::new(b"YUYV"));
        f.stride = 6; // 4 bytes of pixels and 2 of padding a row
        let buf = [10, 1, 20, 2, 99, 99, 30, 3, 40, 4, 99, 99];
        let frame = luma_of(&f, &buf).unwrap();
        assert_eq!(frame.luma, vec![10, 20, 30, 40]);
        let mut g = v4l::Format::new(3, 2, FourCC::new(b"GREY"));
        g.stride = 3;
        assert_eq!(
            luma_of(&g, &[1, 2, 3, 4, 5, 6]).unwrap().luma,
            vec![1, 2, 3, 4, 5, 6]
        );
        assert!(luma_of(&g, &[1, 2, 3, 4, 5]).is_none(), "short buffer");
    }
}
