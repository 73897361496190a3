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
    let bo = shoot(dir.path(), "bo", &["--screen", "home", "--locale", "bo"]);

    let distinct = zh.chunks(4).collect::<std::collections::HashSet<_>>().len();
    assert!(distinct > 50, "not blank: {distinct} colours");
    assert_ne!(zh, en);
    assert_ne!(zh, tw);
    assert_ne!(zh, old);
    assert_ne!(zh, bo);
    // The first tile's label in Tibetan is drawn too (a machine without a Tibetan font
    // leaves it blank or boxes).
    let label = ink_in(&bo, 100, 420, 440, 560);
    assert!(label > 500, "Tibetan label drawn: {label} white pixels");

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

/// The Tibetan words the shaping checks draw: stacked letters (ཀླུ, སྒྲུབ, རྫོང, སྐྱིད) and
/// vowel signs above and below, each of which a renderer without shaping draws apart.
// No spaces: the screen takes a space from its default (CJK) font, hb-view from the Tibetan.
const TIBETAN: &str = "བཀྲ་ཤིས་སྒྲུབ་རྫོང་ཀླུ་སྐྱིད།";
const TIBETAN_FONT: &str = "/usr/share/fonts/truetype/tibetan-machine/TibetanMachineUni.ttf";

/// Black-on-white (or any ink on a plain ground) as dots, cropped to the ink.
fn ink_box(width: usize, height: usize, is_ink: impl Fn(usize, usize) -> bool) -> Vec<Vec<bool>> {
    let (mut x0, mut y0, mut x1, mut y1) = (width, height, 0, 0);
    for y in 0..height {
        for x in 0..width {
            if is_ink(x, y) {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
            }
        }
    }
    (y0..y1.max(y0))
        .map(|y| (x0..x1.max(x0)).map(|x| is_ink(x, y)).collect())
        .collect()
}

/// The share of `a`'s ink that `b` also has within `tol` dots: antialiasing, a bold weight
/// and the two renderers' rounding move edges by a dot or two, misplaced or unstacked
/// letters by far more.
fn covered(a: &[Vec<bool>], b: &[Vec<bool>], tol: usize) -> f64 {
    let at = |x: usize, y: usize| b.get(y).and_then(|r| r.get(x)) == Some(&true);
    let (mut ink, mut hit) = (0usize, 0usize);
    for (y, row) in a.iter().enumerate() {
        for (x, _) in row.iter().enumerate().filter(|(_, d)| **d) {
            ink += 1;
            let near = (y.saturating_sub(tol)..=y + tol)
                .any(|yy| (x.saturating_sub(tol)..=x + tol).any(|xx| at(xx, yy)));
            hit += usize::from(near);
        }
    }
    hit as f64 / ink.max(1) as f64
}

/// Tibetan on the kiosk's screen is shaped as HarfBuzz shapes it: the hall name, set to
/// Tibetan words with stacked letters, drawn by the kiosk's renderer matches `hb-view`'s
/// picture of the same words in the same font at the same size. Unshaped text (letters
/// side by side instead of stacked) fails this by far: it is wider and flatter.
#[test]
fn tibetan_on_screen_is_shaped_as_harfbuzz_shapes_it() {
    // CI installs both (scripts/setup); a developer machine without them says so.
    if !Path::new(TIBETAN_FONT).exists()
        || Command::new("hb-view").arg("--version").output().is_err()
    {
        eprintln!("skipped: run scripts/setup for fonts-tibetan-machine and libharfbuzz-bin");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let demo =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/demo.toml")).unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, demo.replace("合作市政务服务中心", TIBETAN)).unwrap();
    let out = dir.path().join("home.png");
    let status = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--config")
        .arg(&config)
        .args(["screenshot", "--screen", "home", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&out).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut rgba = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut rgba).unwrap();
    // The hall name: white on the red header's first row, left of the date and above the
    // language switch.
    let screen = ink_box(700, 100, |x, y| {
        let i = (y * 1080 + x) * 4;
        rgba[i] > 200 && rgba[i + 1] > 160 && rgba[i + 2] > 160
    });

    // The header's name is Theme.text-title × 0.85 = 44.2 px, in Chinese mode.
    let hb = dir.path().join("hb.png");
    let status = Command::new("hb-view")
        .args([
            "--background=FFFFFFFF",
            "--foreground=000000FF",
            "--font-size=44.2",
            "--margin=4",
        ])
        .arg(format!("--output-file={}", hb.display()))
        .arg(TIBETAN_FONT)
        .arg(TIBETAN)
        .status()
        .unwrap();
    assert!(status.success());
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&hb).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let reference = ink_box(w, h, |x, y| buf[(y * w + x) * channels] < 128);

    let (sw, sh) = (screen[0].len(), screen.len());
    let (rw, rh) = (reference[0].len(), reference.len());
    assert!(
        sw.abs_diff(rw) <= 3 && sh.abs_diff(rh) <= 3,
        "the same extent: screen {sw}x{sh}, hb-view {rw}x{rh}"
    );
    // Both ways: nothing drawn that HarfBuzz does not draw, nothing missing. Measured: 1.000
    // and 1.000; the same words drawn unshaped (`hb-view --shapers=fallback`: the letters of
    // each stack on top of one another) score 0.954 and 0.957.
    let (drawn, found) = (
        covered(&screen, &reference, 2),
        covered(&reference, &screen, 2),
    );
    assert!(
        drawn >= 0.985 && found >= 0.985,
        "against hb-view: {drawn:.3} of the screen's ink, {found:.3} of HarfBuzz's"
    );
}
