//! Serial line scanners end to end: the simulator writes bytes into a pty, the scanner
//! worker reads them through `serialport`, and events come out of the tokio channel.

use std::io::Write;
use std::time::Duration;

use kiosk_drivers::scanner::sim::{ScannerSimulator, SimOptions};
use kiosk_drivers::scanner::{
    spawn_scanner, Rejection, ScanSource, ScannerConfig, ScannerEvent, Terminator,
};
use tokio::sync::mpsc::Receiver;

const WAIT: Duration = Duration::from_secs(5);

async fn next(rx: &mut Receiver<ScannerEvent>) -> ScannerEvent {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("no scanner event within 5 s")
        .expect("scanner worker ended")
}

/// The next event that is not `Back` (which arrives after every open).
async fn next_not_back(rx: &mut Receiver<ScannerEvent>) -> ScannerEvent {
    loop {
        match next(rx).await {
            ScannerEvent::Back => continue,
            ev => return ev,
        }
    }
}

async fn expect_scan(rx: &mut Receiver<ScannerEvent>) -> String {
    match next_not_back(rx).await {
        ScannerEvent::Scanned(s) => {
            assert_eq!(s.source, ScanSource::Serial);
            s.payload
        }
        ev => panic!("expected a scan, got {ev:?}"),
    }
}

fn sim(terminator: Terminator) -> ScannerSimulator {
    ScannerSimulator::spawn(SimOptions {
        terminator,
        ..SimOptions::default()
    })
    .expect("pty simulator")
}

fn config(sim: &ScannerSimulator) -> ScannerConfig {
    ScannerConfig::new(sim.path().to_str().unwrap())
}

async fn started(
    cfg: ScannerConfig,
) -> (
    Receiver<ScannerEvent>,
    kiosk_drivers::scanner::ScannerHandle,
) {
    let (mut rx, h) = spawn_scanner(cfg);
    assert_eq!(next(&mut rx).await, ScannerEvent::Back);
    (rx, h)
}

#[tokio::test]
async fn utf8_and_gbk_codes_arrive_as_text() {
    let sim = sim(Terminator::Cr);
    let (mut rx, _h) = started(config(&sim)).await;
    sim.scan("hk:appt:v1:HZ01:A123".as_bytes()).unwrap();
    assert_eq!(expect_scan(&mut rx).await, "hk:appt:v1:HZ01:A123");
    // A Chinese system's QR payload in GBK: sent as GBK bytes, read back as text.
    let (gbk, _, _) = encoding_rs::GBK.encode("合作市政务服务中心:预约A7");
    assert!(std::str::from_utf8(&gbk).is_err());
    sim.scan(&gbk).unwrap();
    assert_eq!(expect_scan(&mut rx).await, "合作市政务服务中心:预约A7");
    sim.scan("预约 UTF-8".as_bytes()).unwrap();
    assert_eq!(expect_scan(&mut rx).await, "预约 UTF-8");
}

#[tokio::test]
async fn every_terminator_ends_codes() {
    for t in [Terminator::Lf, Terminator::CrLf, Terminator::Tab] {
        let sim = sim(t);
        let mut cfg = config(&sim);
        cfg.terminator = t;
        let (mut rx, _h) = started(cfg).await;
        sim.scan(b"ONE").unwrap();
        sim.scan(b"TWO").unwrap();
        assert_eq!(expect_scan(&mut rx).await, "ONE", "{t:?}");
        assert_eq!(expect_scan(&mut rx).await, "TWO", "{t:?}");
    }
}

#[tokio::test]
async fn a_line_longer_than_max_len_is_rejected_and_the_next_code_still_arrives() {
    let sim = sim(Terminator::Cr);
    let mut cfg = config(&sim);
    cfg.max_len = 16;
    let (mut rx, _h) = started(cfg).await;
    sim.scan(&[b'x'; 200]).unwrap();
    sim.scan(b"short").unwrap();
    assert_eq!(
        next(&mut rx).await,
        ScannerEvent::Rejected(Rejection::TooLong { max: 16 })
    );
    assert_eq!(expect_scan(&mut rx).await, "short");
}

#[tokio::test]
async fn half_a_line_then_silence_is_dropped_not_joined_to_the_next_code() {
    let sim = sim(Terminator::Cr);
    let mut cfg = config(&sim);
    cfg.quiet_ms = 150;
    let (mut rx, _h) = started(cfg).await;
    sim.send_raw(b"hk:ap").unwrap();
    assert_eq!(
        next(&mut rx).await,
        ScannerEvent::Rejected(Rejection::Incomplete { bytes: 5 })
    );
    sim.scan(b"TICKET-9").unwrap();
    assert_eq!(expect_scan(&mut rx).await, "TICKET-9");
}

#[tokio::test]
async fn a_code_split_across_writes_within_the_quiet_time_is_one_code() {
    let sim = sim(Terminator::Cr);
    let (mut rx, _h) = started(config(&sim)).await;
    sim.send_raw(b"hk:appt:v1:").unwrap();
    tokio::time::sleep(Duration::from_millis(60)).await;
    sim.send_raw(b"HZ01:B2\r").unwrap();
    assert_eq!(expect_scan(&mut rx).await, "hk:appt:v1:HZ01:B2");
}

#[tokio::test]
async fn noise_is_rejected_with_its_reason() {
    let sim = sim(Terminator::Cr);
    let (mut rx, _h) = started(config(&sim)).await;
    sim.send_raw(b"\x00\x1b[garbage\r").unwrap();
    assert_eq!(
        next(&mut rx).await,
        ScannerEvent::Rejected(Rejection::ControlCharacters)
    );
    sim.send_raw(b"\xff\xfe\xff\r").unwrap();
    assert_eq!(
        next(&mut rx).await,
        ScannerEvent::Rejected(Rejection::Undecodable { bytes: 3 })
    );
}

