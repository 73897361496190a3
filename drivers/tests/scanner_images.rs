//! Camera scanning over image files and synthetic frames: the hard cases (angled, blurred,
//! washed out, small, noisy, two codes, none), GBK payloads, PNG and JPEG files, and the
//! frame-skipping decode worker. Frames are generated here at run time with the `qrcode`
//! crate, so no fixtures are committed.

use std::time::{Duration, Instant};

use kiosk_drivers::scanner::frames::{Frame, FrameWorker};
use kiosk_drivers::scanner::image_decode::{
    decode_file, decode_luma, decode_single_pass, decode_whole_frame, DecodedCode, FrameDecoder,
};
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

// ---- The finder pre-scan loses nothing: the kiosk's decoder against every pass over the
// ---- whole frame (`decode_whole_frame`, the decoder before the pre-scan), frame kind by
// ---- frame kind, and the region memory of a stream of frames.

fn sorted(codes: Vec<DecodedCode>) -> Vec<String> {
    let mut p: Vec<String> = codes.into_iter().map(|c| c.payload).collect();
    p.sort();
    p
}

/// Asserts the decoder finds exactly `want` in `f`, and everything the whole-frame passes
/// find; `what` names the frame in a failure.
fn assert_no_loss(f: &Frame, want: &[&str], what: &str) {
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    let whole = sorted(decode_whole_frame(f.width, f.height, &f.luma));
    let ours = sorted(decode_luma(f.width, f.height, &f.luma));
    for p in &whole {
        assert!(
            ours.contains(p),
            "{what}: the whole-frame passes read {p:?}, the kiosk's decoder did not ({ours:?})"
        );
    }
    assert_eq!(ours, want, "{what}");
}

/// `code` on a mid-grey `w` x `h` frame with its top-left corner at (x, y).
fn placed(w: usize, h: usize, code: &Frame, x: usize, y: usize) -> Frame {
    let mut f = synth::blank(w, h, 150);
    synth::paste(&mut f, code, x, y);
    f
}

/// `f` without its first `left` columns and `top` rows (a code partly out of view).
fn trimmed(f: &Frame, left: usize, top: usize) -> Frame {
    let (w, h) = (f.width - left, f.height - top);
    let luma = (top..f.height)
        .flat_map(|y| f.luma[y * f.width + left..(y + 1) * f.width].to_vec())
        .collect();
    Frame {
        width: w,
        height: h,
        luma,
    }
}

#[test]
fn no_loss_on_plain_codes_of_every_size_and_place() {
    for (w, h) in [(640, 480), (1280, 720)] {
        for module in [2, 3, 4, 6, 9] {
            let code = synth::render(TICKET.as_bytes(), module).unwrap();
            for (x, y) in [
                (10, 10),
                ((w - code.width) / 2, (h - code.height) / 2),
                (w - code.width - 5, h - code.height - 5),
            ] {
                let f = synth::noise(&placed(w, h, &code, x, y), 6, (x + y) as u64);
                assert_no_loss(
                    &f,
                    &[TICKET],
                    &format!("{w}x{h} module {module} at ({x}, {y})"),
                );
            }
        }
    }
}

#[test]
fn no_loss_on_angled_codes() {
    for deg in [5.0, 10.0, 20.0, 30.0, 45.0, -15.0, -30.0, 90.0, 180.0] {
        for module in [3, 5] {
            let code = synth::rotate(&synth::render(APPT.as_bytes(), module).unwrap(), deg, 255);
            let f = placed(640, 480, &code, 120, 40);
            assert_no_loss(
                &synth::noise(&f, 6, 3),
                &[APPT],
                &format!("{deg} degrees, module {module}"),
            );
        }
    }
}

#[test]
fn no_loss_on_dim_and_washed_out_codes() {
    for (lo, hi) in [
        (10, 60),
        (20, 70),
        (40, 90),
        (110, 150),
        (170, 230),
        (0, 40),
    ] {
        for noise in [0, 4] {
            let f = synth::noise(&synth::contrast(&scene(TICKET, 4), lo, hi), noise, 9);
            assert_no_loss(&f, &[TICKET], &format!("grey {lo}..{hi}, noise {noise}"));
        }
    }
    // Dim and angled, and dim and blurred.
    let code = synth::rotate(&synth::render(APPT.as_bytes(), 4).unwrap(), 25.0, 255);
    let f = synth::contrast(&placed(640, 480, &code, 200, 100), 15, 65);
    assert_no_loss(&synth::noise(&f, 3, 5), &[APPT], "dim at 25 degrees");
    let f = synth::contrast(&synth::blur(&scene(TICKET, 5), 1), 20, 80);
    assert_no_loss(&f, &[TICKET], "dim and blurred");
}

