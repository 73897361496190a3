//! The outbox's two rates: entries committed per second (each its own transaction, WAL,
//! synchronous=FULL, so each is on disk before the screen says "accepted"), and entries
//! drained per second to hall-sim on loopback (one HTTP request each, in order).
//!
//! `cargo bench -p hall-link --bench outbox` (figures in README). The disk is the temporary
//! directory's: on a kiosk, an SD card or eMMC is slower than this machine's disk.

use std::time::Instant;

use hall_link::sim::{HallSim, SimOptions};
use hall_link::store::Store;
use hall_link::{HallLink, LinkSettings};
use serde_json::json;
use uuid::Uuid;

fn rating(i: usize) -> serde_json::Value {
    json!({"ref": {"kind": "ticket", "ticket_no": format!("A{i:03}")}, "level": 5, "reasons": []})
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let n = if quick { 20 } else { 1000 };
    let dir = tempfile::tempdir().expect("temp dir");

    let (mut store, _) = Store::open(&dir.path().join("commit.db")).expect("store");
    let t = Instant::now();
    for i in 0..n {
        store
            .enqueue("rating", "/ratings", Uuid::new_v4(), &rating(i))
            .expect("commit");
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "outbox commits: {n} entries in {:.2} s = {:.0} entries/s ({:.2} ms each, synchronous=FULL)",
        secs,
        n as f64 / secs,
        secs * 1000.0 / n as f64
    );
    drop(store);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let sim = HallSim::spawn(SimOptions::default())
            .await
            .expect("hall-sim");
        let data = dir.path().join("drain");
        std::fs::create_dir_all(&data).expect("dir");
        {
            let (mut store, _) = Store::open(&data.join("kiosk.db")).expect("store");
            for i in 0..n {
                store
                    .enqueue("rating", "/ratings", Uuid::new_v4(), &rating(i))
                    .expect("commit");
            }
        }
        let link = HallLink::open(LinkSettings::new(
            "BENCH-01",
            &sim.url(),
            "demo-token",
            data,
        ))
        .expect("link");
        let t = Instant::now();
        let empty = link.flush().await.expect("flush");
        let secs = t.elapsed().as_secs_f64();
        assert!(empty, "everything delivered");
        assert_eq!(sim.ratings().len(), n);
        println!(
            "outbox drain to hall-sim on loopback: {n} entries in {:.2} s = {:.0} entries/s",
            secs,
            n as f64 / secs
        );
    });
}