#[tokio::test]
async fn the_same_code_within_the_window_is_one_scan() {
    let sim = sim(Terminator::Cr);
    let mut cfg = config(&sim);
    cfg.duplicate_window_ms = 300;
    let (mut rx, _h) = started(cfg).await;
    for _ in 0..3 {
        sim.scan(b"SAME").unwrap();
    }
    sim.scan(b"OTHER").unwrap();
    // In order: a second SAME would have come before OTHER.
    assert_eq!(expect_scan(&mut rx).await, "SAME");
    assert_eq!(expect_scan(&mut rx).await, "OTHER");
    // Past the window the same code is a new scan.
    tokio::time::sleep(Duration::from_millis(400)).await;
    sim.scan(b"OTHER").unwrap();
    assert_eq!(expect_scan(&mut rx).await, "OTHER");
}

#[tokio::test]
async fn a_scanner_that_sends_half_a_line_then_dies_is_reopened_when_it_returns() {
    let sim = sim(Terminator::Cr);
    let (mut rx, _h) = started(config(&sim)).await;
    sim.send_raw(b"hk:appt:v1:HZ").unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    sim.unplug();
    assert_eq!(
        next(&mut rx).await,
        ScannerEvent::Rejected(Rejection::Incomplete { bytes: 13 })
    );
    match next(&mut rx).await {
        ScannerEvent::Offline(why) => assert!(why.contains("lost"), "{why}"),
        ev => panic!("expected Offline, got {ev:?}"),
    }
    // While it is away, reopening fails quietly: one Offline per outage. The worker
    // retries several times in this while; the next event after the replug must then be
    // Back, not another Offline.
    tokio::time::sleep(Duration::from_millis(400)).await;
    sim.replug().unwrap();
    assert_eq!(next(&mut rx).await, ScannerEvent::Back);
    sim.scan(b"AFTER").unwrap();
    assert_eq!(expect_scan(&mut rx).await, "AFTER");
}

#[tokio::test]
async fn a_port_that_is_not_there_yet_is_offline_then_back() {
    let sim = sim(Terminator::Cr);
    sim.unplug();
    let (mut rx, _h) = spawn_scanner(config(&sim));
    match next(&mut rx).await {
        ScannerEvent::Offline(why) => {
            assert!(why.contains("cannot open scanner"), "{why}");
            assert!(why.contains("ttyACM-scanner"), "names the port: {why}");
        }
        ev => panic!("expected Offline, got {ev:?}"),
    }
    sim.replug().unwrap();
    assert_eq!(next(&mut rx).await, ScannerEvent::Back);
    sim.scan(b"HELLO").unwrap();
    assert_eq!(expect_scan(&mut rx).await, "HELLO");
}

#[tokio::test]
async fn a_port_string_of_no_known_kind_is_reported_not_retried() {
    let (mut rx, h) = spawn_scanner(ScannerConfig::new("bluetooth:AA:BB"));
    match next(&mut rx).await {
        ScannerEvent::Offline(why) => assert!(why.contains("bluetooth:AA:BB"), "{why}"),
        ev => panic!("expected Offline, got {ev:?}"),
    }
    assert!(rx.recv().await.is_none(), "the worker ends");
    // The channel closes a moment before the thread itself returns.
    let t0 = std::time::Instant::now();
    while h.is_running() && t0.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!h.is_running());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_worker_and_releases_the_port() {
    let sim = sim(Terminator::Cr);
    let (mut rx, h) = started(config(&sim)).await;
    // While the scanner holds it, the port is locked (flock binds root too).
    assert!(serialport::new(sim.path().to_str().unwrap(), 9600)
        .open()
        .is_err());
    drop(h);
    assert!(
        tokio::time::timeout(WAIT, rx.recv())
            .await
            .unwrap()
            .is_none(),
        "the channel closes when the worker ends"
    );
    serialport::new(sim.path().to_str().unwrap(), 9600)
        .open()
        .expect("port free again");
}

#[tokio::test]
async fn codes_come_from_the_simulators_list_and_from_a_tcp_client() {
    let sim = ScannerSimulator::spawn(SimOptions {
        codes: vec![b"LIST-1".to_vec(), b"LIST-2".to_vec()],
        interval: Duration::from_millis(100),
        listen: true,
        ..SimOptions::default()
    })
    .unwrap();
    let (mut rx, _h) = spawn_scanner(config(&sim));
    assert_eq!(expect_scan(&mut rx).await, "LIST-1");
    assert_eq!(expect_scan(&mut rx).await, "LIST-2");
    let addr = sim.listen_addr().unwrap();
    assert!(addr.ip().is_loopback());
    let mut client = std::net::TcpStream::connect(addr).unwrap();
    client.write_all("FROM-TCP\r\n预约\n".as_bytes()).unwrap();
    assert_eq!(expect_scan(&mut rx).await, "FROM-TCP");
    assert_eq!(expect_scan(&mut rx).await, "预约");
}

#[tokio::test]
async fn a_hid_scanner_that_is_not_there_is_offline_naming_its_path() {
    let (mut rx, _h) = spawn_scanner(ScannerConfig::new("hid:/dev/input/by-id/no-such-scanner"));
    match next(&mut rx).await {
        ScannerEvent::Offline(why) => {
            assert!(why.contains("cannot open scanner"), "{why}");
            assert!(why.contains("no-such-scanner"), "{why}");
        }
        ev => panic!("expected Offline, got {ev:?}"),
    }
}
