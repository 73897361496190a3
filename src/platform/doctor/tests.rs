//! The doctor's checks against real files and a kiosk store made for the test.

use super::*;

fn config(data: &Path, backlight: &str) -> Config {
    let text = format!(
        "{}\n[display]\nbacklight = {backlight:?}\n",
        crate::platform::config::DEMO.replace("\"demo-data\"", &format!("{data:?}"))
    );
    Config::parse(&text, Path::new("kiosk.toml")).unwrap()
}

#[test]
fn backlight_found_missing_and_staff_out_of_service_are_reported() {
    let sys = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let c = config(data.path(), "auto");
    assert_eq!(backlight(&c, sys.path()).verdict, Verdict::Skip, "HDMI");
    let panel = sys.path().join("class/backlight/10-0045");
    std::fs::create_dir_all(&panel).unwrap();
    std::fs::write(panel.join("max_brightness"), "255").unwrap();
    std::fs::write(panel.join("brightness"), "200").unwrap();
    let b = backlight(&c, sys.path());
    assert_eq!(b.verdict, Verdict::Ok, "{}", b.detail);
    assert_eq!(
        backlight(&config(data.path(), "none"), sys.path()).verdict,
        Verdict::Skip
    );

    assert_eq!(service(&c).verdict, Verdict::Ok);
    std::fs::write(data.path().join("out-of-service"), "printer").unwrap();
    let s = service(&c);
    assert_eq!(s.verdict, Verdict::Warn);
    assert!(s.detail.contains("printer"), "{}", s.detail);
}

#[test]
fn store_rows_come_from_the_kiosk_store_which_is_never_created() {
    use hall_link::store::Store;
    let data = tempfile::tempdir().unwrap();
    let c = config(data.path(), "auto");
    let db = data.path().join("kiosk.db");
    let rows = database(&c);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].verdict, Verdict::Warn);
    assert!(
        rows[0].detail.contains("not created yet"),
        "{}",
        rows[0].detail
    );
    assert!(!db.exists(), "the doctor made the database");

    let (mut store, _) = Store::open(&db).unwrap();
    let dead = uuid::Uuid::new_v4();
    for key in [uuid::Uuid::new_v4(), dead] {
        store
            .enqueue("rating", "/ratings", key, &serde_json::json!({"level": 4}))
            .unwrap();
    }
    store.dead(dead, "422").unwrap();
    let numbers: Vec<String> = (1..=6).map(|i| format!("A9{i:02}")).collect();
    let far = hall_link::store::now_ms() + 86_400_000;
    store.add_block("b1", "A", &numbers, far).unwrap();
    store.save_catalog(None, r#"{"version": "1"}"#).unwrap();
    let rows = database(&c);
    let seen: Vec<(&str, Verdict, &str)> = rows
        .iter()
        .map(|r| (r.name, r.verdict, r.detail.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "database",
                Verdict::Ok,
                format!("{}: integrity ok, 1 of 256 MiB", db.display()).as_str()
            ),
            (
                "outbox",
                Verdict::Warn,
                "1 waiting (oldest 0 min), 1 dead letters"
            ),
            ("catalog", Verdict::Ok, "confirmed 0 h ago"),
            ("offline-numbers", Verdict::Ok, "A: 6"),
        ]
    );
}

#[test]
fn a_store_the_kiosk_refuses_to_open_fails_the_database_row_naming_why() {
    use hall_link::store::{Store, SCHEMA_VERSION};
    let data = tempfile::tempdir().unwrap();
    let c = config(data.path(), "auto");
    let db = data.path().join("kiosk.db");
    drop(Store::open(&db).unwrap());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    let rows = database(&c);
    assert_eq!(rows[0].verdict, Verdict::Fail, "{}", rows[0].detail);
    assert!(
        rows[0].detail.contains("newer") && rows[0].detail.contains("refuses"),
        "{}",
        rows[0].detail
    );
}

#[test]
fn config_files_others_can_change_fail_and_readable_pin_hashes_warn() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("kiosk.toml");
    std::fs::write(&main, crate::platform::config::DEMO).unwrap();
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    set(&main, 0o644);
    assert_eq!(config_files(&main).verdict, Verdict::Ok);
    let d = dir.path().join("kiosk.toml.d");
    std::fs::create_dir(&d).unwrap();
    let drop_in = d.join("50-provision.toml");
    std::fs::write(
        &drop_in,
        "[staff]\npin_hashes = [\"$argon2id$v=19$m=19456,t=2,p=1$x$y\"]\n",
    )
    .unwrap();
    set(&drop_in, 0o644);
    let c = config_files(&main);
    assert_eq!(c.verdict, Verdict::Warn, "{}", c.detail);
    assert!(c.detail.contains("50-provision.toml"), "{}", c.detail);
    set(&drop_in, 0o640);
    assert_eq!(config_files(&main).verdict, Verdict::Ok);
    set(&main, 0o666);
    let c = config_files(&main);
    assert_eq!(c.verdict, Verdict::Fail, "{}", c.detail);
    assert!(c.detail.contains("chmod 640"), "{}", c.detail);
}

#[test]
fn sound_is_a_warning_never_a_failure_and_the_clips_are_counted() {
    use crate::domain::voice::VoiceMode;
    let data = tempfile::tempdir().unwrap();
    let mut c = config(data.path(), "none");
    c.audio.voice = VoiceMode::Off;
    assert_eq!(audio(&c)[0].verdict, Verdict::Skip);

    c.audio.voice = VoiceMode::Elderly;
    c.audio.output = "no-such-alsa-device".into();
    c.audio.packs = data.path().join("no-packs");
    let checks = audio(&c);
    assert_eq!(checks[0].name, "audio");
    assert_eq!(checks[0].verdict, Verdict::Warn, "{}", checks[0].detail);
    assert!(checks[0].detail.contains("silent"), "{}", checks[0].detail);
    assert_eq!(checks[1].name, "voice-clips");
    assert_eq!(checks[1].verdict, Verdict::Warn);
    assert!(
        checks[1].detail.contains("kiosk voice check"),
        "{}",
        checks[1].detail
    );

    // A file output in a directory that exists, and a pack with every Mandarin clip.
    c.audio.output = format!("file:{}", data.path().join("said.wav").display());
    let pack = data.path().join("packs/zh-CN");
    std::fs::create_dir_all(&pack).unwrap();
    let mut manifest =
        String::from("locale = \"zh-CN\"\nrate = 22050\ngenerator = \"test\"\n[clips]\n");
    for p in crate::domain::voice::Prompts::builtin().iter() {
        let file = pack.join(format!("{}.wav", p.id));
        crate::services::voice::write_wav(&file, &[0, 100, -100, 0]).unwrap();
        manifest += &format!("{} = \"{}.wav\"\n", p.id, p.id);
    }
    std::fs::write(pack.join("manifest.toml"), manifest).unwrap();
    c.audio.packs = data.path().join("packs");
    let checks = audio(&c);
    assert_eq!(checks[0].verdict, Verdict::Ok, "{}", checks[0].detail);
    assert_eq!(checks[1].verdict, Verdict::Ok, "{}", checks[1].detail);
}
