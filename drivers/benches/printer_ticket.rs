//! A queue ticket on the wire: bytes and time at 115200 baud in the printer's text mode
//! (what the driver sends) against the same ticket as a raster image (what kiosk software
//! that prints Chinese as pictures sends), plus the time to lay a ticket out and to render
//! a page in the simulator.
//!
//! `cargo bench -p kiosk-drivers --bench printer_ticket` prints the wire figures first.

use criterion::{criterion_group, criterion_main, Criterion};
use kiosk_drivers::printer::document::pages_of;
use kiosk_drivers::printer::layout::{self, TicketSlip};
use kiosk_drivers::printer::{render, PaperWidth, Profile};

fn slip() -> TicketSlip {
    TicketSlip {
        hall: "示例县政务服务中心".into(),
        category: "社保医保".into(),
        number: "A023".into(),
        waiting_ahead: Some(5),
        wait_minutes: Some(15),
        windows: "3、4 号窗口".into(),
        issued_at: "2026-11-24 09:41".into(),
        follow_url: Some("https://hall.example.gov.cn/track/t/20261124/A023".into()),
        offline: false,
        priority: String::new(),
        appointment: None,
        tibetan: None,
    }
}

/// Seconds on a serial line at `baud` (8N1: 10 bits a byte).
fn wire_s(bytes: usize, baud: u32) -> f64 {
    bytes as f64 * 10.0 / baud as f64
}

fn figures() {
    for width in [PaperWidth::Mm80, PaperWidth::Mm58] {
        let p = Profile {
            width,
            ..Profile::default()
        };
        let job = layout::ticket(p, &slip()).expect("layout");
        let page = &pages_of(&job.bytes)[0];
        let bm = render::render(page, width.dots());
        // GS v 0 raster of the whole page: 8 header bytes, one bit per dot.
        let raster = 8 + bm.width.div_ceil(8) * bm.height;
        println!(
            "ticket {}mm: text mode {} bytes, {:.3} s at 115200 baud; as raster {} bytes, {:.2} s",
            if width == PaperWidth::Mm80 { 80 } else { 58 },
            job.bytes.len(),
            wire_s(job.bytes.len(), 115_200),
            raster,
            wire_s(raster, 115_200),
        );
    }
}

fn bench(c: &mut Criterion) {
    figures();
    let p = Profile::default();
    c.bench_function("layout ticket 80mm", |b| {
        b.iter(|| layout::ticket(p, &slip()).expect("layout"))
    });
    let job = layout::ticket(p, &slip()).expect("layout");
    c.bench_function("parse + render ticket page (simulator)", |b| {
        b.iter(|| render::render(&pages_of(&job.bytes)[0], 576))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
