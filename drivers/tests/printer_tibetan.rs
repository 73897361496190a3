//! Tibetan on paper: a bilingual queue ticket keeps its Chinese in the printer's text mode
//! and sends its Tibetan as shaped raster lines (GS v 0), small enough for the wire.
//!
//! The references are HarfBuzz's own tools run on the same font file: `hb-shape` for the
//! glyphs and clusters, `hb-view` for the picture. CI installs them and the font
//! (libharfbuzz-bin, fonts-tibetan-machine; see scripts/setup), so there these tests always
//! check; on a machine without them a test says so on stderr and passes without checking.

use std::path::Path;
use std::process::Command;

use kiosk_drivers::printer::document::{pages_of, Block, Page};
use kiosk_drivers::printer::escpos_parse::Justify;
use kiosk_drivers::printer::glyph::Bitmap;
use kiosk_drivers::printer::layout::{
    self, Align, JobBuilder, TicketSlip, TicketTibetan, TIBETAN_EM_DOTS,
};
use kiosk_drivers::printer::shaped::{self, crop_to_ink, TibetanFace};
use kiosk_drivers::printer::sim::PrinterSimulator;
use kiosk_drivers::printer::{EscPosPrinter, PaperWidth, PortSpec, Profile, ReceiptPrinter};

/// The lowest IoU accepted between a printed line and `hb-view`'s picture of it. Measured
/// with Tibetan Machine Uni at the 26-dot em: 0.935 to 0.996 over the lines of the test
/// (the lowest where one glyph lands a column apart, the two pens rounding a half dot
/// differently). The bar sits a little below, so a rasteriser update does not fail the
/// build, while what matters does (measured on the same words): one glyph of a word a row
/// off scores 0.48 to 0.84, the line drawn at a 24-dot em 0.21 to 0.46.
const MIN_IOU: f64 = 0.90;

/// Words whose letters stack (subjoined consonants, vowel signs above and below).
const STACKED: &[&str] = &["བཀྲ་ཤིས་བདེ་ལེགས།", "སྒྲུབ", "རྫོང", "ཀླུ", "སྐྱིད", "བསྒྲུབས་པའི་རྗེས་སུ།"];

fn face() -> Option<&'static TibetanFace> {
    match shaped::face() {
        Ok(f) => Some(f),
        Err(e) => {
            eprintln!(
                "SKIPPED: no Tibetan font ({}); install fonts-tibetan-machine",
                e.kind()
            );
            None
        }
    }
}

/// The font file of `face`, for HarfBuzz's tools, and whether they are installed.
fn reference_tools(face: &TibetanFace, tool: &str) -> Option<String> {
    let path = face.path()?.to_str()?.to_string();
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("SKIPPED: {tool} is not installed; install libharfbuzz-bin");
        return None;
    }
    Some(path)
}

fn bilingual_slip() -> TicketSlip {
    // Every field set, and long ones: the worst case for the size on the wire.
    TicketSlip {
        hall: "甘南藏族自治州合作市政务服务中心".into(),
        category: "社会保障卡及医疗保险业务".into(),
        number: "A023".into(),
        waiting_ahead: Some(12),
        wait_minutes: Some(35),
        windows: "3、4 号窗口".into(),
        issued_at: "2026-11-24 09:41".into(),
        follow_url: Some("https://hall.example.gov.cn/track/t/20261124/A023?k=K-01".into()),
        offline: true,
        priority: "老年人优先".into(),
        appointment: Some("城乡居民养老保险参保登记 09:30-10:00".into()),
        tibetan: Some(TicketTibetan {
            hall: Some("ཀན་ལྷོ་བོད་རིགས་རང་སྐྱོང་ཁུལ་གཙོས་གྲོང་ཁྱེར་སྲིད་གཞུང་ཞབས་ཞུའི་ལྟེ་གནས།".into()),
            category: Some("སྤྱི་ཚོགས་འགན་སྲུང་དང་སྨན་བཅོས་འགན་སྲུང་།".into()),
        }),
    }
}

fn profile(width: PaperWidth) -> Profile {
    Profile {
        width,
        ..Profile::default()
    }
}

fn images(page: &Page) -> Vec<(&Bitmap, Justify)> {
    page.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Image { bitmap, justify } => Some((bitmap, *justify)),
            _ => None,
        })
        .collect()
}

fn is_tibetan(c: char) -> bool {
    ('\u{0F00}'..='\u{0FFF}').contains(&c)
}

