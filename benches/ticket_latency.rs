//! From the tap on the last choice to the ticket's last byte at the printer: the real app
//! on Slint's testing backend, hall-sim on loopback and the printer simulator on a pty,
//! 200 walk-in tickets. Prints median, p99 and max, and the same split at the moment the
//! ticket is on screen (the backend's part: issued over loopback; then the print's part:
//! the job to the printer).
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
    let mut issued = Vec::with_capacity(n);
    let mut printing = Vec::with_capacity(n);
    for i in 0..n {
        k.go_home();
        tap(k, "取号");
        tap(k, "企业服务");
        let t0 = Instant::now();
        tap(k, "不刷卡，直接取号");
        let mut on_screen = None;
        loop {
            k.pump();
            if on_screen.is_none() && screen(k) == "ticket-issued" {
                on_screen = Some(t0.elapsed());
            }
            if printer.pages().len() > i {
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "ticket {i} not printed"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        let t = t0.elapsed();
        times.push(t);
        assert_eq!(screen(k), "ticket-issued");
        // The page can be out before the screen's turn comes in the loop above.
        let on_screen = on_screen.unwrap_or(t);
        issued.push(on_screen);
        printing.push(t - on_screen);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let figures = |times: &mut Vec<Duration>| {
        times.sort();
        let p99 = times[(times.len() * 99).div_ceil(100).saturating_sub(1)];
        format!(
            "median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            ms(times[times.len() / 2]),
            ms(p99),
            ms(*times.last().expect("some"))
        )
    };
    println!(
        "ticket: tap to last byte at the printer, {} tickets: {}",
        times.len(),
        figures(&mut times)
    );
    println!("  tap to the ticket on screen: {}", figures(&mut issued));
    println!(
        "  ticket on screen to last byte at the printer: {}",
        figures(&mut printing)
    );
}
