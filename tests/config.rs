//! The config file: the documented example is valid, and every kind of mistake is reported
//! with the file, the position and the key.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use hall_kiosk::platform::config::{read_token_file, Config, ConfigError, Locale, EXAMPLE};

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("test.toml"))
}

#[test]
fn documented_example_is_valid() {
    let c = Config::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/kiosk.toml"
    )))
    .expect("config/kiosk.toml parses");
    assert_eq!(c.kiosk.locale, Locale::ZhCn);
    assert_eq!(c.devices.printer.width_mm, 80);
    assert_eq!(c.ui.idle_timeout_s, 90);
    assert_eq!(c.utc_offset().whole_hours(), 8);
}

#[test]
fn unknown_key_names_line_column_and_key_path() {
    let text = EXAMPLE.replace(
        "idle_timeout_s = 90",
        "idle_timeout_s = 90\nidle_timout = 5",
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
    let text = EXAMPLE.replace("width_mm = 80", "width_mm = \"eighty\"");
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
            "public_url = \"https://hall.example.gov.cn\"",
            "public_url = \"http://hall.example.gov.cn\"",
            "kiosk.public_url",
        ),
        (
            "opening_hours = \"mon-fri 08:30-17:30; sat 09:00-12:00\"",
            "opening_hours = \"weekdays\"",
            "ui.opening_hours",
        ),
    ] {
        let err = parse(&EXAMPLE.replace(from, to)).unwrap_err();
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
fn config_check_command_prints_ok_or_the_error() {
    let kiosk = env!("CARGO_BIN_EXE_kiosk");
    let good = Command::new(kiosk)
        .args([
            "config",
            "check",
            concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml"),
        ])
        .output()
        .unwrap();
    assert!(good.status.success());
    assert_eq!(String::from_utf8_lossy(&good.stdout), "ok\n");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, EXAMPLE.replace("[ui]", "[ui]\nbrightness = 3")).unwrap();
    let out = Command::new(kiosk)
        .args(["config", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:") && err.contains("brightness"),
        "{err}"
    );
}
