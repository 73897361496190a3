#![no_main]
//! Printer status bytes (DLE EOT 1..4 and GS r 1) over arbitrary bytes: a byte is refused
//! exactly when it cannot be a status byte; what is accepted re-encodes (the simulator's
//! side) to bytes that decode to the same condition, and "can print" never disagrees with
//! the condition.

use kiosk_drivers::printer::status::{
    decode_gs_r, decode_real_time, encode_gs_r, encode_real_time, BadStatusByte, Condition, Paper,
    PrinterStatus, RealTimeBytes,
};
use libfuzzer_sys::fuzz_target;

fn check(s: &PrinterStatus) {
    let c = s.condition();
    assert_eq!(
        s.can_print(),
        matches!(c, Condition::Ready | Condition::PaperNearEnd)
    );
    assert!(!c.as_str().is_empty() && !c.en().is_empty() && !c.zh().is_empty());
    // The simulator's answers to the same status decode to the same condition.
    let again = decode_real_time(RealTimeBytes {
        printer: encode_real_time(s, 1),
        offline_cause: encode_real_time(s, 2),
        error_cause: encode_real_time(s, 3),
        paper_sensor: encode_real_time(s, 4),
    })
    .expect("the simulator's own bytes are status bytes");
    assert_eq!(again.condition(), c, "{s:?} came back as {again:?}");
    assert_eq!(again.can_print(), s.can_print());
    assert_eq!(again.paper, s.paper);
    let gs = decode_gs_r(encode_gs_r(s)).expect("the simulator's GS r byte");
    assert_eq!(gs.paper, s.paper);
}

fuzz_target!(|data: &[u8]| {
    for q in data.chunks(4) {
        let b = |i: usize| q.get(i).copied().unwrap_or(0x12);
        let rt = RealTimeBytes {
            printer: b(0),
            offline_cause: b(1),
            error_cause: b(2),
            paper_sensor: b(3),
        };
        let bytes = [
            rt.printer,
            rt.offline_cause,
            rt.error_cause,
            rt.paper_sensor,
        ];
        match decode_real_time(rt) {
            Ok(s) => {
                // Bits 1 and 4 set, bits 0 and 7 clear in every byte.
                assert!(bytes.iter().all(|x| x & 0x93 == 0x12));
                // Paper out from the sensor or the offline cause stops printing.
                if rt.paper_sensor & 0x60 != 0 || rt.offline_cause & 0x20 != 0 {
                    assert_eq!(s.paper, Paper::Out);
                    assert!(!s.can_print());
                }
                check(&s);
            }
            Err(BadStatusByte(x)) => {
                let first = bytes.iter().find(|x| *x & 0x93 != 0x12);
                assert_eq!(first, Some(&x));
            }
        }
        for &x in q {
            match decode_gs_r(x) {
                Ok(s) => {
                    assert_eq!(x & 0x90, 0);
                    assert!(s.online && !s.cover_open && !s.error);
                    check(&s);
                }
                Err(BadStatusByte(y)) => {
                    assert_eq!(y, x);
                    assert_ne!(x & 0x90, 0);
                }
            }
        }
    }
});
