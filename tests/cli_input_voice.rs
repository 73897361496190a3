//! `kiosk input` and `kiosk voice` run as processes: the keyboard's candidates for typed
//! pinyin and recorded handwriting, and the voice prompts a hall lists, checks, replaces
//! with its own recordings and listens to.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
        // No config on this machine: the commands fall back to their defaults.
        .env("HALL_KIOSK_CONFIG", "/nonexistent/kiosk.toml")
        .args(args)
        .output()
        .unwrap()
}

fn candidates(out: &Output) -> Vec<String> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn pinyin_offers_words_ranked_by_use() {
    let shi = candidates(&kiosk(&["input", "pinyin", "shi", "--json"]));
    assert!(shi[..2].contains(&"是".to_string()), "{shi:?}");
    let zhengwu = candidates(&kiosk(&["input", "pinyin", "zhengwu", "--json"]));
    assert_eq!(zhengwu[0], "政务");
    let guide = candidates(&kiosk(&["input", "pinyin", "banshizhinan", "--json"]));
    assert_eq!(guide[0], "办事指南");
}

fn strokes(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("handwriting/tests/strokes")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn handwritten_characters_are_among_the_first_three_candidates() {
    for (file, character) in [
        ("shi.json", "十"),
        ("ren.json", "人"),
        ("da.json", "大"),
        ("zhong.json", "中"),
        ("zheng.json", "政"),
    ] {
        let got = candidates(&kiosk(&[
            "input",
            "handwriting",
            "--strokes",
            &strokes(file),
            "--json",
        ]));
        assert!(got.len() <= 8, "{got:?}");
        assert!(
            got[..3].contains(&character.to_string()),
            "{character} from {file}: {got:?}"
        );
    }
}

#[test]
fn a_broken_stroke_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    for bad in ["[[[1,2]", "[]", "[[[150,20],[150,999]]]", "{\"x\": 1}"] {
        std::fs::write(&file, bad).unwrap();
        let out = kiosk(&[
            "input",
            "handwriting",
            "--strokes",
            file.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("bad.json"), "{bad}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The generated packs (scripts/voice-pack, quick when up to date).
fn packs() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/voice");
    let ok = Command::new(root.join("scripts/voice-pack"))
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap()
        .success();
    assert!(ok, "scripts/voice-pack failed");
    out
}

#[test]
fn voice_list_names_every_prompt_with_its_texts() {
    let out = kiosk(&["voice", "list", "--json"]);
    assert!(out.status.success());
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let issued = all.iter().find(|p| p["id"] == "ticket-issued").unwrap();
    assert_eq!(issued["kind"], "ticket");
    assert_eq!(issued["zh-CN"], "您的号码是");
    assert!(all
        .iter()
        .any(|p| p["id"] == "screen-home" && p["kind"] == "screen"));
    assert!(all
        .iter()
        .any(|p| p["id"] == "fault-paper-out" && p["kind"] == "fault"));
}

#[test]
fn a_hall_recording_dropped_in_replaces_the_packs_clip() {
    let packs = packs();
    let dir = tempfile::tempdir().unwrap();
    let recordings = dir.path().join("voice");
    let wav = dir.path().join("said.wav");
    let say = |recordings: &Path| {
        kiosk(&[
            "voice",
            "say",
            "--prompt",
            "ticket-issued",
            "--number",
            "A023",
            "--window",
            "3",
            "--packs",
            packs.to_str().unwrap(),
            "--recordings",
            recordings.to_str().unwrap(),
            "--out",
            wav.to_str().unwrap(),
        ])
    };
    let before = say(&recordings);
    assert!(
        before.status.success(),
        "{}",
        String::from_utf8_lossy(&before.stderr)
    );
    let listing = String::from_utf8_lossy(&before.stdout).to_string();
    assert!(listing
        .lines()
        .any(|l| l.starts_with("ticket-issued") && l.contains(" pack ")));
    let length_before = hound::WavReader::open(&wav).unwrap().duration();

    // The hall records "您的号码是" again, longer (here: a second of a tone).
    std::fs::create_dir_all(recordings.join("zh-CN")).unwrap();
    let mut w = hound::WavWriter::create(
        recordings.join("zh-CN/ticket-issued.wav"),
        hound::WavSpec {
            channels: 1,
            sample_rate: 22_050,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        },
    )
    .unwrap();
    for i in 0..22_050 {
        w.write_sample(((i as f32 * 0.06).sin() * 8000.0) as i16)
            .unwrap();
    }
    w.finalize().unwrap();
    let after = say(&recordings);
    assert!(after.status.success());
    let listing = String::from_utf8_lossy(&after.stdout).to_string();
    assert_eq!(
        listing
            .lines()
            .filter(|l| l.starts_with("ticket-issued") && l.contains(" recording "))
            .count(),
        2,
        "{listing}"
    );
    let original = hound::WavReader::open(packs.join("zh-CN/ticket-issued.wav"))
        .unwrap()
        .duration();
    let length_after = hound::WavReader::open(&wav).unwrap().duration();
    assert_eq!(length_after, length_before - 2 * original + 2 * 22_050);

    // `voice check` counts it, and finds a recording it cannot play.
    let check = |recordings: &Path| {
        kiosk(&[
            "voice",
            "check",
            "--json",
            "--packs",
            packs.to_str().unwrap(),
            "--recordings",
            recordings.to_str().unwrap(),
        ])
    };
    let good = check(&recordings);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    let zh = report["locales"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["locale"] == "zh-CN")
        .unwrap();
    assert_eq!(zh["recordings"], 1);
    assert_eq!(zh["missing"].as_array().unwrap().len(), 0);
    std::fs::write(recordings.join("zh-CN/hao.wav"), b"not a wav").unwrap();
    let bad = check(&recordings);
    assert_eq!(bad.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    let zh = report["locales"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["locale"] == "zh-CN")
        .unwrap();
    let unreadable = zh["unreadable"].as_array().unwrap();
    assert_eq!(unreadable.len(), 1);
    assert!(unreadable[0].as_str().unwrap().contains("hao.wav"));
    // The ticket is still said whole, with the pack's 号 in place of the recording it cannot
    // play, and the command says so.
    let partial = say(&recordings);
    assert_eq!(partial.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&partial.stderr).contains("hao.wav"));
    let listing = String::from_utf8_lossy(&partial.stdout).to_string();
    assert_eq!(
        listing
            .lines()
            .filter(|l| l.starts_with("hao ") && l.contains(" pack "))
            .count(),
        2,
        "{listing}"
    );
    assert_eq!(
        hound::WavReader::open(&wav).unwrap().duration(),
        length_after
    );
}
