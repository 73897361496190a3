#![no_main]
//! Retry-After, Date and ETag as a backend (or a proxy in between) may send them, through
//! the parsers the client uses (hall/src/headers.rs): no panic; a Retry-After never asks
//! for more than the cap and the outbox's next try is never in the past; an ETag kept is
//! bounded, quoted, visible ASCII; the clock skew of any Date saturates.

use std::time::{Duration, SystemTime};

use hall_link::headers::{self, ETAG_MAX_LEN, RETRY_AFTER_CAP};
use hall_link::link::retry_due;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    if let Some(wait) = headers::retry_after(text, now) {
        assert!(wait <= RETRY_AFTER_CAP, "{text:?} -> {wait:?}");
        let now_ms = 1_700_000_000_000i64;
        assert!(retry_due(now_ms, wait) >= now_ms);
    }
    if let Some(tag) = headers::etag(text) {
        assert!(tag.len() <= ETAG_MAX_LEN);
        assert!(tag.ends_with('"') && tag.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    }
    if let Some(server) = headers::date(text) {
        let _ = headers::skew_s(now, server);
        let _ = hall_link::clock::correction_for(server, now);
    }
});
