//! A kiosk set up for a hall other than the demo's, the way a technician sets one up: the
//! packaged config plus a drop-in for xiahe, and the commands read against it (`scan parse`,
//! device commands without `--port`, `--json` on the state commands, `config get`), plus
//! the man pages and completions the package installs.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hall_kiosk::platform::config::EXAMPLE;
use kiosk_drivers::scanner::payload::HmacVerifier;

const STAFF_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn kiosk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
}

/// The packaged kiosk.toml and a provisioning-style drop-in for xiahe; `extra` is appended
/// to the drop-in. Returns the main file's path.
fn xiahe(dir: &Path, backend: &str, extra: &str) -> PathBuf {
    let main = dir.join("kiosk.toml");
    std::fs::write(&main, EXAMPLE).unwrap();
    let token = dir.join("token");
    std::fs::write(&token, "demo-token\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let key = dir.join("staff-qr.key");
    std::fs::write(&key, STAFF_KEY).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let d = dir.join("kiosk.toml.d");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("50-provision.toml"),
        format!(
            "[kiosk]\nid = \"XH-ZW-02\"\nhall_id = \"xiahe\"\nhall_name = \"夏河县政务服务中心\"\n\
             public_url = \"https://zwfw.xiahe.gov.cn\"\ndata_dir = {data:?}\n\
             [backend]\nurl = {backend:?}\ntoken_file = {token:?}\ntimeout_ms = 1000\n\
             allow_insecure_http = {insecure}\n\
             [staff]\nqr_key_file = {key:?}\n{extra}",
            data = dir.join("data"),
            insecure = backend.starts_with("http://"),
        ),
    )
    .unwrap();
    main
}

