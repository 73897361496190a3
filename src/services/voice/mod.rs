//! The voice: a player thread that speaks [`Utterance`]s through the configured output.
//!
//! One thread owns the output (an ALSA device is not shared between threads), takes
//! commands on a channel and plays in chunks of 50 ms, looking for a newer command between
//! chunks: a touch cuts a prompt off within a chunk, a new screen's prompt replaces the last
//! one, and the end of a session silences it. A missing or failing device is a warning and
//! the kiosk goes on silent; nothing the UI does waits for sound.

mod clips;
mod output;

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use clips::{
    read_clip, write_wav, ClipError, ClipStore, LocaleReport, Origin, Played, Rendered, RATE,
};
pub use output::{probe, AudioError, AudioOut};

use crate::domain::hours::DailyRange;
use crate::domain::voice::{volume_at, Utterance, VoiceMode};
use crate::platform::config::{Config, Locale};

/// 50 ms of sound: how late a cut-off may come.
const CHUNK: usize = RATE as usize / 20;
/// A device that would not open is tried again after this long, not on every prompt.
const REOPEN_AFTER: Duration = Duration::from_secs(30);

/// `[audio]` as the player needs it.
#[derive(Debug, Clone)]
pub struct VoiceSettings {
    pub output: String,
    pub mode: VoiceMode,
    pub volume_percent: u8,
    pub quiet: Option<(DailyRange, u8)>,
    pub utc_offset: time::UtcOffset,
    pub packs: std::path::PathBuf,
    pub recordings: std::path::PathBuf,
}

impl VoiceSettings {
    pub fn from_config(config: &Config) -> VoiceSettings {
        let a = &config.audio;
        VoiceSettings {
            output: a.output.clone(),
            mode: a.voice,
            volume_percent: a.volume_percent.min(100),
            // `config check` refuses quiet hours that do not parse.
            quiet: a
                .quiet_hours
                .as_deref()
                .and_then(|q| DailyRange::parse(q).ok())
                .map(|r| (r, a.quiet_volume_percent.min(100))),
            utc_offset: config.utc_offset(),
            packs: a.packs.clone(),
            recordings: a.recordings.clone(),
        }
    }
}

/// The output's condition, for the staff screen and `kiosk doctor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceState {
    /// Nothing has been played yet.
    Untried,
    Working,
    Failed(String),
}

enum Command {
    Say {
        utterance: Utterance,
        locale: Locale,
        after: Duration,
        asked: Instant,
    },
    Stop,
}

struct Shared {
    tx: mpsc::Sender<Command>,
    mode: VoiceMode,
    volume: AtomicU8,
    speaking: AtomicBool,
    device: Mutex<DeviceState>,
}

/// A handle on the voice; clones speak through the same player. The player thread ends
/// when the last handle is dropped.
#[derive(Clone)]
pub struct Voice {
    shared: Option<Arc<Shared>>,
}

impl std::fmt::Debug for Voice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.shared {
            None => f.write_str("Voice(off)"),
            Some(s) => write!(f, "Voice({:?})", s.mode),
        }
    }
}

impl Voice {
    /// A voice that never speaks (`voice = "off"`, screenshots, tools).
    pub fn off() -> Voice {
        Voice { shared: None }
    }

