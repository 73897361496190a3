//! Camera scanning over image files and synthetic frames: the hard cases (angled, blurred,
//! washed out, small, noisy, two codes, none), GBK payloads, PNG and JPEG files, and the
//! frame-skipping decode worker. Frames are generated here at run time with the `qrcode`
//! crate, so no fixtures are committed.

use std::time::{Duration, Instant};

use kiosk_drivers::scanner::frames::{Frame, FrameWorker};
use kiosk_drivers::scanner::image_decode::{decode_file, decode_luma, decode_single_pass};
use kiosk_drivers::scanner::synth;
use kiosk_drivers::scanner::{spawn_scanner, ScanError, ScanSource, ScannerConfig, ScannerEvent};

const TICKET: &str = "https://hall.example.gov.cn/track/t/20261105/A017";
const APPT: &str = "hk:appt:v1:HZ01:Q7K2M9";

fn payloads(f: &Frame) -> Vec<String> {
    let mut p: Vec<String> = decode_luma(f.width, f.height, &f.luma)
        .into_iter()
        .map(|c| c.payload)
        .collect();
    p.sort();
    p
}

fn scene(payload: &str, module_px: usize) -> Frame {
    synth::scene(640, 480, payload.as_bytes(), module_px).unwrap()
}

#[test]
fn a_plain_code_in_a_vga_frame_decodes() {
    assert_eq!(payloads(&scene(TICKET, 4)), vec![TICKET]);
}

#[test]
fn a_gbk_payload_decodes_to_chinese_text_with_its_raw_bytes() {
    let text = "合作市政务服务中心 预约号:A7";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let f = synth::scene(640, 480, &gbk, 4).unwrap();
    let codes = decode_luma(f.width, f.height, &f.luma);
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].payload, text);
    assert_eq!(codes[0].raw, gbk.to_vec());
}

#[test]
fn a_code_held_at_20_to_30_degrees_decodes() {
    for deg in [20.0, 25.0, 30.0, -25.0] {
        let code = synth::rotate(&synth::render(APPT.as_bytes(), 5).unwrap(), deg, 255);
        let mut f = synth::blank(640, 480, 150);
        synth::paste(&mut f, &code, 100, 60);
        assert_eq!(payloads(&f), vec![APPT], "{deg} degrees");
    }
}

#[test]
fn a_blurred_code_decodes() {
    // Gaussian-like blur of sigma about 1.4 px on 4 px modules, and 2.4 px on 8 px modules.
    assert_eq!(payloads(&synth::blur(&scene(TICKET, 4), 1)), vec![TICKET]);
    assert_eq!(payloads(&synth::blur(&scene(TICKET, 8), 2)), vec![TICKET]);
}

#[test]
fn a_low_contrast_code_decodes() {
    // Dark modules at grey 110, light at 150: a washed-out phone screen behind glass.
    let f = synth::contrast(&scene(APPT, 4), 110, 150);
    assert_eq!(payloads(&f), vec![APPT]);
}

#[test]
fn a_small_code_far_from_the_camera_decodes_through_the_upscaled_pass() {
    // 1.5 pixels a module: the code is 49 px wide in a 640x480 frame.
    let code = synth::render(APPT.as_bytes(), 3).unwrap();
    let code = synth::resize(&code, code.width / 2, code.height / 2);
    let mut f = synth::blank(640, 480, 150);
    synth::paste(&mut f, &code, 300, 200);
    assert!(
        decode_single_pass(f.width, f.height, &f.luma).is_empty(),
        "the first pass alone misses it"
    );
    assert_eq!(payloads(&f), vec![APPT]);
}

#[test]
fn a_noisy_code_decodes_and_a_very_noisy_one_through_the_downscaled_pass() {
    assert_eq!(
        payloads(&synth::noise(&scene(TICKET, 4), 60, 42)),
        vec![TICKET]
    );
    let f = synth::noise(&scene(TICKET, 4), 127, 42);
    assert!(
        decode_single_pass(f.width, f.height, &f.luma).is_empty(),
        "the first pass alone misses it"
    );
    assert_eq!(payloads(&f), vec![TICKET]);
}

#[test]
fn two_codes_in_one_frame_both_decode() {
    let mut f = synth::blank(640, 480, 150);
    synth::paste(
        &mut f,
        &synth::render(TICKET.as_bytes(), 3).unwrap(),
        20,
        100,
    );
    synth::paste(
        &mut f,
        &synth::render(APPT.as_bytes(), 3).unwrap(),
        360,
        120,
    );
    let mut want = vec![TICKET.to_string(), APPT.to_string()];
    want.sort();
    assert_eq!(payloads(&f), want);
}