#[test]
fn a_bilingual_ticket_stays_under_8_kb_on_80_mm_and_fits_58_mm() {
    let Some(_) = face() else { return };
    for width in [PaperWidth::Mm80, PaperWidth::Mm58] {
        let job = layout::ticket(profile(width), &bilingual_slip()).unwrap();
        eprintln!("bilingual ticket, {width:?}: {} bytes", job.bytes.len());
        assert!(
            job.bytes.len() < 8192,
            "{width:?}: {} bytes on the wire",
            job.bytes.len()
        );
        let page = &pages_of(&job.bytes)[0];
        let imgs = images(page);
        // Hall and category (both wrap on 58 mm), people ahead, wait, window, the notice.
        assert!(imgs.len() >= 6, "{} raster lines", imgs.len());
        for (bm, _) in &imgs {
            assert!(bm.width <= width.dots(), "{} dots on {width:?}", bm.width);
            // Tall enough for stacks, never a blank band.
            assert!(
                (16..=56).contains(&bm.height),
                "raster line {} dots tall",
                bm.height
            );
            assert!(bm.black_dots() > 50);
        }
        for l in page.lines() {
            let cols = kiosk_drivers::printer::text::columns(&l.text()) * l.size().0 as usize;
            assert!(cols <= width.columns(), "{:?} overflows", l.text());
        }
    }
}

/// The raster of one Tibetan line at an em of `em` dots, as a job prints it.
fn printed_at(face: &'static TibetanFace, text: &str, em: f32) -> Bitmap {
    let mut j = JobBuilder::new(Profile::default()).unwrap();
    j.tibetan_face(Some(face)).raster_em(em);
    j.raster_text(text).unwrap();
    let job = j.finish("t").unwrap();
    let page = &pages_of(&job.bytes)[0];
    let imgs = images(page);
    assert_eq!(imgs.len(), 1, "{text} went out as one line");
    imgs[0].0.clone()
}

#[test]
fn a_usual_bilingual_ticket_keeps_full_size_and_only_a_very_long_one_shrinks() {
    let Some(face) = face() else { return };
    let window = |job: &layout::Job| {
        let page = &pages_of(&job.bytes)[0];
        // The window label is the fifth raster line: hall, category, ahead, wait, window.
        images(page)[4].0.clone()
    };
    let mut usual = bilingual_slip();
    usual.hall = "合作市政务服务中心".into();
    usual.tibetan = Some(TicketTibetan {
        hall: Some("གཙོས་གྲོང་ཁྱེར་སྲིད་གཞུང་ཞབས་ཞུའི་ལྟེ་གནས།".into()),
        category: Some("སྤྱི་ཚོགས་འགན་སྲུང་།".into()),
    });
    let job = layout::ticket(profile(PaperWidth::Mm80), &usual).unwrap();
    eprintln!("usual bilingual ticket, 80 mm: {} bytes", job.bytes.len());
    assert_eq!(
        window(&job),
        printed_at(face, layout::TICKET_BO.window, TIBETAN_EM_DOTS)
    );
    // The longest hall name of the tests takes it past 8 KB at full size: it prints
    // smaller, but it prints.
    let long = layout::ticket(profile(PaperWidth::Mm80), &bilingual_slip()).unwrap();
    assert!(long.bytes.len() < layout::TICKET_MAX_BYTES);
    let shrunk = window(&long);
    assert_eq!(shrunk, printed_at(face, layout::TICKET_BO.window, 24.0));
}

