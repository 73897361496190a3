#![no_main]
//! Wrapping and slip layout over arbitrary text: no panic, no line wider than the paper,
//! no character lost, and every slip parses back into one page.

use kiosk_drivers::printer::document::pages_of;
use kiosk_drivers::printer::layout::{self, Material, ReceiptSlip};
use kiosk_drivers::printer::text::{columns, wrap};
use kiosk_drivers::printer::{PaperWidth, Profile, TextEncoding};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&w, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let width = usize::from(w % 64) + 2;
    let lines = wrap(&text, width);
    for l in &lines {
        assert!(columns(l) <= width, "{l:?} wider than {width}");
    }
    let kept: String = lines
        .concat()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let given: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(kept, given);

    let profile = Profile {
        width: if w & 1 == 0 {
            PaperWidth::Mm58
        } else {
            PaperWidth::Mm80
        },
        encoding: [TextEncoding::Gb18030, TextEncoding::Gbk, TextEncoding::Utf8]
            [usize::from(w % 3)],
        ..Profile::default()
    };
    let slip = ReceiptSlip {
        hall: text.to_string(),
        title: "受理回执".into(),
        receipt_no: text.chars().take(20).collect(),
        item: text.to_string(),
        applicant: String::new(),
        submitted_at: "2026-11-24 09:41".into(),
        progress_url: Some(text.chars().take(200).collect()),
        note: text.to_string(),
    };
    if let Ok(job) = layout::receipt(profile, &slip) {
        assert_eq!(pages_of(&job.bytes).len(), 1);
    }
    let _ = Material {
        name: text.to_string(),
        originals: 1,
        copies: 0,
        note: String::new(),
    };
});
