//! `kiosk screenshot` draws real pictures: not blank, with the CJK text drawn (a build
//! without a CJK font leaves Chinese blank, which only the pixels show), and different
//! between locales and in elderly mode.

use std::path::Path;
use std::process::Command;

fn shoot(dir: &Path, name: &str, args: &[&str]) -> Vec<u8> {
    let out = dir.join(format!("{name}.png"));
    let status = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["screenshot", "--out"])
        .arg(&out)
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "screenshot {args:?}");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&out).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1080, 1920));
    buf
}

/// Pixels that differ clearly from both the page and the tile colours: text and icons.
fn ink_in(rgba: &[u8], x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
    let mut n = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = (y * 1080 + x) * 4;
            let (r, g, b) = (rgba[i], rgba[i + 1], rgba[i + 2]);
            if r > 230 && g > 230 && b > 230 {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn home_screen_differs_between_locales_and_draws_cjk_text() {
    let dir = tempfile::tempdir().unwrap();
    let zh = shoot(dir.path(), "zh", &["--screen", "home"]);
    let en = shoot(dir.path(), "en", &["--screen", "home", "--locale", "en"]);
    let tw = shoot(dir.path(), "tw", &["--screen", "home", "--locale", "zh-TW"]);
    let old = shoot(dir.path(), "elderly", &["--screen", "home", "--elderly"]);

    let distinct = zh.chunks(4).collect::<std::collections::HashSet<_>>().len();
    assert!(distinct > 50, "not blank: {distinct} colours");
    assert_ne!(zh, en);
    assert_ne!(zh, tw);
    assert_ne!(zh, old);

    // The first tile's label area (取号, on blue) holds white glyph pixels in Chinese.
    let label = ink_in(&zh, 100, 420, 440, 560);
    assert!(label > 500, "CJK label drawn: {label} white pixels");
}

#[test]
fn unknown_screen_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["screenshot", "--screen", "nope", "--out", "/tmp/never.png"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no screen named \"nope\""), "{err}");
}

#[test]
fn list_names_every_screen() {
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["screenshot", "--list"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    for s in hall_kiosk::app::screens::SCREENS {
        assert!(list.lines().any(|l| l == *s), "{s} listed");
    }
}