/// `kiosk staff keygen --out DIR`: the public key it prints.
fn keygen(dir: &Path) -> String {
    let out = kiosk()
        .args(["staff", "keygen", "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn run(config: &Path, args: &[&str]) -> Output {
    kiosk()
        .args(args)
        .env("HALL_KIOSK_CONFIG", config)
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn scan_parse_reads_codes_as_this_halls_kiosk_does() {
    let dir = tempfile::tempdir().unwrap();
    let config = xiahe(dir.path(), "https://zwfw.xiahe.gov.cn/kiosk/v1", "");
    let parse = |code: &str| json(&run(&config, &["scan", "parse", code, "--json"]));

    let ours = parse("hk:appt:v1:xiahe:AP0001");
    assert_eq!(ours["kind"], "appointment");
    assert_eq!(ours["hall"], "xiahe");
    assert_eq!(ours["this_hall"], true);
    assert_eq!(ours["code"], "AP0001");
    let theirs = parse("hk:appt:v1:hezuo:AP0001");
    assert_eq!(theirs["kind"], "appointment");
    assert_eq!(theirs["hall"], "hezuo");
    assert_eq!(
        theirs["this_hall"], false,
        "hezuo's codes are refused at xiahe"
    );

    let key = HmacVerifier::from_hex(STAFF_KEY).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let valid = parse(&key.signed(&format!("hk:staff:v1:W0012:{}", now + 3600)));
    assert_eq!(
        (&valid["kind"], &valid["valid"]),
        (&"staff".into(), &true.into())
    );
    assert_eq!(valid["staff_id"], "W0012");
    let expired = parse(&key.signed(&format!("hk:staff:v1:W0012:{}", now - 60)));
    assert_eq!(expired["valid"], false);
    assert_eq!(expired["reason"], "expired");
    let other = HmacVerifier::from_hex("ffeeddccbbaa99887766554433221100").unwrap();
    let forged = parse(&other.signed(&format!("hk:staff:v1:W0012:{}", now + 3600)));
    assert_eq!(forged["kind"], "staff");
    assert_eq!(
        (&forged["valid"], &forged["reason"]),
        (&false.into(), &"forged".into())
    );

    let pay = parse("134567890123456789");
    assert_eq!(pay["kind"], "payment_code");
    assert!(
        !pay.to_string().contains("134567890123456789"),
        "a pay code's digits are never printed: {pay}"
    );
    assert_eq!(
        parse("https://zwfw.xiahe.gov.cn/guide/330100")["kind"],
        "url"
    );
    assert_eq!(
        parse("https://hall.example.gov.cn/guide/1")["kind"],
        "unknown"
    );
    assert_eq!(parse("hello")["kind"], "unknown");

    // Without --json: one field per line, for a technician at a console.
    let text = run(&config, &["scan", "parse", "hk:appt:v1:hezuo:AP0001"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("this_hall  false"), "{text}");
}

#[test]
fn device_commands_take_the_port_from_the_config() {
    use kiosk_drivers::idcard::sim::{builtin_identities, ReaderSimulator};
    use kiosk_drivers::printer::sim::PrinterSimulator;
    use kiosk_drivers::printer::PaperWidth;
    let printer = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
    let reader = ReaderSimulator::spawn(builtin_identities()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = xiahe(
        dir.path(),
        "https://zwfw.xiahe.gov.cn/kiosk/v1",
        &format!(
            "[devices.printer]\nport = {:?}\n[devices.idcard]\nport = {:?}\n[devices.scanner]\nport = \"none\"\n",
            printer.path(),
            reader.path()
        ),
    );
    let status = json(&run(&config, &["device", "printer", "status", "--json"]));
    assert_eq!(status["condition"], "ready", "{status}");
    let sam = json(&run(&config, &["device", "idcard", "status", "--json"]));
    assert_eq!(sam["ok"], true, "{sam}");
    assert_eq!(sam["port"], reader.path());
    assert!(sam["sam_id"].as_str().is_some_and(|s| !s.is_empty()));

    // "none" is no device: the command says it needs a port rather than opening "none".
    let scanner = run(&config, &["device", "scanner", "status", "--json"]);
    assert!(!scanner.status.success());
    assert!(String::from_utf8_lossy(&scanner.stderr).contains("no --port"));
    // A port given on the command line wins over the config's.
    let missing = run(
        &config,
        &["device", "printer", "status", "--port", "/nonexistent/lp9"],
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/lp9"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_commands_answer_in_json() {
    use hall_link::sim::{HallSim, SimOptions};
    let sim = HallSim::spawn(SimOptions {
        hall_id: "xiahe".into(),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = xiahe(dir.path(), &sim.url(), "");
    let r = |args: &[&str]| tokio::task::block_in_place(|| run(&config, args));
    let outbox = json(&r(&["outbox", "status", "--json"]));
    assert_eq!(
        (&outbox["pending"], &outbox["store"]),
        (&0.into(), &false.into())
    );
    let sync = json(&r(&["backend", "sync", "--json"]));
    assert_eq!(sync["ok"], true);
    assert!(sync["catalog_version"].is_string(), "{sync}");
    assert!(
        sync["offline_left"]["A"].as_u64().is_some_and(|n| n > 0),
        "offline numbers per category: {sync}"
    );
    let ticket = json(&r(&["ticket", "take", "--category", "A", "--json"]));
    assert_eq!(ticket["offline"], false);
    let outbox = json(&r(&["outbox", "status", "--json"]));
    assert_eq!(outbox["store"], true);
    assert_eq!(outbox["dead_letters"], serde_json::json!([]));
    // No devices here: the doctor fails (exit 1), and still answers in JSON.
    let out = r(&["doctor", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let doctor: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let verdict = |name: &str| {
        doctor
            .as_array()
            .and_then(|a| a.iter().find(|c| c["name"] == name))
            .map(|c| c["verdict"].clone())
    };
    assert_eq!(verdict("backend"), Some("ok".into()), "{doctor}");
    assert_eq!(verdict("printer"), Some("fail".into()), "{doctor}");

    // `config get` for scripts: text as it is, tables as JSON, defaults filled in.
    let get = |key: &str| String::from_utf8(r(&["config", "get", key]).stdout).unwrap();
    assert_eq!(get("kiosk.hall_id"), "xiahe\n");
    assert_eq!(get("ui.idle_timeout_s"), "90\n");
    assert_eq!(get("devices.printer.port"), "/dev/hall-kiosk/printer\n");
    assert!(!r(&["config", "get", "kiosk.nope"]).status.success());
}

#[test]
fn man_pages_and_completions_are_generated_from_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = kiosk()
        .args(["generate", "man", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert!(page("kiosk.1").contains("HALL_KIOSK_CONFIG"));
    assert!(page("kiosk-scan.1").contains("parse"));
    assert!(page("hall-sim.1").contains("hall\\-id"));
    let config = page("kiosk.toml.5");
    assert!(config.starts_with(".TH KIOSK.TOML 5"));
    assert!(config.contains("kiosk.hall_id") && config.contains("kiosk.toml.d"));
    assert!(
        !config
            .lines()
            .any(|l| l.starts_with('.') && l.contains("hall-kiosk/idcard")),
        "the packaged file's lines are text, not roff requests"
    );
    for (shell, needle) in [
        ("bash", "_kiosk()"),
        ("zsh", "#compdef kiosk"),
        ("fish", "complete -c kiosk"),
    ] {
        let out = kiosk()
            .args(["generate", "completions", shell])
            .output()
            .unwrap();
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains(needle),
            "{shell}: {}",
            &script[..script.len().min(200)]
        );
        assert!(script.contains("hash-pin"), "{shell} completes subcommands");
    }
}

/// Every option says what it is for, and every command shows an example.
#[test]
fn every_option_has_help_and_every_command_an_example() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        let path = format!("{path} {}", cmd.get_name());
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{path}: --{id} has no help"));
            }
        }
        let subs: Vec<_> = cmd
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .collect();
        if subs.is_empty() {
            let about = format!(
                "{} {}",
                cmd.get_about().map(|a| a.to_string()).unwrap_or_default(),
                cmd.get_long_about()
                    .map(|a| a.to_string())
                    .unwrap_or_default()
            );
            // The drivers' simulators and renderers are for developers; the rest is a
            // technician's and shows how it is used.
            if !about.contains("Example:")
                && !path.contains(" sim")
                && !path.contains(" render")
                && !path.contains(" decode")
                && !path.contains(" camera")
                && !path.contains(" hall-sim")
            {
                missing.push(format!("{path}: no example"));
            }
        }
        for sub in subs {
            walk(sub, &path, missing);
        }
    }
    let mut missing = Vec::new();
    walk(&hall_kiosk::cli::Cli::command(), "", &mut missing);
    assert!(missing.is_empty(), "{missing:#?}");
}

/// `kiosk hall-sim --token T`: the reference backend with a hall's own token; a kiosk with
/// another token is refused (401), the right one answered.
#[test]
fn hall_sim_takes_its_token_on_the_command_line() {
    use std::io::{BufRead, Read, Write};
    let mut child = kiosk()
        .args([
            "hall-sim",
            "--listen",
            "127.0.0.1:0",
            "--token",
            "xiahe-7f3a",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let get = |token: &str| {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "GET /kiosk/v1/catalog HTTP/1.1\r\nHost: hall\r\nAuthorization: Bearer {token}\r\n\
             X-Kiosk-Id: XH-ZW-02\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer.lines().next().unwrap_or_default().to_string()
    };
    let refused = get("demo-token");
    let served = get("xiahe-7f3a");
    let _ = child.kill();
    let _ = child.wait();
    assert!(refused.contains(" 401 "), "{refused}");
    assert!(served.contains(" 200 "), "{served}");
}

/// The HMAC staff key opens staff mode on every kiosk that holds it: `config check` refuses
/// an empty or short key and one that other users can read.
#[test]
fn config_check_refuses_a_weak_or_readable_staff_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = xiahe(dir.path(), "https://zwfw.xiahe.gov.cn/kiosk/v1", "");
    let key = dir.path().join("staff-qr.key");
    let check = || run(&config, &["config", "check"]);
    assert!(
        check().status.success(),
        "{}",
        String::from_utf8_lossy(&check().stderr)
    );
    for (text, mode, why) in [
        ("", 0o600, "too short"),
        ("00112233445566778899aabbccddeeff", 0o600, "too short"),
        (STAFF_KEY, 0o644, "chmod 600"),
    ] {
        std::fs::write(&key, text).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = check();
        assert_eq!(out.status.code(), Some(78), "{text:?} {mode:o}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("staff.qr_key_file") && err.contains(why),
            "{err}"
        );
    }
}

/// The staff office makes a key pair and codes; a kiosk given only the public key reads a
/// code as valid and single-use, and one valid longer than its cap as refused.
#[test]
fn staff_office_keys_make_codes_the_kiosk_reads() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let office = dir.path().join("office");
    let public = keygen(&office);
    assert_eq!(public.len(), 64);
    let private = office.join("staff-code.key");
    assert_eq!(std::fs::metadata(&private).unwrap().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(office.join("staff-code.pub"))
            .unwrap()
            .trim(),
        public
    );
    let again = kiosk()
        .args(["staff", "keygen", "--out"])
        .arg(&office)
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "an existing key is never overwritten"
    );

    let config = xiahe(
        dir.path(),
        "https://zwfw.xiahe.gov.cn/kiosk/v1",
        &format!("code_public_key = {public:?}\n"),
    );
    let code = |valid: &str| {
        let out = kiosk()
            .args([
                "staff", "code", "--staff", "S042", "--valid", valid, "--key",
            ])
            .arg(&private)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let eight = code("8h");
    assert!(eight.starts_with("hk:staff:v2:S042:"), "{eight}");
    let v = json(&run(&config, &["scan", "parse", &eight, "--json"]));
    assert_eq!(
        (&v["valid"], &v["single_use"]),
        (&true.into(), &true.into()),
        "{v}"
    );
    let long = json(&run(&config, &["scan", "parse", &code("20h"), "--json"]));
    assert_eq!(
        (&long["valid"], &long["reason"]),
        (&false.into(), &"lifetime".into())
    );
    let refused = kiosk()
        .args([
            "staff", "code", "--staff", "S042", "--valid", "30h", "--key",
        ])
        .arg(&private)
        .output()
        .unwrap();
    assert!(!refused.status.success(), "no code valid beyond a day");
}

/// A provisioned kiosk takes a new provisioning file only with the hall's signature:
/// `provision sign` writes FILE.sig, `provision verify` accepts it and refuses a changed
/// file or another key's signature.
#[test]
fn provisioning_files_are_signed_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    keygen(&keys);
    let file = dir.path().join("hall-kiosk-provision.toml");
    std::fs::write(
        &file,
        "kiosk_id = \"XH-ZW-07\"\nbackend_url = \"https://zwfw.xiahe.gov.cn/kiosk/v1\"\n",
    )
    .unwrap();
    let sign = kiosk()
        .args(["provision", "sign", "--key"])
        .arg(keys.join("staff-code.key"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        sign.status.success(),
        "{}",
        String::from_utf8_lossy(&sign.stderr)
    );
    assert!(dir.path().join("hall-kiosk-provision.toml.sig").is_file());
    let verify = |public: &Path| {
        kiosk()
            .args(["provision", "verify", "--public-key"])
            .arg(public)
            .arg(&file)
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(verify(&keys.join("staff-code.pub")));
    let other = dir.path().join("other");
    keygen(&other);
    assert!(
        !verify(&other.join("staff-code.pub")),
        "another key's signature"
    );
    std::fs::write(
        &file,
        "kiosk_id = \"XH-ZW-07\"\nbackend_url = \"https://evil.example/kiosk/v1\"\n",
    )
    .unwrap();
    assert!(!verify(&keys.join("staff-code.pub")), "a changed file");
}
