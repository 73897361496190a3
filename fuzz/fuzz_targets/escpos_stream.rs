#![no_main]
//! The printer simulator's ESC/POS parser and page model over arbitrary bytes, fed in
//! arbitrary pieces as a serial line delivers them: no panic, no hang, the same events
//! whether the stream comes whole or in pieces, and every page renders.

use kiosk_drivers::printer::document::{pages_of, DocumentBuilder};
use kiosk_drivers::printer::escpos_parse::{parse, parse_all, Parsed};
use kiosk_drivers::printer::render;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, stream)) = data.split_first() else {
        return;
    };
    let (whole, used) = parse_all(stream);
    assert!(used <= stream.len());

    // The same stream in pieces of `split` bytes, parsed incrementally.
    let piece = usize::from(split).max(1);
    let mut buf = Vec::new();
    let mut pieces = Vec::new();
    for chunk in stream.chunks(piece) {
        buf.extend_from_slice(chunk);
        loop {
            match parse(&buf) {
                Parsed::Event(e, n) => {
                    assert!(n > 0 && n <= buf.len());
                    buf.drain(..n);
                    pieces.push(e);
                }
                Parsed::Incomplete => break,
            }
        }
    }
    // Text runs may be split differently; everything else must agree.
    let not_text = |e: &&kiosk_drivers::printer::escpos_parse::Event| {
        !matches!(e, kiosk_drivers::printer::escpos_parse::Event::Text(_))
    };
    assert!(whole
        .iter()
        .filter(not_text)
        .eq(pieces.iter().filter(not_text)));

    let mut doc = DocumentBuilder::new();
    for e in pieces {
        doc.apply(e);
    }
    let _ = doc.take_pages();
    for page in pages_of(stream).iter().take(4) {
        let _ = page.text();
        let bm = render::render(page, 384);
        assert_eq!(bm.width, 384);
    }
});
