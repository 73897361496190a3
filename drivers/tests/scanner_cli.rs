//! `kiosk device scanner ...` as the user sees it: parsed from argv, output lines, exit codes
//! and one-sentence errors.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use kiosk_drivers::scanner::cli::{run_with, ScannerCommand};
use kiosk_drivers::scanner::sim::{ScannerSimulator, SimOptions};
use kiosk_drivers::scanner::synth;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: ScannerCommand,
}

fn run(args: &[&str]) -> (ExitCode, String, String) {
    let mut argv = vec!["scanner"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).expect("arguments parse");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with(cli.cmd, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn decode_prints_one_json_line_per_file_with_its_payloads() {
    let dir = tempfile::tempdir().unwrap();
    let with = dir.path().join("ticket.png");
    let (gbk, _, _) = encoding_rs::GBK.encode("预约:A7");
    synth::save_png(&synth::scene(320, 240, &gbk, 3).unwrap(), &with).unwrap();
    let without = dir.path().join("blank.png");
    synth::save_png(&synth::blank(64, 64, 200), &without).unwrap();
    let (code, out, err) = run(&[
        "decode",
        with.to_str().unwrap(),
        without.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], with.to_str().unwrap());
    assert_eq!(lines[0]["payloads"], serde_json::json!(["预约:A7"]));
    assert_eq!(lines[1]["payloads"], serde_json::json!([]));
}

#[test]
fn decode_of_a_missing_file_fails_naming_it_but_still_decodes_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.png");
    synth::save_png(&synth::scene(320, 240, b"HELLO", 3).unwrap(), &good).unwrap();
    let (code, out, err) = run(&["decode", "/nonexistent/frame.png", good.to_str().unwrap()]);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains("/nonexistent/frame.png"), "{err}");
    assert_eq!(err.lines().count(), 1, "one sentence: {err}");
    assert!(out.contains("good.png: HELLO"), "{out}");
}

#[test]
fn read_prints_codes_from_a_serial_scanner_as_json_and_stops_at_count() {
    let sim = ScannerSimulator::spawn(SimOptions {
        codes: vec![
            b"hk:appt:v1:HZ01:A1".to_vec(),
            b"SECOND".to_vec(),
            b"THIRD".to_vec(),
        ],
        interval: Duration::from_millis(150),
        ..SimOptions::default()
    })
    .unwrap();
    let (code, out, err) = run(&[
        "read",
        "--port",
        sim.path().to_str().unwrap(),
        "--count",
        "2",
        "--timeout",
        "10",
        "--json",
    ]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    let payloads: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["payload"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(payloads, vec!["hk:appt:v1:HZ01:A1", "SECOND"]);
}

#[test]
fn read_from_a_missing_port_fails_with_one_sentence() {
    let (code, out, err) = run(&[
        "read",
        "--port",
        "/dev/nonexistent-scanner",
        "--timeout",
        "5",
    ]);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(out.is_empty());
    assert!(
        err.contains("cannot open scanner /dev/nonexistent-scanner"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn read_that_times_out_before_count_fails_and_says_how_many_arrived() {
    let sim = ScannerSimulator::spawn(SimOptions {
        codes: vec![b"ONLY".to_vec()],
        interval: Duration::from_millis(50),
        ..SimOptions::default()
    })
    .unwrap();
    let (code, out, err) = run(&[
        "read",
        "--port",
        sim.path().to_str().unwrap(),
        "--count",
        "3",
        "--timeout",
        "0.8",
    ]);
    assert_eq!(code, ExitCode::FAILURE);
    assert_eq!(out, "ONLY\n");
    assert!(err.contains("1 of 3 codes"), "{err}");
}

#[test]
fn bad_timeouts_and_unbuilt_cameras_are_clear_errors() {
    let (code, _, err) = run(&["read", "--port", "/dev/null", "--timeout=-1"]);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains("--timeout"), "{err}");
    if !cfg!(feature = "camera") {
        let (code, _, err) = run(&["camera", "--device", "/dev/video0", "--timeout", "5"]);
        assert_eq!(code, ExitCode::FAILURE);
        assert!(err.contains("camera"), "{err}");
    }
    assert!(
        Cli::try_parse_from(["scanner", "read", "--port", "/dev/x", "--terminator", "nul"])
            .is_err()
    );
}