#[test]
fn no_loss_on_small_codes_anywhere_in_the_frame() {
    // 1.5 and 2 pixels a module, in the centre and away from it.
    let half = synth::render(APPT.as_bytes(), 3).unwrap();
    let tiny = synth::resize(&half, half.width / 2, half.height / 2);
    let small = synth::render(APPT.as_bytes(), 2).unwrap();
    for code in [&tiny, &small] {
        for (x, y) in [(300, 200), (40, 40), (560, 400)] {
            let f = placed(640, 480, code, x, y);
            assert_no_loss(
                &f,
                &[APPT],
                &format!("{} px code at ({x}, {y})", code.width),
            );
        }
    }
}

#[test]
fn no_loss_on_gbk_payloads() {
    let texts = [
        "合作市政务服务中心 预约号:A7",
        "甘南藏族自治州 不动产登记 第0931号",
        "办",
    ];
    for text in texts {
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        for (w, h, module) in [(640, 480, 4), (1280, 720, 5)] {
            let f = synth::noise(&synth::scene(w, h, &gbk, module).unwrap(), 6, 11);
            let codes = decode_luma(f.width, f.height, &f.luma);
            assert_eq!(codes.len(), 1, "{text} in {w}x{h}");
            assert_eq!(codes[0].payload, text);
            assert_eq!(codes[0].raw, gbk.to_vec());
            assert_no_loss(&f, &[text], &format!("GBK {text} in {w}x{h}"));
        }
    }
}

#[test]
fn no_loss_on_blurred_and_noisy_codes() {
    for (module, radius) in [(4, 1), (6, 1), (8, 2)] {
        let f = synth::blur(&scene(TICKET, module), radius);
        assert_no_loss(&f, &[TICKET], &format!("module {module} blur {radius}"));
    }
    for amp in [20, 60, 100, 127] {
        let f = synth::noise(&scene(TICKET, 4), amp, 42);
        assert_no_loss(&f, &[TICKET], &format!("noise {amp}"));
    }
}

#[test]
fn no_loss_on_codes_at_the_frame_edge() {
    let code = synth::render(APPT.as_bytes(), 4).unwrap();
    let (w, h) = (640, 480);
    // Touching each edge and corner with the whole quiet zone in view.
    for (x, y) in [
        (0, 200),
        (w - code.width, 200),
        (300, 0),
        (300, h - code.height),
        (0, 0),
        (w - code.width, h - code.height),
    ] {
        assert_no_loss(
            &placed(w, h, &code, x, y),
            &[APPT],
            &format!("at ({x}, {y})"),
        );
    }
    // The quiet zone cut off: the finders one module from the left and top edges.
    let cut = trimmed(&code, 3 * 4, 3 * 4);
    assert_no_loss(
        &placed(w, h, &cut, 0, 0),
        &[APPT],
        "quiet zone cut off at the corner",
    );
    let cut = trimmed(&code, 4 * 4, 0);
    assert_no_loss(
        &placed(w, h, &cut, 0, 100),
        &[APPT],
        "finders on the left edge",
    );
}

#[test]
fn no_loss_on_two_and_three_codes_in_a_frame() {
    let a = synth::render(TICKET.as_bytes(), 3).unwrap();
    let b = synth::render(APPT.as_bytes(), 3).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("预约号:B12");
    let c = synth::render(&gbk, 4).unwrap();
    // Side by side, nearly touching.
    let mut f = synth::blank(640, 480, 150);
    synth::paste(&mut f, &a, 100, 150);
    synth::paste(&mut f, &b, 100 + a.width, 150);
    assert_no_loss(&f, &[TICKET, APPT], "side by side");
    // Far apart in a 1280x720 frame, one turned.
    let mut f = synth::blank(1280, 720, 150);
    synth::paste(&mut f, &a, 20, 20);
    synth::paste(&mut f, &synth::rotate(&b, 30.0, 255), 1000, 450);
    synth::paste(&mut f, &c, 600, 300);
    assert_no_loss(
        &synth::noise(&f, 6, 1),
        &[TICKET, APPT, "预约号:B12"],
        "three codes",
    );
}

