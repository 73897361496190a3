#![no_main]
//! The catalog's form schema reader over arbitrary JSON: no panic; a schema it accepts has
//! unique keys, choices for every choice field, and visibility that can be evaluated.

use hall_link::form::{parse, visible, Kind, Values};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let Ok(fields) = parse(&json) else {
        return;
    };
    assert!(!fields.is_empty());
    let mut keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), fields.len());
    let mut values = Values::new();
    for f in &fields {
        if let Kind::Choice(c) = &f.kind {
            assert!(!c.is_empty());
            values.insert(f.key.clone(), c[0].clone());
        }
        assert!(f.kind.max_len() > 0);
    }
    for f in &fields {
        let _ = visible(f, &values);
    }
});
