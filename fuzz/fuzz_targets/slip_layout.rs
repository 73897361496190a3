#![no_main]
//! Tickets, material checklists and receipts laid out from strings the backend sends
//! (category and item names, ticket numbers, windows, materials, notes, URLs): arbitrary
//! Unicode, control characters, any length. No panic; a slip that lays out is one page,
//! cut, with its QR code, no control character printed as text, and no line wider than the
//! paper.

use kiosk_drivers::printer::document::{pages_of, Block, Page};
use kiosk_drivers::printer::layout::{
    self, ChecklistSlip, Material, ReceiptSlip, TicketSlip, TicketTibetan,
};
use kiosk_drivers::printer::text::columns;
use kiosk_drivers::printer::{PaperWidth, Profile, TextEncoding};
use libfuzzer_sys::fuzz_target;

/// Checks a laid-out job; `qr` is whether the slip has a QR code.
fn check(bytes: &[u8], profile: Profile, qr: bool) {
    let pages = pages_of(bytes);
    assert_eq!(pages.len(), 1, "one slip, one page");
    let page: &Page = &pages[0];
    assert_eq!(page.cut, Some(true), "a partial cut");
    assert_eq!(page.qr_payloads().len(), usize::from(qr));
    let paper = profile.width.dots();
    for block in &page.blocks {
        if let Block::Image { bitmap, .. } = block {
            assert!(bitmap.width <= paper, "a raster line wider than the paper");
        }
        let Block::Line(line) = block else { continue };
        let dots: usize = line
            .spans
            .iter()
            .map(|s| match &s.image {
                Some(bm) => bm.width,
                None => columns(&s.text) * 12 * usize::from(s.size.0),
            })
            .sum();
        assert!(
            dots <= paper,
            "line {:?} is {dots} dots on {paper}-dot paper",
            line.text()
        );
        assert!(
            !line.text().chars().any(|c| c.is_control()),
            "control character printed: {:?}",
            line.text()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    // Fields are separated by 0xFF, which no UTF-8 text contains, so every field may hold
    // any character, controls included.
    let mut fields = rest
        .split(|&b| b == 0xFF)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut next = || fields.next().unwrap_or_default();
    let profile = Profile {
        width: if mode & 1 == 0 {
            PaperWidth::Mm58
        } else {
            PaperWidth::Mm80
        },
        encoding: [TextEncoding::Gb18030, TextEncoding::Gbk, TextEncoding::Utf8]
            [usize::from((mode >> 1) % 3)],
        ..Profile::default()
    };
    let url = |s: String| (mode & 0x10 != 0).then(|| s.chars().take(300).collect::<String>());

    let ticket = TicketSlip {
        hall: next(),
        category: next(),
        number: next(),
        waiting_ahead: (mode & 0x20 != 0).then_some(u32::MAX),
        wait_minutes: Some(u32::from(mode)),
        windows: next(),
        issued_at: next(),
        follow_url: url(next()),
        offline: mode & 0x40 != 0,
        priority: next(),
        appointment: (mode & 0x80 != 0).then(&mut next),
        // Tibetan lines are shaped and drawn: any text, stacked marks included.
        tibetan: (mode & 0x08 != 0).then(|| TicketTibetan {
            hall: Some(next()),
            category: Some(next()),
        }),
    };
    if let Ok(job) = layout::ticket(profile, &ticket) {
        check(&job.bytes, profile, ticket.follow_url.is_some());
    }

    let hall = next();
    let item = next();
    let hand_in = next();
    let guide_url = url(next());
    let materials: Vec<Material> = std::iter::from_fn(|| {
        let name = next();
        (!name.is_empty()).then(|| Material {
            name,
            originals: u32::from(mode),
            copies: u32::MAX,
            note: next(),
        })
    })
    .take(40)
    .collect();
    let checklist = ChecklistSlip {
        hall: hall.clone(),
        item: item.clone(),
        materials,
        hand_in,
        printed_at: "2026-11-24 09:41".into(),
        guide_url: guide_url.clone(),
    };
    if let Ok(job) = layout::checklist(profile, &checklist) {
        check(&job.bytes, profile, checklist.guide_url.is_some());
    }

    let receipt = ReceiptSlip {
        hall,
        title: "受理回执".into(),
        receipt_no: ticket.number.clone(),
        item,
        applicant: ticket.category.clone(),
        submitted_at: ticket.issued_at.clone(),
        progress_url: guide_url,
        note: ticket.windows.clone(),
    };
    if let Ok(job) = layout::receipt(profile, &receipt) {
        check(&job.bytes, profile, receipt.progress_url.is_some());
    }
});
