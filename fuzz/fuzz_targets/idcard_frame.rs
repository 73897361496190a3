#![no_main]
//! The SAM frame parser on arbitrary bytes: never panics, and a frame it returns is
//! consistent with the bytes it consumed.
use kiosk_drivers::idcard::protocol::{frame, parse, Parsed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = data.to_vec();
    // Walk the whole stream as the reader does.
    while !buf.is_empty() {
        match parse(&buf) {
            Parsed::Frame { body, consumed } => {
                assert!(consumed <= buf.len());
                let again = frame(&body);
                assert!(buf[..consumed].ends_with(&again));
                buf.drain(..consumed);
            }
            Parsed::Bad { consumed, .. } => {
                assert!(consumed >= 1 && consumed <= buf.len());
                buf.drain(..consumed);
            }
            Parsed::Incomplete => break,
        }
    }
});