    /// Starts the player thread (none when the mode is off).
    pub fn start(settings: VoiceSettings) -> Voice {
        if settings.mode == VoiceMode::Off {
            return Voice::off();
        }
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            tx,
            mode: settings.mode,
            volume: AtomicU8::new(settings.volume_percent),
            speaking: AtomicBool::new(false),
            device: Mutex::new(DeviceState::Untried),
        });
        let store = ClipStore::open(&settings.packs, &settings.recordings);
        if store.pack_locales().is_empty() {
            tracing::warn!(packs = %settings.packs.display(), "no voice pack installed: the kiosk will be silent (scripts/voice-pack makes them)");
        }
        let weak = Arc::downgrade(&shared);
        // The output is opened on the player's thread, which alone touches it.
        let spawned = std::thread::Builder::new()
            .name("voice".into())
            .spawn(move || {
                Player {
                    shared: weak,
                    store,
                    settings,
                    out: None,
                    failed_at: None,
                }
                .run(rx)
            });
        if let Err(e) = spawned {
            tracing::warn!("voice not started, the kiosk stays silent: {e}");
            return Voice::off();
        }
        Voice {
            shared: Some(shared),
        }
    }

    pub fn mode(&self) -> VoiceMode {
        self.shared.as_ref().map_or(VoiceMode::Off, |s| s.mode)
    }

    /// Says `utterance` after `after`, in place of anything said or waiting.
    pub fn say(&self, utterance: Utterance, locale: Locale, after: Duration) {
        if let Some(s) = &self.shared {
            let _ = s.tx.send(Command::Say {
                utterance,
                locale,
                after,
                asked: Instant::now(),
            });
        }
    }

    /// Silence now: the citizen acted, or the session ended.
    pub fn stop(&self) {
        if let Some(s) = &self.shared {
            let _ = s.tx.send(Command::Stop);
        }
    }

    pub fn volume(&self) -> u8 {
        self.shared
            .as_ref()
            .map_or(0, |s| s.volume.load(Ordering::Relaxed))
    }

    /// Staff's volume, from the next utterance on (not kept across a restart: the config's
    /// is the hall's setting).
    pub fn set_volume(&self, percent: u8) {
        if let Some(s) = &self.shared {
            s.volume.store(percent.min(100), Ordering::Relaxed);
        }
    }

    pub fn speaking(&self) -> bool {
        self.shared
            .as_ref()
            .is_some_and(|s| s.speaking.load(Ordering::Relaxed))
    }

    pub fn device(&self) -> DeviceState {
        match &self.shared {
            None => DeviceState::Untried,
            Some(s) => s
                .device
                .lock()
                .map(|d| d.clone())
                .unwrap_or(DeviceState::Untried),
        }
    }
}

struct Player {
    shared: std::sync::Weak<Shared>,
    store: ClipStore,
    settings: VoiceSettings,
    out: Option<Box<dyn AudioOut>>,
    failed_at: Option<Instant>,
}

/// How one utterance ended.
enum Ended {
    Done,
    /// A newer command came; it is handled next.
    Interrupted(Command),
    /// Every handle is gone: the kiosk is stopping.
    Quit,
}

