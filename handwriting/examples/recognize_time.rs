//! Time from a finished stroke set to its candidates: 50 calls of `recognize` on the
//! recorded 政 (9 strokes), after one warm-up call, with the installed zinnia and model.
//!
//! ```sh
//! cargo run --release -p kiosk-handwriting --example recognize_time
//! ```

use std::path::Path;
use std::time::{Duration, Instant};

use kiosk_handwriting::{Recognizer, Strokes, MAX_CANDIDATES};

const CALLS: usize = 50;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/strokes/zheng.json");
    let strokes = Strokes::from_json(&std::fs::read_to_string(path)?)?;

    let opened = Instant::now();
    let recognizer = Recognizer::open_default()?;
    let open_time = opened.elapsed();

    // The first call touches the mapped model's pages; a kiosk pays it once.
    let first = Instant::now();
    let candidates = recognizer.recognize(&strokes, MAX_CANDIDATES)?;
    let first_time = first.elapsed();

    let mut times: Vec<Duration> = (0..CALLS)
        .map(|_| {
            let started = Instant::now();
            let result = recognizer.recognize(&strokes, MAX_CANDIDATES);
            let elapsed = started.elapsed();
            std::hint::black_box(result).map(|_| elapsed)
        })
        .collect::<Result<_, _>>()?;
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];

    let texts: Vec<&str> = candidates.iter().map(|c| c.text.as_str()).collect();
    println!(
        "model {} ({} characters), opened in {:.1} ms",
        recognizer.model().display(),
        recognizer.characters(),
        ms(open_time)
    );
    println!(
        "政: {} strokes, {} points -> {}",
        strokes.stroke_count(),
        strokes.point_count(),
        texts.join(" ")
    );
    println!("first call {:.2} ms", ms(first_time));
    println!(
        "{CALLS} calls: median {:.2} ms, p95 {:.2} ms, min {:.2} ms, max {:.2} ms",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
