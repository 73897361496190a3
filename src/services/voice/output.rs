//! Where the samples go: an ALSA device, or a WAV file that stands in for one (tests, CI, a
//! technician listening to what a kiosk said). Both take the samples at the pace a sound card
//! plays them, so cutting a prompt off works the same on either.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::clips::{spec, RATE};

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The ALSA device could not be opened or set up (no card, a name that is not one, the
    /// device in use).
    #[error("sound device {device:?}: {source}")]
    Device {
        device: String,
        #[source]
        source: alsa::Error,
    },
    /// Writing to the device failed in a way a restart of the stream did not mend.
    #[error("sound device {device:?} failed while playing: {source}")]
    Write {
        device: String,
        #[source]
        source: alsa::Error,
    },
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: hound::Error,
    },
}

/// A sound output: mono 16-bit samples at [`RATE`].
pub trait AudioOut {
    /// Plays a short chunk; returns about when it has been taken (a device's buffer full
    /// blocks; a file paces itself the same way).
    fn play(&mut self, chunk: &[i16]) -> Result<(), AudioError>;
    /// The utterance is over: what was buffered plays out.
    fn finish(&mut self) -> Result<(), AudioError>;
    /// Cut off: what is buffered is dropped.
    fn cut(&mut self);
    /// The utterance's record, for outputs that keep one (the file's log).
    fn record(&mut self, _line: &str) {}
}

/// Opens `[audio] output`: "file:PATH" or an ALSA device name.
pub fn open(output: &str) -> Result<Box<dyn AudioOut>, AudioError> {
    match output.strip_prefix("file:") {
        Some(path) => Ok(Box::new(WavFileOut::new(Path::new(path)))),
        None => Ok(Box::new(AlsaOut::open(output)?)),
    }
}

/// Checks that the output can be opened (`kiosk doctor`), without playing anything.
pub fn probe(output: &str) -> Result<String, AudioError> {
    match output.strip_prefix("file:") {
        Some(path) => {
            let dir = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if dir.is_dir() {
                Ok(format!("writes to {path}"))
            } else {
                Err(AudioError::File {
                    path: path.into(),
                    source: hound::Error::IoError(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "its directory does not exist",
                    )),
                })
            }
        }
        None => AlsaOut::open(output).map(|_| format!("ALSA device {output:?} opens")),
    }
}

/// An ALSA playback device (through "default" or "plughw:..." ALSA converts to what the
/// card takes).
pub struct AlsaOut {
    device: String,
    pcm: alsa::PCM,
}

impl AlsaOut {
    pub fn open(device: &str) -> Result<AlsaOut, AudioError> {
        let err = |source| AudioError::Device {
            device: device.to_owned(),
            source,
        };
        let pcm = alsa::PCM::new(device, alsa::Direction::Playback, false).map_err(err)?;
        {
            let hw = alsa::pcm::HwParams::any(&pcm).map_err(err)?;
            hw.set_channels(1).map_err(err)?;
            hw.set_rate(RATE, alsa::ValueOr::Nearest).map_err(err)?;
            hw.set_format(alsa::pcm::Format::s16()).map_err(err)?;
            hw.set_access(alsa::pcm::Access::RWInterleaved)
                .map_err(err)?;
            // A short buffer: a cut-off prompt stops within about a tenth of a second.
            hw.set_buffer_time_near(100_000, alsa::ValueOr::Nearest)
                .map_err(err)?;
            pcm.hw_params(&hw).map_err(err)?;
        }
        Ok(AlsaOut {
            device: device.to_owned(),
            pcm,
        })
    }
}

impl AudioOut for AlsaOut {
    fn play(&mut self, chunk: &[i16]) -> Result<(), AudioError> {
        let io = self.pcm.io_i16().map_err(|source| AudioError::Write {
            device: self.device.clone(),
            source,
        })?;
        let mut rest = chunk;
        while !rest.is_empty() {
            match io.writei(rest) {
                Ok(n) => rest = &rest[n..],
                // An underrun (the UI thread kept the player waiting) is mended by
                // preparing the stream again; anything else is the device gone.
                Err(e) => self
                    .pcm
                    .try_recover(e, true)
                    .map_err(|source| AudioError::Write {
                        device: self.device.clone(),
                        source,
                    })?,
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), AudioError> {
        if self.pcm.state() != alsa::pcm::State::Running {
            let _ = self.pcm.start();
        }
        self.pcm.drain().map_err(|source| AudioError::Write {
            device: self.device.clone(),
            source,
        })?;
        // Ready for the next utterance (drain leaves the stream in SETUP).
        let _ = self.pcm.prepare();
        Ok(())
    }

    fn cut(&mut self) {
        let _ = self.pcm.drop();
        let _ = self.pcm.prepare();
    }
}

/// `file:PATH`: each utterance is appended to a WAV file, in real time, and its record
/// (prompt, clip ids, samples, cut off or not) to PATH.log as a JSON line.
pub struct WavFileOut {
    path: PathBuf,
    writer: Option<hound::WavWriter<std::io::BufWriter<std::fs::File>>>,
    started: Option<Instant>,
    written: u64,
    failed: bool,
}

impl WavFileOut {
    pub fn new(path: &Path) -> WavFileOut {
        WavFileOut {
            path: path.to_owned(),
            writer: None,
            started: None,
            written: 0,
            failed: false,
        }
    }

    fn writer(
        &mut self,
    ) -> Result<&mut hound::WavWriter<std::io::BufWriter<std::fs::File>>, AudioError> {
        if self.writer.is_none() {
            let file = |source| AudioError::File {
                path: self.path.clone(),
                source,
            };
            let w = if self.path.is_file() {
                hound::WavWriter::append(&self.path).map_err(file)?
            } else {
                hound::WavWriter::create(&self.path, spec()).map_err(file)?
            };
            self.writer = Some(w);
        }
        Ok(self.writer.as_mut().expect("set above"))
    }

    /// Keeps to the pace of a sound card: a chunk is "played" when its time has come.
    fn pace(&mut self, samples: usize) {
        let started = *self.started.get_or_insert_with(Instant::now);
        self.written += samples as u64;
        let due = started + Duration::from_secs_f64(self.written as f64 / f64::from(RATE));
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
    }

    fn close(&mut self) -> Result<(), AudioError> {
        self.started = None;
        self.written = 0;
        if let Some(w) = self.writer.take() {
            w.finalize().map_err(|source| AudioError::File {
                path: self.path.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

impl AudioOut for WavFileOut {
    fn play(&mut self, chunk: &[i16]) -> Result<(), AudioError> {
        let path = self.path.clone();
        let w = self.writer()?;
        for &s in chunk {
            w.write_sample(s).map_err(|source| AudioError::File {
                path: path.clone(),
                source,
            })?;
        }
        self.pace(chunk.len());
        Ok(())
    }

    fn finish(&mut self) -> Result<(), AudioError> {
        self.close()
    }

    fn cut(&mut self) {
        if let Err(e) = self.close() {
            if !std::mem::replace(&mut self.failed, true) {
                tracing::warn!("voice output file: {e}");
            }
        }
    }

    fn record(&mut self, line: &str) {
        let mut log = self.path.clone().into_os_string();
        log.push(".log");
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut f| writeln!(f, "{line}"));
        if let Err(e) = written {
            if !std::mem::replace(&mut self.failed, true) {
                tracing::warn!(log = %Path::new(&log).display(), "voice log not written: {e}");
            }
        }
    }
}
