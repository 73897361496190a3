//! Time from a request to speak (a tap on the speaker button, a ticket shown) to the first
//! samples handed to the sound output, over 40 prompts: the clips read from the generated
//! packs, joined, scaled to the volume, and the first 50 ms chunk written. The output is
//! `file:` (no sound card here); on ALSA the same chunk goes to `writei`, which starts the
//! stream. The tap's own path (Slint callback, controller, channel send) adds microseconds.
//!
//!     cargo bench --bench voice_latency
//!
//! Needs the packs (scripts/setup makes them in target/voice).

use std::path::Path;
use std::time::{Duration, Instant};

use hall_kiosk::domain::voice::{Utterance, VoiceMode};
use hall_kiosk::platform::config::Locale;
use hall_kiosk::services::voice::{Voice, VoiceSettings};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let packs = root.join("target/voice");
    let ok = std::process::Command::new(root.join("scripts/voice-pack"))
        .arg("--out")
        .arg(&packs)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "scripts/voice-pack failed");
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("said.wav");
    let voice = Voice::start(VoiceSettings {
        output: format!("file:{}", wav.display()),
        mode: VoiceMode::Always,
        volume_percent: 80,
        quiet: None,
        utc_offset: time::UtcOffset::UTC,
        packs,
        recordings: "/nonexistent".into(),
    });
    let log = wav.with_extension("wav.log");
    let prompts = [
        Utterance::prompt("screen-home"),
        Utterance::ticket("A023", "3", Locale::ZhCn),
    ];
    let mut figures: Vec<(usize, f64)> = Vec::new();
    for i in 0..40 {
        let which = i % prompts.len();
        voice.say(prompts[which].clone(), Locale::ZhCn, Duration::ZERO);
        let start = Instant::now();
        while !voice.speaking() {
            assert!(start.elapsed() < Duration::from_secs(5), "never spoke");
            std::thread::sleep(Duration::from_micros(200));
        }
        voice.stop();
        let lines = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if text.lines().count() > i {
                break text;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        let last: serde_json::Value = serde_json::from_str(lines.lines().nth(i).unwrap()).unwrap();
        figures.push((which, last["first_sound_us"].as_f64().unwrap() / 1000.0));
    }
    for (which, name) in [
        (0, "screen prompt (1 clip)"),
        (1, "ticket announcement (29 clips)"),
    ] {
        let mut ms: Vec<f64> = figures
            .iter()
            .filter(|(w, _)| *w == which)
            .map(|(_, m)| *m)
            .collect();
        ms.sort_by(|a, b| a.total_cmp(b));
        let median = ms[ms.len() / 2];
        let max = ms[ms.len() - 1];
        println!(
            "request to first sound, {name}: median {median:.2} ms, max {max:.2} ms over {} (aim: 150 ms)",
            ms.len()
        );
    }
}
