//! The config files: the packaged device file and the demo's are valid, drop-ins merge over
//! the packaged file, and every kind of mistake is reported with the file (the drop-in's,
//! when it came from one), the position and the key.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use hall_kiosk::platform::config::{
    read_token_file, Config, ConfigError, Locale, DEMO, EXAMPLE, REQUIRED,
};

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("test.toml"))
}

/// The packaged file with the keys each hall sets filled in, as its comments show them.
fn complete() -> String {
    EXAMPLE
        .replace("# id = ", "id = ")
        .replace("# hall_id = ", "hall_id = ")
        .replace("# hall_name = ", "hall_name = ")
        .replace("# public_url = ", "public_url = ")
        .replace("# url = ", "url = ")
}

const HALL: &str = r#"# 50-provision.toml
[kiosk]
id = "XH-ZW-02"
hall_id = "xiahe"
hall_name = "夏河县政务服务中心"
public_url = "https://zwfw.xiahe.gov.cn"

[backend]
url = "https://zwfw.xiahe.gov.cn/kiosk/v1"
"#;

#[test]
fn the_packaged_file_is_for_a_device_and_names_what_each_hall_must_set() {
    let err = Config::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/kiosk.toml"
    )))
    .unwrap_err();
    let ConfigError::Unset { keys, .. } = &err else {
        panic!("expected Unset, got {err:?}");
    };
    assert_eq!(keys, &REQUIRED.map(String::from).to_vec());
    let msg = err.to_string();
    assert!(msg.contains("kiosk.toml.d/"), "where to set them: {msg}");

    let c = parse(&complete()).expect("the commented keys are valid");
    assert_eq!(c.devices.idcard.port, "/dev/hall-kiosk/idcard");
    assert_eq!(c.devices.scanner.port, "/dev/hall-kiosk/scanner");
    assert_eq!(c.devices.printer.port, "/dev/hall-kiosk/printer");
    assert!(c.devices.gpio.enabled);
    assert_eq!(c.kiosk.hall_id, "xiahe");
    assert_eq!(c.kiosk.locale, Locale::ZhCn);
    assert_eq!(c.utc_offset().whole_hours(), 8);
}

#[test]
fn the_demo_file_is_complete() {
    let c = parse(DEMO).unwrap();
    assert_eq!(c.kiosk.hall_id, "hezuo");
    assert_eq!(c.devices.printer.port, "sim");
    assert_eq!(c.ui.idle_timeout_s, 90);
}

/// Only [kiosk] and [backend] are required; everything else has a device's defaults.
#[test]
fn kiosk_and_backend_alone_are_a_whole_config() {
    let c = parse(HALL).unwrap();
    assert_eq!(c.ui.idle_timeout_s, 90);
    assert_eq!(c.ui.opening_hours, "always");
    assert_eq!(c.devices.printer.port, "/dev/hall-kiosk/printer");
    assert_eq!(c.devices.printer.width_mm, 80);
    assert_eq!(c.backend.token_file, Path::new("/etc/hall-kiosk/token"));
    assert_eq!(c.kiosk.data_dir, Path::new("/var/lib/hall-kiosk"));
    assert!(!c.devices.gpio.enabled);
    assert!(c.staff.pin_hashes.is_empty());
}

#[test]
fn drop_ins_merge_over_the_packaged_file_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("kiosk.toml");
    std::fs::write(&main, EXAMPLE).unwrap();
    let d = dir.path().join("kiosk.toml.d");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("50-provision.toml"), HALL).unwrap();
    // A later file wins key by key; the rest of its table stays as it was.
    std::fs::write(
        d.join("60-local.toml"),
        "[devices.printer]\nwidth_mm = 58\n[kiosk]\nid = \"XH-ZW-03\"\n",
    )
    .unwrap();
    // Not *.toml: an editor's backup and dpkg's leftover are not read.
    std::fs::write(d.join("60-local.toml~"), "[kiosk]\nid = \"backup\"\n").unwrap();
    std::fs::write(d.join("kiosk.toml.dpkg-old"), "garbage [").unwrap();
    let c = Config::load(&main).unwrap();
    assert_eq!(c.kiosk.id, "XH-ZW-03");
    assert_eq!(c.kiosk.hall_id, "xiahe");
    assert_eq!(c.devices.printer.width_mm, 58);
    assert_eq!(c.devices.printer.port, "/dev/hall-kiosk/printer");
    assert_eq!(c.devices.printer.encoding, "gb18030");

    // A mistake in a drop-in names the drop-in and its line, not the packaged file.
    std::fs::write(
        d.join("60-local.toml"),
        "# local\n[devices.printer]\nwidth_mm = 70\n",
    )
    .unwrap();
    let err = Config::load(&main).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:3:", d.join("60-local.toml").display())),
        "{err}"
    );
    assert!(err.contains("devices.printer.width_mm"), "{err}");
    std::fs::write(d.join("60-local.toml"), "[ui]\nidle_timeout = 30\n").unwrap();
    let err = Config::load(&main).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:2:1:", d.join("60-local.toml").display())),
        "{err}"
    );
    std::fs::write(d.join("60-local.toml"), "[ui\n").unwrap();
    let err = Config::load(&main).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:1:", d.join("60-local.toml").display())),
        "{err}"
    );
}

