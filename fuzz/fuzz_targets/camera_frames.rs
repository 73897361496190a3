#![no_main]
//! Camera buffers to luma frames, and the QR decoder on them, over arbitrary bytes and
//! dimensions (a driver's format is not to be trusted either): the Y plane is exactly the
//! luma bytes of each row, or None when the buffer is too short; the decoder never panics
//! outside its own guard, on any width, height and buffer.

use kiosk_drivers::scanner::frames::luma_plane;
use kiosk_drivers::scanner::image_decode::{decode_luma, decode_single_pass};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // rqrr may panic on a hostile frame; the product catches that (catch_unwind in the
        // decoder), so only panics that escape it count. libfuzzer-sys's hook aborts on
        // every panic, caught or not: put the default hook back. An escaping panic still
        // aborts the run.
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
    let [f, w0, w1, w2, w3, h0, h1, h2, h3, s0, s1, s2, s3, buf @ ..] = data else {
        return;
    };
    // Mostly small dimensions, sometimes hostile ones.
    let dim = |b: [u8; 4]| {
        if f & 0x80 != 0 {
            u32::from_le_bytes(b)
        } else {
            u32::from(b[0] % 80)
        }
    };
    let (width, height, stride) = (dim([*w0, *w1, *w2, *w3]), dim([*h0, *h1, *h2, *h3]), dim([*s0, *s1, *s2, *s3]));
    let grey = f & 1 == 0;
    let bpp: u128 = if grey { 1 } else { 2 };
    let (w, h) = (u128::from(width), u128::from(height));
    let row = w * bpp;
    let stride_used = u128::from(stride).max(row);
    let needed = stride_used * h.saturating_sub(1) + row;

    match luma_plane(grey, width, height, stride, buf) {
        Some(frame) => {
            assert!(needed <= buf.len() as u128);
            assert_eq!((frame.width as u128, frame.height as u128), (w, h));
            assert_eq!(frame.luma.len() as u128, w * h);
            let s = stride_used as usize;
            for y in 0..frame.height {
                for x in 0..frame.width {
                    let at = y * s + x * bpp as usize;
                    assert_eq!(frame.luma[y * frame.width + x], buf[at]);
                }
            }
            let codes = decode_luma(frame.width, frame.height, &frame.luma);
            for c in codes {
                assert!(!c.raw.is_empty() || c.payload.is_empty());
            }
        }
        None => assert!(needed > buf.len() as u128, "{needed} bytes needed, {} given", buf.len()),
    }

    // The decoder straight on the bytes, with the dimensions as given.
    let _ = decode_single_pass(width as usize, height as usize, buf);
    let _ = decode_luma(width as usize, height as usize, buf);
});
