#![no_main]
use libfuzzer_sys::fuzz_target;

// Placeholder until the parser it exercises lands.
fuzz_target!(|_data: &[u8]| {});