#[test]
fn frames_without_a_code_give_nothing() {
    assert!(payloads(&synth::blank(640, 480, 150)).is_empty());
    assert!(payloads(&synth::noise(&synth::blank(640, 480, 128), 127, 1)).is_empty());
    // Stripes that look like finder patterns from one direction only.
    let mut stripes = synth::blank(320, 240, 255);
    for (i, v) in stripes.luma.iter_mut().enumerate() {
        if (i % 320) / 7 % 2 == 0 {
            *v = 0;
        }
    }
    assert!(payloads(&stripes).is_empty());
}

#[test]
fn png_and_jpeg_files_decode_and_bad_files_are_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = synth::rotate(&scene(TICKET, 4), 15.0, 150);
    let png = dir.path().join("ticket.png");
    synth::save_png(&f, &png).unwrap();
    let jpg = dir.path().join("ticket.jpg");
    image::GrayImage::from_raw(f.width as u32, f.height as u32, f.luma.clone())
        .unwrap()
        .save(&jpg)
        .unwrap();
    for file in [&png, &jpg] {
        let codes = decode_file(file).unwrap();
        assert_eq!(codes.len(), 1, "{}", file.display());
        assert_eq!(codes[0].payload, TICKET);
    }
    let empty = dir.path().join("empty.png");
    synth::save_png(&synth::blank(64, 64, 200), &empty).unwrap();
    assert!(decode_file(&empty).unwrap().is_empty());

    let missing = dir.path().join("missing.png");
    let err = decode_file(&missing).unwrap_err();
    assert!(matches!(err, ScanError::Image { .. }));
    assert!(err.to_string().contains("missing.png"), "{err}");
    let text = dir.path().join("notes.png");
    std::fs::write(&text, b"not an image at all").unwrap();
    let err = decode_file(&text).unwrap_err();
    assert!(err.to_string().contains("notes.png"), "{err}");
}

#[test]
fn the_decode_worker_skips_frames_while_busy() {
    let worker = FrameWorker::spawn().unwrap();
    let big = synth::scene(1280, 720, TICKET.as_bytes(), 6).unwrap();
    assert!(worker.submit(big.clone()), "an idle worker takes the frame");
    // Submitted back to back, faster than any decode: all but none are skipped.
    let t0 = Instant::now();
    let mut skipped = 0;
    for _ in 0..20 {
        if !worker.submit(big.clone()) {
            skipped += 1;
        }
    }
    assert!(
        t0.elapsed() < Duration::from_millis(500),
        "submit never waits"
    );
    assert!(skipped >= 15, "only {skipped} of 20 skipped");
    assert_eq!(worker.skipped(), skipped);
    let first = worker.wait_result(Duration::from_secs(10)).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].payload, TICKET);
}

async fn next(rx: &mut tokio::sync::mpsc::Receiver<ScannerEvent>) -> Option<ScannerEvent> {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("event within 10 s")
}

#[tokio::test]
async fn a_camera_of_image_files_reports_a_held_code_once() {
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path().join("code.png");
    synth::save_png(&scene(APPT, 4), &code).unwrap();
    let port = format!("images:{}", code.display());
    let (mut rx, _h) = spawn_scanner(ScannerConfig::new(port));
    assert_eq!(next(&mut rx).await, Some(ScannerEvent::Back));
    match next(&mut rx).await {
        Some(ScannerEvent::Scanned(s)) => {
            assert_eq!(s.payload, APPT);
            assert_eq!(s.source, ScanSource::Camera);
        }
        ev => panic!("expected a scan, got {ev:?}"),
    }
    // The code stays in view frame after frame: still one scan.
    let more = tokio::time::timeout(Duration::from_millis(700), rx.recv()).await;
    assert!(more.is_err(), "got {more:?}");
}

#[tokio::test]
async fn a_camera_of_a_missing_file_is_offline_naming_the_file() {
    let (mut rx, _h) = spawn_scanner(ScannerConfig::new("images:/nonexistent/frame.png"));
    match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
        Ok(Some(ScannerEvent::Offline(why))) => assert!(why.contains("frame.png"), "{why}"),
        ev => panic!("expected Offline, got {ev:?}"),
    }
}