#[test]
fn on_the_simulator_chinese_is_text_and_tibetan_is_images_in_place() {
    let Some(_) = face() else { return };
    let sim = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
    let mut printer = EscPosPrinter::open(PortSpec::parse(&sim.path(), 115_200)).unwrap();
    let job = layout::ticket(profile(PaperWidth::Mm80), &bilingual_slip()).unwrap();
    printer.print(&job).unwrap();
    let pages = sim.wait_pages(1, std::time::Duration::from_secs(5));
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    let text = page.text();
    for want in [
        "甘南藏族自治州合作市政务服务中心",
        "社会保障卡及医疗保险业务",
        "12 人",
        "约 35 分钟",
        "3、4 号窗口",
        "请留意叫号屏幕和广播",
        "本票据不含个人信息",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    assert_eq!(page.line_with("A023").unwrap().size(), (4, 4));
    // No Tibetan reached the text mode, where it would print as boxes or mojibake.
    assert!(!text.chars().any(is_tibetan), "{text}");
    assert!(!text.contains('□'), "{text}");
    assert_eq!(
        page.qr_payloads(),
        vec!["https://hall.example.gov.cn/track/t/20261124/A023?k=K-01"]
    );

    // Each Tibetan line comes right after its Chinese line: (what precedes, justification).
    let mut after = Vec::new();
    let mut last_text = String::new();
    for b in &page.blocks {
        match b {
            Block::Line(l) if !l.text().trim().is_empty() => last_text = l.text(),
            Block::Image { justify, .. } => after.push((last_text.clone(), *justify)),
            _ => {}
        }
    }
    let expect = [
        ("甘南藏族自治州合作市政务服务中心", Justify::Center),
        ("社会保障卡及医疗保险业务", Justify::Center),
        ("前面等候", Justify::Left),
        ("预计等候", Justify::Left),
        ("办理窗口", Justify::Left),
        ("请留意叫号屏幕和广播", Justify::Left),
    ];
    for (want, justify) in expect {
        assert!(
            after.iter().any(|(t, j)| t.contains(want) && *j == justify),
            "no {justify:?} Tibetan line after {want:?}: {after:?}"
        );
    }
}

/// `hb-shape`'s glyph ids, clusters (UTF-8 byte offsets), advances and offsets of `text`.
fn hb_shape(font: &str, text: &str) -> Vec<(u32, u32, i32, i32, i32)> {
    let out = Command::new("hb-shape")
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .args([
            "--output-format=json",
            "--no-glyph-names",
            "--utf8-clusters",
            "--script=tibt",
            "--direction=ltr",
            "--bot",
            "--eot",
            font,
            text,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let n = |k: &str| g[k].as_i64().unwrap();
            (
                n("g") as u32,
                n("cl") as u32,
                n("ax") as i32,
                n("dx") as i32,
                n("dy") as i32,
            )
        })
        .collect()
}

#[test]
fn the_raster_lines_decode_to_the_glyph_clusters_hb_shape_gives() {
    let Some(face) = face() else { return };
    let Some(font) = reference_tools(face, "hb-shape") else {
        return;
    };
    for word in STACKED {
        let shaped = face.shape(word);
        let ours: Vec<_> = shaped
            .glyphs
            .iter()
            .map(|g| (g.id, g.cluster, g.x_advance, g.x_offset, g.y_offset))
            .collect();
        let reference = hb_shape(&font, word);
        assert_eq!(ours, reference, "{word}");
        // And what goes over the wire is that glyph run drawn: the GS v 0 image read back
        // by the simulator is the rasterised shaping result, dot for dot.
        assert_eq!(
            printed_line(face, word),
            face.rasterise(&shaped, TIBETAN_EM_DOTS),
            "{word}"
        );
        // A stack is one cluster: fewer clusters than characters, so the shaper did join.
        let clusters: std::collections::BTreeSet<_> =
            shaped.ids_and_clusters().iter().map(|&(_, c)| c).collect();
        assert!(clusters.len() < word.chars().count(), "{word}");
    }
}

/// `hb-view`'s picture of `text` at the raster em, thresholded at half as the printer would.
fn hb_view(font: &str, text: &str, dir: &Path) -> Bitmap {
    let png = dir.join("line.png");
    let out = Command::new("hb-view")
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .arg(format!("--font-size={TIBETAN_EM_DOTS}"))
        .args([
            "--margin=0",
            "--script=tibt",
            "--direction=ltr",
            "--bot",
            "--eot",
            "-O",
            "png",
            "-o",
        ])
        .arg(&png)
        .args([font, text])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let img = image::open(&png).unwrap().to_luma8();
    std::fs::remove_file(&png).unwrap();
    let mut bm = Bitmap::new(img.width() as usize, img.height() as usize);
    for (x, y, p) in img.enumerate_pixels() {
        if p.0[0] < 128 {
            bm.set(x as usize, y as usize);
        }
    }
    bm
}

/// Intersection over union of two ink-cropped pictures laid top-left on top-left.
fn iou(a: &Bitmap, b: &Bitmap) -> f64 {
    let (w, h) = (a.width.max(b.width), a.height.max(b.height));
    let (mut both, mut either) = (0usize, 0usize);
    for y in 0..h {
        for x in 0..w {
            let (p, q) = (a.get(x, y), b.get(x, y));
            both += usize::from(p && q);
            either += usize::from(p || q);
        }
    }
    both as f64 / either.max(1) as f64
}

/// The one raster image a job holding one short Tibetan line prints, cropped to its ink
/// (GS v 0 pads the width to whole bytes; the padding is blank).
fn printed_line(face: &'static TibetanFace, text: &str) -> Bitmap {
    crop_to_ink(&printed_at(face, text, TIBETAN_EM_DOTS))
}

#[test]
fn a_printed_tibetan_line_looks_like_hb_view_of_the_same_text() {
    let Some(face) = face() else { return };
    let Some(font) = reference_tools(face, "hb-view") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut figures = Vec::new();
    for text in STACKED
        .iter()
        .copied()
        .chain([layout::TICKET_BO.watch, layout::TICKET_BO.people_ahead])
    {
        let ours = printed_line(face, text);
        let reference = crop_to_ink(&hb_view(&font, text, dir.path()));
        let score = iou(&ours, &reference);
        eprintln!(
            "IoU {score:.3}: printed {}x{}, hb-view {}x{}  {text}",
            ours.width, ours.height, reference.width, reference.height
        );
        // Same size to the dot or two: the em, the stacks and the line's length agree.
        assert!(ours.width.abs_diff(reference.width) <= 1, "{text}");
        assert!(ours.height.abs_diff(reference.height) <= 1, "{text}");
        figures.push(score);
    }
    let worst = figures.iter().copied().fold(f64::MAX, f64::min);
    assert!(worst >= MIN_IOU, "IoU {worst:.3} < {MIN_IOU}: {figures:?}");
}

#[test]
fn without_a_tibetan_font_the_ticket_prints_in_chinese_only() {
    let slip = bilingual_slip();
    let job = layout::ticket_with_face(profile(PaperWidth::Mm80), &slip, None).unwrap();
    let page = &pages_of(&job.bytes)[0];
    assert!(images(page).is_empty());
    assert!(page.text().contains("甘南藏族自治州合作市政务服务中心"));
    assert!(page.text().contains("请留意叫号屏幕和广播"));
    // Exactly the Chinese ticket: nothing half-printed for the missing part.
    let chinese = TicketSlip {
        tibetan: None,
        ..slip
    };
    let plain = layout::ticket(profile(PaperWidth::Mm80), &chinese).unwrap();
    assert_eq!(job.bytes, plain.bytes);
    // And a builder told there is no font says so, with a kind for the log.
    let mut j = JobBuilder::new(Profile::default()).unwrap();
    j.tibetan_face(None);
    match j.raster_text("བཀྲ་ཤིས།") {
        Err(layout::RasterError::Font(e)) => assert_eq!(e.kind(), "no_font"),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

/// Odd text into the shaping and raster path: never a panic, never wider than the paper.
fn check_odd(face: &'static TibetanFace, text: &str) {
    for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let mut j = JobBuilder::new(profile(width)).unwrap();
        j.tibetan_face(Some(face));
        j.align(Align::Center).unwrap();
        j.raster_text(text).unwrap();
        let job = j.finish("t").unwrap();
        for page in pages_of(&job.bytes) {
            for (bm, _) in images(&page) {
                assert!(bm.width <= width.dots());
                assert!(bm.height <= 200, "{} rows", bm.height);
            }
        }
    }
    for line in face.wrap(text, TIBETAN_EM_DOTS, 384) {
        assert!(!line.is_empty());
        assert!(text.contains(line.trim()) || text.chars().any(char::is_control));
    }
    let _ = face.rasterise(&face.shape(text), TIBETAN_EM_DOTS);
}

#[test]
fn odd_text_never_panics_the_raster_path() {
    let Some(face) = face() else { return };
    let long_word = "བསྒྲུབས".repeat(400);
    let long_text = "བཀྲ་ཤིས་བདེ་ལེགས། ".repeat(200);
    let fixed = [
        "",
        " ",
        "\n\n",
        "\u{0F0B}",
        "\u{0F0D}\u{0F0D}\u{0F0D}",
        // Only combining marks: vowel signs and subjoined letters with no consonant.
        "\u{0F72}\u{0F74}\u{0F7A}\u{0F90}\u{0FB2}\u{0F71}",
        "\u{0F90}",
        "\u{0301}\u{0F72}",
        "ཀ\u{0F72}\u{0F72}\u{0F72}\u{0F72}\u{0F72}\u{0F74}\u{0F74}\u{0F74}",
        &long_word,
        &long_text,
        "中文 Latin ཀ 😀 \u{200D}\u{FEFF} العربية עברית",
        "ཀ\u{0}\u{7}\r\u{1B}@\u{1D}v0ཁ",
        "\u{0FFF}\u{0FD9}\u{0F0C}\u{0F0C}",
        "\u{202E}ཀཁག\u{202C}",
        &"\u{0F0B}".repeat(2000),
        &"\u{0FB2}".repeat(500),
    ];
    for text in fixed {
        check_odd(face, text);
    }
    // A few hundred pseudo-random mixes of Tibetan, marks, CJK, ASCII and controls.
    let pool: Vec<char> = ('\u{0F00}'..='\u{0FDA}')
        .chain("中文 ab1\n\t\u{0301}\u{200C}😀".chars())
        .collect();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..300 {
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let len = (next() % 60) as usize;
        let text: String = (0..len)
            .map(|_| pool[(next() % pool.len() as u64) as usize])
            .collect();
        check_odd(face, &text);
    }
}
