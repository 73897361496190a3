#![no_main]
//! Reader frames and read replies whose length fields lie: arbitrary bytes rarely make a
//! preamble with a right checksum, so this target builds them. A frame with any LEN field,
//! garbage before it, a right or wrong checksum, cut anywhere, must parse as exactly what
//! its bytes are; a read reply's text, photo and fingerprint lengths (u16 each) must give
//! blocks inside the data and within the card's sizes, or an error, never a panic.

use kiosk_drivers::idcard::protocol::{
    parse, read_blocks, BlocksError, FrameError, Parsed, MAX_LEN, PREAMBLE,
};
use kiosk_drivers::idcard::text::{PHOTO_LEN, TEXT_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [flags, garbage, len_hi, len_lo, cut_hi, cut_lo, rest @ ..] = data else {
        return;
    };
    // Garbage without 0xAA cannot hold or end in a preamble.
    let garbage: Vec<u8> = rest
        .iter()
        .take(usize::from(*garbage % 16))
        .map(|&b| if b == 0xAA { 0x55 } else { b })
        .collect();
    let body = &rest[garbage.len()..];
    let len_field = u16::from_be_bytes([*len_hi, *len_lo]);
    let len = usize::from(len_field);

    let mut frame = garbage.clone();
    frame.extend_from_slice(&PREAMBLE);
    frame.extend_from_slice(&len_field.to_be_bytes());
    frame.extend_from_slice(body);
    // The checksum goes where LEN says it is (when the body is long enough), right or wrong.
    let chk_at = garbage.len() + PREAMBLE.len() + 1 + len;
    let good = flags & 1 == 0;
    if (2..=MAX_LEN).contains(&len) && chk_at < frame.len() {
        let chk = frame[garbage.len() + PREAMBLE.len()..chk_at]
            .iter()
            .fold(0u8, |a, b| a ^ b);
        frame[chk_at] = if good { chk } else { !chk };
    }
    let cut = usize::from(u16::from_be_bytes([*cut_hi, *cut_lo]));
    let frame = &frame[..frame.len().min(garbage.len() + PREAMBLE.len() + cut)];
    let have = frame.len() - garbage.len() - PREAMBLE.len();

    let parsed = parse(frame);
    match &parsed {
        _ if have < 2 => assert_eq!(parsed, Parsed::Incomplete),
        _ if !(2..=MAX_LEN).contains(&len) => assert_eq!(
            parsed,
            Parsed::Bad {
                error: FrameError::Length(len),
                consumed: garbage.len() + 1
            }
        ),
        _ if have < 2 + len => assert_eq!(parsed, Parsed::Incomplete),
        Parsed::Frame {
            body: got,
            consumed,
        } => {
            assert!(good);
            assert_eq!(*consumed, garbage.len() + PREAMBLE.len() + 2 + len);
            assert_eq!(&got[..], &body[..len - 1]);
        }
        Parsed::Bad { error, consumed } => {
            assert!(!good);
            assert_eq!(*error, FrameError::Checksum);
            assert_eq!(*consumed, garbage.len() + 1);
        }
        Parsed::Incomplete => panic!("whole frame of LEN {len} not parsed"),
    }

    // The same body as a read reply's data: lengths first, then the blocks.
    for fingerprint in [false, true] {
        match read_blocks(body, fingerprint) {
            Ok(b) => {
                assert_eq!(b.text.len(), TEXT_LEN);
                assert!(b.photo.len() <= PHOTO_LEN);
                let head = if fingerprint { 6 } else { 4 };
                assert_eq!(b.text, &body[head..head + TEXT_LEN]);
                let pl = usize::from(u16::from_be_bytes([body[2], body[3]]));
                assert!(b.photo.is_empty() || b.photo.len() == pl);
                if !fingerprint {
                    assert!(b.fingerprint.is_empty());
                } else {
                    let fl = usize::from(u16::from_be_bytes([body[4], body[5]]));
                    assert!(b.fingerprint.is_empty() || b.fingerprint.len() == fl);
                }
                let total = b.text.len() + b.photo.len() + b.fingerprint.len();
                assert!(head + total <= body.len());
            }
            Err(BlocksError::Length(tl)) => {
                assert!(tl != TEXT_LEN || body[2..4] > [0x04, 0x00][..]);
            }
            Err(BlocksError::Short) => {}
        }
    }
});