#[test]
fn frames_without_a_code_give_nothing_and_finder_lookalikes_do_not_fool_it() {
    let mut checker = synth::blank(640, 480, 255);
    for (i, v) in checker.luma.iter_mut().enumerate() {
        if ((i % 640) / 4 + (i / 640) / 4) % 2 == 0 {
            *v = 0;
        }
    }
    // A lone finder pattern (a code's corner with the rest covered).
    let code = synth::render(APPT.as_bytes(), 5).unwrap();
    let corner = Frame {
        width: 11 * 5,
        height: 11 * 5,
        luma: (0..11 * 5)
            .flat_map(|y| code.luma[y * code.width..y * code.width + 11 * 5].to_vec())
            .collect(),
    };
    let frames = [
        ("blank", synth::blank(640, 480, 150)),
        (
            "sensor noise",
            synth::noise(&synth::blank(1280, 720, 150), 6, 7),
        ),
        (
            "dark noise",
            synth::noise(&synth::blank(640, 480, 20), 15, 8),
        ),
        (
            "heavy noise",
            synth::noise(&synth::blank(640, 480, 128), 127, 1),
        ),
        ("checkerboard", checker),
        ("lone finder", placed(640, 480, &corner, 300, 200)),
    ];
    for (what, f) in &frames {
        assert!(decode_luma(f.width, f.height, &f.luma).is_empty(), "{what}");
    }
}

#[test]
fn the_region_memory_does_not_hide_a_code_that_moved_or_a_new_one() {
    let ticket = synth::render(TICKET.as_bytes(), 4).unwrap();
    let appt = synth::render(APPT.as_bytes(), 4).unwrap();
    let mut decoder = FrameDecoder::new();
    let mut decode = |f: &Frame| sorted(decoder.decode(f.width, f.height, &f.luma));
    let at_left = synth::noise(&placed(640, 480, &ticket, 20, 100), 6, 1);
    let at_right = synth::noise(&placed(640, 480, &ticket, 450, 250), 6, 2);
    assert_eq!(decode(&at_left), vec![TICKET]);
    assert_eq!(decode(&at_left), vec![TICKET], "held still");
    assert_eq!(decode(&at_right), vec![TICKET], "moved across the frame");
    // Moved a little, as a hand does, frame after frame.
    for (i, dx) in [1usize, 3, 2, 0, 4].into_iter().enumerate() {
        let f = synth::noise(
            &placed(640, 480, &ticket, 450 + dx, 250 + i),
            6,
            10 + i as u64,
        );
        assert_eq!(decode(&f), vec![TICKET], "jitter {dx}, {i}");
    }
    // A second code comes into view while the first is held.
    let mut both = placed(640, 480, &ticket, 450, 250);
    synth::paste(&mut both, &appt, 40, 40);
    let mut want = vec![TICKET.to_string(), APPT.to_string()];
    want.sort();
    assert_eq!(
        decode(&synth::noise(&both, 6, 3)),
        want,
        "a new code beside the held one"
    );
    // The held code replaced by another in the same place.
    let swapped = synth::noise(&placed(640, 480, &appt, 450, 250), 6, 4);
    assert_eq!(
        decode(&swapped),
        vec![APPT],
        "another code in the same place"
    );
    assert!(
        decode(&synth::noise(&synth::blank(640, 480, 150), 6, 5)).is_empty(),
        "gone"
    );
    assert_eq!(decode(&at_left), vec![TICKET], "back again");
}

#[test]
fn no_loss_on_faint_codes_bright_mid_and_dark() {
    // At the edge of what can be read at all: whatever the whole-frame passes read, the
    // kiosk's decoder reads too (it may read more: its threshold is not thrown by the quiet
    // zone's white).
    for (light, steps) in [
        (40u8, [6u8, 8, 10, 14]),
        (140, [14, 16, 18, 22]),
        (250, [20, 24, 28, 32]),
    ] {
        for d in steps {
            for noise in [0, 2, 6] {
                let f = synth::contrast(&scene(TICKET, 4), light - d, light);
                let f = synth::noise(&f, noise, 3);
                let whole = sorted(decode_whole_frame(f.width, f.height, &f.luma));
                let ours = sorted(decode_luma(f.width, f.height, &f.luma));
                assert!(
                    whole.iter().all(|p| ours.contains(p)),
                    "grey {}..{light}, noise {noise}: whole frame {whole:?}, kiosk {ours:?}",
                    light - d
                );
            }
        }
    }
}

