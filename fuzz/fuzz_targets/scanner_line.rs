#![no_main]
//! Line assembly, text decoding and HID key translation over arbitrary input: no panic, and
//! no line longer than the limit or empty ever comes out.

use std::time::{Duration, Instant};

use kiosk_drivers::scanner::hid::{HidLineDecoder, KeyLayout};
use kiosk_drivers::scanner::line::{decode_text, LineAssembler, LineEvent, LineRules, Terminator};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let terminator = [
        Terminator::Cr,
        Terminator::Lf,
        Terminator::CrLf,
        Terminator::Tab,
    ][usize::from(head & 3)];
    let max_len = usize::from(head >> 2) + 1;
    let rules = LineRules {
        terminator,
        max_len,
        quiet: Duration::from_millis(100),
    };
    let t0 = Instant::now();
    let mut lines = LineAssembler::new(rules);
    let mut now = t0;
    let mut events = Vec::new();
    // Chunks: a length byte, a gap byte (ms), then the bytes.
    let mut input = rest;
    while let [len, gap, tail @ ..] = input {
        let n = usize::from(*len).min(tail.len());
        now += Duration::from_millis(u64::from(*gap));
        events.extend(lines.feed(&tail[..n], now));
        events.extend(lines.tick(now));
        input = &tail[n..];
    }
    events.extend(lines.flush());
    for e in events {
        if let LineEvent::Line(l) = e {
            assert!(!l.is_empty() && l.len() <= max_len);
            let _ = decode_text(&l);
        }
    }
    let _ = decode_text(rest);

    // The same bytes as key events: (code, value) pairs.
    for layout in [KeyLayout::Us, KeyLayout::Chinese] {
        let mut hid = HidLineDecoder::new(layout, rules);
        for pair in rest.chunks_exact(2) {
            let _ = hid.key(u16::from(pair[0]), i32::from(pair[1] % 3), t0);
        }
        let _ = hid.flush();
    }
});