#[test]
fn a_hall_id_must_be_one_appointment_codes_can_carry() {
    for bad in ["", "Xiahe", "xia:he", "夏河"] {
        let err = parse(&HALL.replace("\"xiahe\"", &format!("{bad:?}"))).unwrap_err();
        assert!(err.to_string().contains("kiosk.hall_id"), "{bad:?}: {err}");
    }
}

#[test]
fn unknown_key_names_line_column_and_key_path() {
    let text = complete().replace(
        "idle_timeout_s = 90 ",
        "idle_timeout_s = 90\nidle_timout = 5\n",
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("idle_timout"))
        .unwrap()
        + 1;
    let err = parse(&text).unwrap_err();
    let ConfigError::Invalid {
        line: l,
        column,
        key,
        message,
        ..
    } = &err
    else {
        panic!("expected Invalid, got {err:?}");
    };
    assert_eq!(*l, line);
    assert_eq!(*column, 1);
    assert_eq!(key, "ui.idle_timout");
    assert!(message.contains("idle_timout"), "{message}");
    assert!(
        err.to_string().starts_with(&format!("test.toml:{line}:1:")),
        "{err}"
    );
}

#[test]
fn wrong_type_names_the_key() {
    let text = complete().replace("width_mm = 80", "width_mm = \"eighty\"");
    let err = parse(&text).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("devices.printer.width_mm"), "{msg}");
    let line = text
        .lines()
        .position(|l| l.starts_with("width_mm"))
        .unwrap()
        + 1;
    assert!(msg.starts_with(&format!("test.toml:{line}:")), "{msg}");
}

#[test]
fn values_out_of_range_are_rejected() {
    for (from, to, key) in [
        ("width_mm = 80", "width_mm = 70", "devices.printer.width_mm"),
        (
            "encoding = \"gb18030\"",
            "encoding = \"big5\"",
            "devices.printer.encoding",
        ),
        (
            "idle_timeout_s = 90",
            "idle_timeout_s = 3",
            "ui.idle_timeout_s",
        ),
        (
            "utc_offset = \"+08:00\"",
            "utc_offset = \"CST\"",
            "kiosk.utc_offset",
        ),
        (
            "public_url = \"https://zwfw.xiahe.gov.cn\"",
            "public_url = \"http://zwfw.xiahe.gov.cn\"",
            "kiosk.public_url",
        ),
        (
            "opening_hours = \"always\"",
            "opening_hours = \"weekdays\"",
            "ui.opening_hours",
        ),
        (
            "holidays = [\"2027-01-01\"]",
            "holidays = [\"2027-02-30\"]",
            "calendar.holidays",
        ),
        (
            "working_days = [\"mon\"",
            "working_days = [\"monday\"",
            "calendar.working_days",
        ),
        // The token and citizens' data never travel in clear, unless a lab says so.
        (
            "url = \"https://zwfw.xiahe.gov.cn/kiosk/v1\"",
            "url = \"http://zwfw.xiahe.gov.cn/kiosk/v1\"",
            "backend.url",
        ),
        (
            "timeout_ms = 5000",
            "timeout_ms = 5000\nca_only = true",
            "backend.ca_only",
        ),
        (
            "timeout_ms = 5000",
            "timeout_ms = 5000\npin_sha256 = \"not base64 of 32 bytes\"",
            "backend.pin_sha256",
        ),
        (
            "code_max_hours = 12",
            "code_max_hours = 48",
            "staff.code_max_hours",
        ),
        (
            "code_max_hours = 12",
            "code_max_hours = 12\ncode_public_key = \"abcd\"",
            "staff.code_public_key",
        ),
        ("lockout_s = 300", "lockout_s = 0", "staff.lockout_s"),
        (
            "lockout_s = 300",
            "lockout_s = 99999999999",
            "staff.lockout_s",
        ),
        // 长辈模式 shows at most four large tiles, each once.
        (
            "elderly_tiles = [\"ticket\", \"checkin\", \"progress\", \"help\"]",
            "elderly_tiles = [\"ticket\", \"checkin\", \"progress\", \"help\", \"guide\"]",
            "ui.elderly_tiles",
        ),
        (
            "elderly_tiles = [\"ticket\", \"checkin\", \"progress\", \"help\"]",
            "elderly_tiles = [\"ticket\", \"ticket\"]",
            "ui.elderly_tiles",
        ),
        (
            "elderly_tiles = [\"ticket\", \"checkin\", \"progress\", \"help\"]",
            "elderly_tiles = [\"staff\"]",
            "ui.elderly_tiles",
        ),
        // The start-up language must be one the header offers.
        (
            "languages = [\"zh-CN\", \"zh-TW\", \"en\", \"bo\"]",
            "languages = [\"en\", \"bo\"]",
            "kiosk.locale",
        ),
        (
            "languages = [\"zh-CN\", \"zh-TW\", \"en\", \"bo\"]",
            "languages = []",
            "ui.languages",
        ),
    ] {
        let text = complete();
        assert!(text.contains(from), "{from}");
        let err = parse(&text.replace(from, to)).unwrap_err();
        assert!(err.to_string().contains(key), "{to}: {err}");
    }
}

