#![no_main]
//! The card text decoder on arbitrary 256-byte blocks: never panics, masks in Debug.
use kiosk_drivers::idcard::text::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = &data[..data.len().min(256)];
    if let Ok(card) = decode(text, &data[text.len()..]) {
        let _ = card.to_json(false);
        let _ = format!("{card:?}");
        let _ = card.id_number_valid();
    }
});
