//! From the tap on the last choice to the ticket's last byte at the printer: the real app
//! on Slint's testing backend, hall-sim on loopback and the printer simulator on a pty,
//! 200 walk-in tickets. Prints median, p99 and max.
//!
//! `cargo bench --bench ticket_latency`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{rig, screen, tap};

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs this too: keep that quick.
    let n: usize = if std::env::args().any(|a| a == "--bench") {
        200
    } else {
        5
    };
    let r = rig();
    let k = &r.kiosk;
    let printer = r
        .services
        .demo
        .as_ref()
        .expect("demo world")
        .printer
        .clone();
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        k.go_home();
        tap(k, "取号");
        tap(k, "企业服务");
        let t0 = Instant::now();
        tap(k, "不刷卡，直接取号");
        loop {
            k.pump();
            if printer.pages().len() > i {
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "ticket {i} not printed"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        times.push(t0.elapsed());
        assert_eq!(screen(k), "ticket-issued");
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p99 = times[(times.len() * 99).div_ceil(100).saturating_sub(1)];
    println!(
        "ticket: tap to last byte at the printer, {} tickets: median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        ms(times[times.len() / 2]),
        ms(p99),
        ms(*times.last().expect("some"))
    );
}