/// `f` seen at a slant, in true perspective: its top edge `k` narrower than its bottom edge
/// (a phone tilted back), on a white canvas of the same size.
fn slanted(f: &Frame, k: f64) -> Frame {
    let (w, h) = (f.width as f64, f.height as f64);
    // The square's corners go to a trapezoid: (kw/2, 0), (w - kw/2, 0), (w, h), (0, h).
    // Heckbert's square-to-quad map, as a 3x3 matrix, then inverted to sample the source.
    let q = [(k * w / 2.0, 0.0), (w - k * w / 2.0, 0.0), (w, h), (0.0, h)];
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (sx * dy2 - dx2 * sy) / den;
    let hh = (dx1 * sy - sx * dy1) / den;
    let m = [
        [x1 - x0 + g * x1, x3 - x0 + hh * x3, x0],
        [y1 - y0 + g * y1, y3 - y0 + hh * y3, y0],
        [g, hh, 1.0],
    ];
    // The inverse up to scale: the adjugate.
    let inv = [
        [
            m[1][1] * m[2][2] - m[1][2] * m[2][1],
            m[0][2] * m[2][1] - m[0][1] * m[2][2],
            m[0][1] * m[1][2] - m[0][2] * m[1][1],
        ],
        [
            m[1][2] * m[2][0] - m[1][0] * m[2][2],
            m[0][0] * m[2][2] - m[0][2] * m[2][0],
            m[0][2] * m[1][0] - m[0][0] * m[1][2],
        ],
        [
            m[1][0] * m[2][1] - m[1][1] * m[2][0],
            m[0][1] * m[2][0] - m[0][0] * m[2][1],
            m[0][0] * m[1][1] - m[0][1] * m[1][0],
        ],
    ];
    let mut out = synth::blank(f.width, f.height, 255);
    for y in 0..f.height {
        for x in 0..f.width {
            let p = [x as f64 + 0.5, y as f64 + 0.5, 1.0];
            let r: Vec<f64> = inv
                .iter()
                .map(|row| row[0] * p[0] + row[1] * p[1] + row[2] * p[2])
                .collect();
            let (u, v) = (r[0] / r[2] * w, r[1] / r[2] * h);
            if (0.0..w).contains(&u) && (0.0..h).contains(&v) {
                out.luma[y * f.width + x] = f.luma[v as usize * f.width + u as usize];
            }
        }
    }
    out
}

#[test]
fn no_loss_on_codes_seen_at_a_slant() {
    let code = synth::render(TICKET.as_bytes(), 4).unwrap();
    for k in [0.1, 0.2, 0.3, 0.4, 0.5] {
        for deg in [0.0, 30.0, 90.0, -60.0] {
            let c = synth::rotate(&slanted(&code, k), deg, 255);
            let f = synth::noise(&placed(640, 480, &c, 150, 80), 4, 2);
            let whole = sorted(decode_whole_frame(f.width, f.height, &f.luma));
            let ours = sorted(decode_luma(f.width, f.height, &f.luma));
            assert!(
                whole.iter().all(|p| ours.contains(p)),
                "slant {k}, {deg} degrees: whole frame {whole:?}, kiosk {ours:?}"
            );
        }
    }
}

#[test]
fn no_loss_on_random_frames() {
    // Codes of every size, angle, place, grey level, blur and noise, from a fixed seed:
    // every code the whole-frame passes read, the kiosk's decoder reads too.
    let mut state = 0x5EED_0003_0000_0001u64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let payloads: [&[u8]; 3] = [TICKET.as_bytes(), APPT.as_bytes(), b"A"];
    let (mut whole_read, mut ours_read) = (0, 0);
    for i in 0..60 {
        let p = payloads[next(3) as usize];
        let module = 2 + next(7) as usize;
        let deg = next(91) as f32 - 45.0;
        let code = synth::rotate(&synth::render(p, module).unwrap(), deg, 255);
        if code.width + 2 >= 640 || code.height + 2 >= 480 {
            continue;
        }
        let (x, y) = (
            next(640 - code.width as u64) as usize,
            next(480 - code.height as u64) as usize,
        );
        let mut f = placed(640, 480, &code, x, y);
        f = synth::contrast(&f, next(60) as u8, 140 + next(116) as u8);
        if next(3) == 0 {
            f = synth::blur(&f, 1);
        }
        let f = synth::noise(&f, next(40) as u8, i);
        let whole = sorted(decode_whole_frame(f.width, f.height, &f.luma));
        let ours = sorted(decode_luma(f.width, f.height, &f.luma));
        let what = format!("frame {i}: module {module}, {deg} degrees at ({x}, {y})");
        assert!(
            whole.iter().all(|p| ours.contains(p)),
            "{what}: whole frame {whole:?}, kiosk {ours:?}"
        );
        whole_read += whole.len();
        ours_read += ours.len();
    }
    assert!(
        ours_read >= whole_read && whole_read > 30,
        "{ours_read} / {whole_read}"
    );
}