#[test]
fn missing_file_names_the_path() {
    let err = Config::load(Path::new("/nonexistent/kiosk.toml")).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }));
    assert_eq!(
        err.to_string(),
        "config file /nonexistent/kiosk.toml not found"
    );
}

#[test]
fn token_file_must_not_be_readable_by_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, "s3cret\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = read_token_file(&path).unwrap_err().to_string();
    assert!(err.contains("0644") && err.contains("chmod 600"), "{err}");
    assert!(
        !err.contains("s3cret"),
        "the token never appears in messages"
    );

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(read_token_file(&path).unwrap(), "s3cret");

    std::fs::write(&path, "  \n").unwrap();
    assert!(read_token_file(&path)
        .unwrap_err()
        .to_string()
        .contains("empty"));
    assert!(read_token_file(&dir.path().join("absent")).is_err());
}

#[test]
fn config_check_command_prints_the_files_read_or_the_error() {
    let kiosk = env!("CARGO_BIN_EXE_kiosk");
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("kiosk.toml");
    std::fs::write(&main, EXAMPLE).unwrap();
    // The packaged file alone: what is still to set, exit 78 (EX_CONFIG).
    let out = Command::new(kiosk)
        .args(["config", "check"])
        .arg(&main)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "still to set: kiosk.id, kiosk.hall_id, kiosk.hall_name, kiosk.public_url, backend.url"
        ),
        "{err}"
    );

    std::fs::create_dir(dir.path().join("kiosk.toml.d")).unwrap();
    let drop_in = dir.path().join("kiosk.toml.d/50-provision.toml");
    std::fs::write(&drop_in, HALL).unwrap();
    // The file comes from HALL_KIOSK_CONFIG when no argument names one.
    let good = Command::new(kiosk)
        .args(["config", "check"])
        .env("HALL_KIOSK_CONFIG", &main)
        .output()
        .unwrap();
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&good.stdout),
        format!(
            "ok\n  read {}\n  read {}\n",
            main.display(),
            drop_in.display()
        )
    );

    std::fs::write(&drop_in, format!("{HALL}\n[ui]\nbrightness = 3\n")).unwrap();
    let out = Command::new(kiosk)
        .args(["config", "check", "--config"])
        .arg(&main)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("50-provision.toml:12:1: ui.brightness"),
        "{err}"
    );
}

#[test]
fn plain_http_needs_the_lab_switch() {
    let text = complete().replace(
        "url = \"https://zwfw.xiahe.gov.cn/kiosk/v1\"",
        "url = \"http://192.0.2.7:8080/kiosk/v1\"\nallow_insecure_http = true",
    );
    let c = parse(&text).expect("a lab bench may use http");
    assert!(c.backend.allow_insecure_http);
    let err = parse(&text.replace("allow_insecure_http = true", "")).unwrap_err();
    assert!(err.to_string().contains("in clear"), "{err}");
}
