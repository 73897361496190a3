#![no_main]
//! Stroke files (the handwriting pad's JSON, read as UTF-8 lossily) to
//! `kiosk_handwriting::Strokes::from_json`: no panic; what it accepts is within the limits
//! and the box, and reads back equal from its own `to_json`. With
//! `STROKE_FUZZ_RECOGNIZE=1` and zinnia installed, accepted strokes also go through
//! recognition (far slower: zinnia scores every character of the model each time), which
//! must return at most 8 candidates.

use std::sync::{Mutex, OnceLock};

use kiosk_handwriting::{
    Recognizer, Strokes, BOX_SIZE, MAX_CANDIDATES, MAX_POINTS_PER_STROKE, MAX_STROKES,
    MAX_TOTAL_POINTS,
};
use libfuzzer_sys::fuzz_target;

fn recognizer() -> Option<&'static Mutex<Recognizer>> {
    static RECOGNIZER: OnceLock<Option<Mutex<Recognizer>>> = OnceLock::new();
    RECOGNIZER
        .get_or_init(|| {
            let wanted = std::env::var_os("STROKE_FUZZ_RECOGNIZE").is_some_and(|v| v == "1");
            wanted
                .then(|| Recognizer::open_default().ok().map(Mutex::new))
                .flatten()
        })
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(strokes) = Strokes::from_json(&text) else {
        return;
    };
    let n = strokes.stroke_count();
    assert!((1..=MAX_STROKES).contains(&n));
    assert!(strokes.point_count() <= MAX_TOTAL_POINTS);
    for stroke in strokes.strokes() {
        assert!((1..=MAX_POINTS_PER_STROKE).contains(&stroke.len()));
        for &(x, y) in stroke {
            assert!((0.0..=BOX_SIZE).contains(&x) && (0.0..=BOX_SIZE).contains(&y));
        }
    }
    assert_eq!(
        Strokes::from_json(&strokes.to_json()).as_ref(),
        Ok(&strokes)
    );
    if let Some(r) = recognizer() {
        let r = r.lock().unwrap_or_else(|e| e.into_inner());
        let candidates = r.recognize(&strokes, MAX_CANDIDATES).expect("recognize");
        assert!(candidates.len() <= MAX_CANDIDATES);
    }
});
