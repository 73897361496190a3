//! Voice prompts end to end: the real app on Slint's testing backend, hall-sim on loopback,
//! the printer simulator on a pty, and `[audio] output = "file:..."` in place of a sound
//! card, which takes the samples at a sound card's pace and logs each utterance's clip ids
//! beside the WAV file.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{rig_configured, screen, tap, wait_until};
use hall_kiosk::domain::voice::{Utterance, VoiceMode};
use hall_kiosk::platform::config::Locale;
use hall_kiosk::services::voice::{read_clip, ClipStore};
use hall_kiosk::ui::TicketFlow;
use slint::ComponentHandle;

/// The generated prompt packs (scripts/voice-pack, which scripts/setup runs; quick when
/// they are up to date).
fn packs() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/voice");
    let status = std::process::Command::new(root.join("scripts/voice-pack"))
        .arg("--out")
        .arg(&out)
        .status()
        .expect("scripts/voice-pack runs (espeak-ng and sox from scripts/setup)");
    assert!(status.success(), "scripts/voice-pack failed");
    out
}

/// The player's log: one JSON object per utterance.
fn log(wav: &Path) -> Vec<serde_json::Value> {
    let mut path = wav.as_os_str().to_owned();
    path.push(".log");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Pumps the UI until the player has logged an utterance matching `what`, or 40 s (an
/// announcement said twice at a sound card's pace takes about ten).
fn wait_for_said(
    k: &std::rc::Rc<hall_kiosk::app::Kiosk>,
    wav: &Path,
    what: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let start = Instant::now();
    loop {
        if let Some(line) = log(wav).into_iter().find(|l| what(l)) {
            return line;
        }
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "timed out; the player said {:?}",
            log(wav)
        );
        k.pump();
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn voice_rig(wav: &Path, packs: &Path) -> common::Rig {
    let output = format!("file:{}", wav.display());
    let packs = packs.to_owned();
    rig_configured(
        move |c| {
            c.audio.output = output;
            c.audio.voice = VoiceMode::Elderly;
            c.audio.volume_percent = 80;
            c.audio.packs = packs;
            c.audio.recordings = "/nonexistent".into();
        },
        |o| o.elderly_default = true,
    )
}

#[test]
fn an_elderly_citizens_ticket_is_said_twice_with_its_window() {
    let packs = packs();
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("said.wav");
    let r = voice_rig(&wav, &packs);
    let k = &r.kiosk;
    tap(k, "取号");
    tap(k, "企业服务");
    tap(k, "不刷卡，直接取号");
    wait_until(k, "the ticket", || screen(k) == "ticket-issued");
    let flow = k.window().global::<TicketFlow>();
    let number = flow.get_ticket_no().to_string();
    let windows = flow.get_windows().to_string();
    let said = wait_for_said(k, &wav, |l| {
        l["prompt"] == "ticket-issued" && l["cut"] == false
    });
    // Printed: the citizen is told to take the ticket after the second announcement.
    let expected = Utterance::ticket(&number, &windows, Locale::ZhCn).then("ticket-take");
    let clips: Vec<&str> = said["clips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let mut want: Vec<&str> = expected.clips().collect();
    // English-only parts are absent in Mandarin; every clip the utterance names has text.
    want.retain(|c| !c.is_empty());
    assert_eq!(
        clips, want,
        "the number {number} and window {windows:?}, twice"
    );
    assert_eq!(
        clips.iter().filter(|c| **c == "ticket-issued").count(),
        2,
        "said twice"
    );
    assert!(clips.contains(&"ticket-window-before"), "with its window");
    assert_eq!(clips.last(), Some(&"ticket-take"));

    // The WAV's last utterance is that announcement, sample for sample at 80 % volume: the
    // clips of the pack, joined with their gaps.
    let rendered =
        ClipStore::open(&packs, Path::new("/nonexistent")).render(&expected, Locale::ZhCn);
    assert_eq!(
        said["samples"].as_u64().unwrap() as usize,
        rendered.samples.len()
    );
    let all = read_clip(&wav).unwrap();
    assert!(all.len() >= rendered.samples.len());
    let tail = &all[all.len() - rendered.samples.len()..];
    let scaled: Vec<i16> = rendered
        .samples
        .iter()
        .map(|&s| (f32::from(s) * 0.8) as i16)
        .collect();
    assert!(tail == scaled.as_slice(), "the file holds the announcement");
    let rms = (tail.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / tail.len() as f64).sqrt();
    assert!(rms > 300.0, "not silence (rms {rms:.0})");
    // At least two seconds of speech for "您的号码是 A001 号 请到 N 号窗口", twice.
    assert!(tail.len() > 2 * 22_050 * 2, "{} samples", tail.len());
}

#[test]
fn a_touch_cuts_a_prompt_off_and_going_home_silences_it() {
    let packs = packs();
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("said.wav");
    let r = voice_rig(&wav, &packs);
    let k = &r.kiosk;
    // The speaker button says this screen's prompt at once.
    tap(k, "朗读");
    let home = wait_for_said(k, &wav, |l| l["prompt"] == "screen-home");
    assert_eq!(home["clips"], serde_json::json!(["screen-home"]));
    assert_eq!(home["cut"], false);
    // A screen's prompt comes after a short delay, and the next touch cuts it off.
    tap(k, "取号");
    wait_until(k, "the categories", || screen(k) == "ticket-categories");
    let start = Instant::now();
    while !r.services.voice.speaking() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the prompt starts"
        );
        k.pump();
        std::thread::sleep(Duration::from_millis(10));
    }
    tap(k, "返回首页");
    let cut = wait_for_said(k, &wav, |l| l["prompt"] == "screen-ticket-categories");
    assert_eq!(cut["cut"], true, "cut off by the touch: {cut}");
    let (played, whole) = (
        cut["played"].as_u64().unwrap(),
        cut["samples"].as_u64().unwrap(),
    );
    assert!(
        played > 0 && played < whole,
        "{played} of {whole} samples played"
    );
    // The session wiped (idle timeout, card removal) silences it too, without a touch.
    tap(k, "取号");
    wait_until(k, "the categories", || screen(k) == "ticket-categories");
    let start = Instant::now();
    while !r.services.voice.speaking() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the prompt starts again"
        );
        k.pump();
        std::thread::sleep(Duration::from_millis(10));
    }
    k.go_home();
    let start = Instant::now();
    let wiped = loop {
        let lines = log(&wav);
        if lines.len() >= 3 {
            break lines[2].clone();
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{lines:?}");
        k.pump();
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(wiped["prompt"], "screen-ticket-categories");
    assert_eq!(wiped["cut"], true, "stopped by the wipe: {wiped}");
}

#[test]
fn paper_out_repeats_the_number_then_says_the_fault() {
    let packs = packs();
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("said.wav");
    let r = voice_rig(&wav, &packs);
    let k = &r.kiosk;
    let printer = r.services.demo.as_ref().unwrap().printer.clone();
    printer.set_paper(kiosk_drivers::printer::Paper::Out);
    tap(k, "取号");
    tap(k, "企业服务");
    tap(k, "不刷卡，直接取号");
    wait_until(k, "the ticket", || screen(k) == "ticket-issued");
    let said = wait_for_said(k, &wav, |l| {
        l["clips"].as_array().unwrap().last() == Some(&serde_json::json!("fault-paper-out"))
    });
    let clips = said["clips"].as_array().unwrap();
    assert_eq!(clips.iter().filter(|c| *c == "ticket-issued").count(), 2);
    assert!(
        !clips.contains(&serde_json::json!("ticket-take")),
        "no slip to take: {clips:?}"
    );
}

#[test]
fn the_idle_warning_is_said_before_the_session_ends() {
    let packs = packs();
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("said.wav");
    let output = format!("file:{}", wav.display());
    let r = rig_configured(
        move |c| {
            c.audio.output = output;
            c.audio.packs = packs;
            c.audio.recordings = "/nonexistent".into();
        },
        |o| {
            o.elderly_default = true;
            o.idle_timeout_s = 20;
        },
    );
    let k = &r.kiosk;
    tap(k, "进度查询");
    // Five seconds untouched: 15 are left and the banner shows; the kiosk says it too.
    for _ in 0..5 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    let warned = wait_for_said(k, &wav, |l| l["prompt"] == "ending-idle");
    assert_eq!(warned["clips"], serde_json::json!(["ending-idle"]));
}

#[test]
fn staff_turn_the_volume_up_and_hear_it_and_the_change_is_audited() {
    let packs = packs();
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("said.wav");
    let r = voice_rig(&wav, &packs);
    let k = &r.kiosk;
    k.open(hall_kiosk::ui::Feature::Staff);
    for d in "123456".chars() {
        tap(k, &d.to_string());
    }
    tap(k, "登录");
    wait_until(k, "staff status", || screen(k) == "staff-status");
    // The volume buttons are at the end of the list: scroll to them as staff would.
    tap(k, "下面还有");
    tap(k, "音量大一点（80%）");
    assert_eq!(r.services.voice.volume(), 90);
    let heard = wait_for_said(k, &wav, |l| l["prompt"] == "screen-home");
    assert_eq!(heard["cut"], false);
    // The staff screen shows the new volume, and the backend's audit trail has it.
    assert!(common::shows(k, "音量大一点（90%）"));
    let hall = &r.services.demo.as_ref().unwrap().hall;
    wait_until(k, "the audit entry", || {
        hall.staff_actions()
            .iter()
            .any(|a| a["action"] == "volume 90 %")
    });
}
