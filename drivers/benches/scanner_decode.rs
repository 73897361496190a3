//! Decode time of camera frames (640x480 and 1280x720) with a QR code held in view, and of
//! frames with no code (the common case: the decoder runs all its passes and finds nothing),
//! and of the first pass alone.
//!
//! Measured on the 2-core development machine (release, criterion medians, November 2026):
//!
//! | frame    | code in view | no code, all passes | first pass only |
//! |----------|--------------|---------------------|-----------------|
//! | 640x480  | 6.8-7.9 ms   | 5.7 ms              | 2.4 ms          |
//! | 1280x720 | 13.0-13.2 ms | 18.2 ms             | 7.1-7.2 ms      |

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kiosk_drivers::scanner::image_decode::{decode_luma, decode_single_pass};
use kiosk_drivers::scanner::synth;

const PAYLOAD: &[u8] = b"https://hall.example.gov.cn/track/t/20261105/A017";

fn bench_decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode_luma");
    g.sample_size(20);
    for (w, h, module) in [(640usize, 480usize, 4usize), (1280, 720, 6)] {
        let with_code = synth::noise(
            &synth::rotate(
                &synth::scene(w, h, PAYLOAD, module).expect("payload fits"),
                0.0,
                150,
            ),
            6,
            7,
        );
        assert_eq!(
            decode_luma(with_code.width, with_code.height, &with_code.luma).len(),
            1
        );
        g.bench_with_input(
            BenchmarkId::new("code", format!("{w}x{h}")),
            &with_code,
            |b, f| b.iter(|| decode_luma(f.width, f.height, &f.luma)),
        );
        let empty = synth::noise(&synth::blank(w, h, 150), 6, 7);
        // The first pass alone: what a frame costs before any retry.
        g.bench_with_input(
            BenchmarkId::new("no_code_first_pass", format!("{w}x{h}")),
            &empty,
            |b, f| b.iter(|| decode_single_pass(f.width, f.height, &f.luma)),
        );
        g.bench_with_input(
            BenchmarkId::new("no_code", format!("{w}x{h}")),
            &empty,
            |b, f| b.iter(|| decode_luma(f.width, f.height, &f.luma)),
        );
    }
    g.finish();
}

criterion_group!(benches, bench_decode);
criterion_main!(benches);