impl Player {
    fn run(mut self, rx: mpsc::Receiver<Command>) {
        let mut next: Option<Command> = None;
        loop {
            let command = match next.take() {
                Some(c) => c,
                None => match rx.recv() {
                    Ok(c) => c,
                    Err(_) => return,
                },
            };
            let Command::Say {
                utterance,
                locale,
                after,
                asked,
            } = command
            else {
                continue;
            };
            if !after.is_zero() {
                match rx.recv_timeout(after) {
                    Ok(newer) => {
                        next = Some(newer);
                        continue;
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            match self.speak(&utterance, locale, asked + after, &rx) {
                Ended::Done => {}
                Ended::Interrupted(c) => next = Some(c),
                Ended::Quit => return,
            }
        }
    }

    fn set_device(&self, state: DeviceState) {
        if let Some(s) = self.shared.upgrade() {
            if let Ok(mut d) = s.device.lock() {
                *d = state;
            }
        }
    }

    fn output(&mut self) -> Option<&mut Box<dyn AudioOut>> {
        if self.out.is_none() {
            if self.failed_at.is_some_and(|t| t.elapsed() < REOPEN_AFTER) {
                return None;
            }
            match output::open(&self.settings.output) {
                Ok(o) => {
                    self.out = Some(o);
                    self.failed_at = None;
                }
                Err(e) => {
                    tracing::warn!(target: "alert", "no sound: {e}; the kiosk goes on without voice");
                    self.set_device(DeviceState::Failed(e.to_string()));
                    self.failed_at = Some(Instant::now());
                    return None;
                }
            }
        }
        self.out.as_mut()
    }

    fn volume(&self) -> u8 {
        let normal = self
            .shared
            .upgrade()
            .map_or(0, |s| s.volume.load(Ordering::Relaxed));
        let now = hall_link::clock::now_utc()
            .to_offset(self.settings.utc_offset)
            .time();
        volume_at(normal, self.settings.quiet, now)
    }

    fn speak(
        &mut self,
        utterance: &Utterance,
        locale: Locale,
        due: Instant,
        rx: &mpsc::Receiver<Command>,
    ) -> Ended {
        let volume = self.volume();
        if volume == 0 {
            return Ended::Done;
        }
        let mut rendered = self.store.render(utterance, locale);
        if !rendered.problems.is_empty() {
            tracing::warn!(
                prompt = %utterance.prompt,
                missing = rendered.problems.len(),
                first = %rendered.problems[0],
                "voice: clips left out"
            );
        }
        if rendered.samples.is_empty() {
            return Ended::Done;
        }
        let gain = f32::from(volume) / 100.0;
        for s in &mut rendered.samples {
            *s = (f32::from(*s) * gain) as i16;
        }
        let Some(shared) = self.shared.upgrade() else {
            return Ended::Quit;
        };
        shared.speaking.store(true, Ordering::Relaxed);
        drop(shared);
        let mut first_sound_us = None;
        let mut ended = Ended::Done;
        let mut failure = None;
        let mut cut = false;
        let mut played = 0;
        let samples = std::mem::take(&mut rendered.samples);
        if self.output().is_none() {
            self.mark_silent();
            return Ended::Done;
        }
        for chunk in samples.chunks(CHUNK) {
            match rx.try_recv() {
                Ok(c) => {
                    ended = Ended::Interrupted(c);
                    cut = true;
                    break;
                }
                Err(mpsc::TryRecvError::Disconnected) => {
                    ended = Ended::Quit;
                    cut = true;
                    break;
                }
                Err(mpsc::TryRecvError::Empty) => {}
            }
            // The first sound is when the first samples reach the output (ALSA starts the
            // stream with them).
            first_sound_us.get_or_insert_with(|| due.elapsed().as_micros() as u64);
            let out = self.out.as_mut().expect("opened above");
            if let Err(e) = out.play(chunk) {
                failure = Some(e);
                break;
            }
            played += chunk.len();
        }
        let out = self.out.as_mut().expect("opened above");
        if cut {
            out.cut();
        } else if failure.is_none() {
            if let Err(e) = out.finish() {
                failure = Some(e);
            }
        }
        let record = serde_json::json!({
            "prompt": utterance.prompt,
            "locale": locale.code(),
            "clips": rendered.played.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            "samples": samples.len(),
            "played": played,
            "cut": cut,
            "first_sound_us": first_sound_us,
        });
        out.record(&record.to_string());
        match failure {
            Some(e) => {
                tracing::warn!(target: "alert", "sound output failed: {e}; trying it again later");
                self.set_device(DeviceState::Failed(e.to_string()));
                self.out = None;
                self.failed_at = Some(Instant::now());
            }
            None => self.set_device(DeviceState::Working),
        }
        tracing::debug!(prompt = %utterance.prompt, clips = rendered.played.len(), cut, "voice: said");
        self.mark_silent();
        ended
    }

    fn mark_silent(&self) {
        if let Some(s) = self.shared.upgrade() {
            s.speaking.store(false, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(output: &str) -> VoiceSettings {
        VoiceSettings {
            output: output.into(),
            mode: VoiceMode::Always,
            volume_percent: 80,
            quiet: None,
            utc_offset: time::UtcOffset::UTC,
            packs: "/nonexistent".into(),
            recordings: "/nonexistent".into(),
        }
    }

    #[test]
    fn voice_off_starts_no_player_and_says_nothing() {
        let v = Voice::start(VoiceSettings {
            mode: VoiceMode::Off,
            ..settings("default")
        });
        assert_eq!(v.mode(), VoiceMode::Off);
        v.say(
            Utterance::prompt("screen-home"),
            Locale::ZhCn,
            Duration::ZERO,
        );
        assert!(!v.speaking());
        assert_eq!(v.volume(), 0);
    }

    #[test]
    fn a_missing_sound_device_is_reported_and_never_blocks() {
        let dir = tempfile::tempdir().unwrap();
        // A pack of one clip, so there is something to play.
        let pack = dir.path().join("zh-CN");
        std::fs::create_dir_all(&pack).unwrap();
        write_wav(&pack.join("screen-home.wav"), &[1000; 2205]).unwrap();
        std::fs::write(
            pack.join("manifest.toml"),
            "locale = \"zh-CN\"\nrate = 22050\n[clips]\nscreen-home = \"screen-home.wav\"\n",
        )
        .unwrap();
        let v = Voice::start(VoiceSettings {
            packs: dir.path().to_owned(),
            ..settings("no-such-alsa-device")
        });
        let asked = Instant::now();
        v.say(
            Utterance::prompt("screen-home"),
            Locale::ZhCn,
            Duration::ZERO,
        );
        assert!(
            asked.elapsed() < Duration::from_millis(50),
            "say() never waits"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while !matches!(v.device(), DeviceState::Failed(_)) {
            assert!(Instant::now() < deadline, "the failure is reported");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!v.speaking());
        // Volume still follows staff's buttons, for when a device comes.
        v.set_volume(120);
        assert_eq!(v.volume(), 100);
    }
}
