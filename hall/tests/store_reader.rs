//! `StoreReader`, the read-only view `kiosk doctor` and `kiosk outbox status` use: it reports
//! what `Store` reports, and looking leaves the kiosk's files exactly as they were.

use std::path::{Path, PathBuf};
use std::process::Command;

use hall_link::store::{ReadError, Store, StoreReader, SCHEMA_VERSION};
use serde_json::json;
use uuid::Uuid;

const STATES: [&str; 5] = ["pending", "inflight", "done", "dead", "discarded"];

fn side(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// A store as a kiosk that has worked a while leaves it: entries in every state, tickets
/// online and offline, blocks (one expired), a cached catalog.
fn worked_store(path: &Path) -> Store {
    let (mut s, _) = Store::open(path).unwrap();
    let rating = json!({"level": 5, "applicant": {"name": "张三"}});
    let keys: Vec<Uuid> = (0..8).map(|_| Uuid::new_v4()).collect();
    for k in &keys {
        s.enqueue("rating", "/ratings", *k, &rating).unwrap();
    }
    s.retry_later(keys[0], "503 from the backend", 0).unwrap();
    s.delivered(keys[1], &json!({"ok": true})).unwrap();
    s.delivered(keys[2], &json!({"ok": true})).unwrap();
    s.dead(keys[3], "422: rating for an unknown ticket")
        .unwrap();
    s.dead(keys[4], "422: too late").unwrap();
    s.dead(keys[5], "422: duplicate").unwrap();
    assert!(s.discard(keys[5]).unwrap());
    let asked = Uuid::new_v4();
    s.begin_request(asked, "/tickets", &json!({"category": "A"}))
        .unwrap();
    let online = Uuid::new_v4();
    s.begin_request(online, "/tickets", &json!({"category": "B"}))
        .unwrap();
    s.record_online_ticket(online, "B001", "B", &json!({"ticket_no": "B001"}))
        .unwrap();
    let far = hall_link::store::now_ms() + 86_400_000;
    let numbers = |p: &str, n: usize| (1..=n).map(|i| format!("{p}9{i:02}")).collect::<Vec<_>>();
    s.add_block("old", "C", &numbers("C", 3), hall_link::store::now_ms() - 1)
        .unwrap();
    s.add_block("blk-a", "A", &numbers("A", 10), far).unwrap();
    s.add_block("blk-b", "B", &numbers("B", 3), far).unwrap();
    let offline = s
        .issue_offline(
            "A",
            Uuid::new_v4(),
            |block, no| json!({"block_id": block, "ticket_no": no}),
            |no| json!({"ticket_no": no}),
            None,
        )
        .unwrap();
    assert!(offline.is_some());
    s.save_catalog(Some("\"v7\""), r#"{"version": "2024.7", "items": []}"#)
        .unwrap();
    s
}

fn bytes(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

/// The three files SQLite keeps for a WAL database, as they are now.
fn files(db: &Path) -> [Option<Vec<u8>>; 3] {
    [
        bytes(db),
        bytes(&side(db, "-wal")),
        bytes(&side(db, "-shm")),
    ]
}

/// Everything a reader can tell, in a form both processes can print and compare.
fn read_all(r: &StoreReader) -> serde_json::Value {
    let s = r.summary().unwrap();
    let entries: serde_json::Map<String, serde_json::Value> = STATES
        .iter()
        .map(|st| {
            let keys: Vec<String> = r
                .entries(st)
                .unwrap()
                .iter()
                .map(|e| e.key.to_string())
                .collect();
            (st.to_string(), json!(keys))
        })
        .collect();
    let catalog = r.catalog().unwrap();
    json!({
        "integrity": r.integrity_check().unwrap(),
        "schema_version": r.schema_version(),
        "pending": s.outbox.pending,
        "dead": s.outbox.dead,
        "counts_agree": r.counts().unwrap() == s.outbox,
        "oldest_pending_ms": s.oldest_pending_ms,
        "dead_letters": s.dead_letters.iter()
            .map(|e| json!([e.key.to_string(), e.kind, e.last_error]))
            .collect::<Vec<_>>(),
        "offline_left": s.offline_left,
        "catalog": catalog.as_ref().map(|c| json!([c.version, c.etag, c.fetched_ms])),
        "summary_catalog_agrees": catalog == s.catalog,
        "tickets": r.tickets_issued().unwrap(),
        "entries": entries,
    })
}

/// The same, from the kiosk's own handle.
fn store_all(s: &Store) -> serde_json::Value {
    let counts = s.counts().unwrap();
    let entries: serde_json::Map<String, serde_json::Value> = STATES
        .iter()
        .map(|st| {
            let keys: Vec<String> = s
                .entries(st)
                .unwrap()
                .iter()
                .map(|e| e.key.to_string())
                .collect();
            (st.to_string(), json!(keys))
        })
        .collect();
    let catalog = s.catalog().unwrap().map(|(etag, body, at)| {
        let version = serde_json::from_str::<serde_json::Value>(&body).unwrap()["version"].clone();
        json!([version, etag, at])
    });
    json!({
        "integrity": "ok",
        "schema_version": SCHEMA_VERSION,
        "pending": counts.pending,
        "dead": counts.dead,
        "counts_agree": true,
        "oldest_pending_ms": s.oldest_pending_ms().unwrap(),
        "dead_letters": s.entries("dead").unwrap().iter()
            .map(|e| json!([e.key.to_string(), e.kind, e.last_error]))
            .collect::<Vec<_>>(),
        "offline_left": s.offline_left().unwrap(),
        "catalog": catalog,
        "summary_catalog_agrees": true,
        "tickets": s.tickets_issued().unwrap(),
        "entries": entries,
    })
}

#[test]
fn reader_reports_the_same_as_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    let store = worked_store(&path);
    let reader = StoreReader::open(&path).unwrap();
    let seen = read_all(&reader);
    assert_eq!(seen, store_all(&store));
    // The fixture really has something in every place the reader looks.
    assert_eq!(
        (seen["pending"].clone(), seen["dead"].clone()),
        (json!(4), json!(2))
    );
    assert_eq!(seen["offline_left"], json!([["A", 9], ["B", 3]]));
    assert_eq!(seen["catalog"][0], "2024.7");
    assert_eq!(seen["tickets"], json!([1, 1]));
    for st in STATES {
        assert!(!seen["entries"][st].as_array().unwrap().is_empty(), "{st}");
    }
    let oldest = seen["oldest_pending_ms"].as_i64().unwrap();
    assert!(oldest <= hall_link::store::now_ms());
    let dead = reader.dead_letters().unwrap();
    assert_eq!(
        dead[0].last_error.as_deref(),
        Some("422: rating for an unknown ticket")
    );
    assert_eq!(dead, store.entries("dead").unwrap());
}

/// Set by `reading_from_another_process_while_the_kiosk_runs_changes_no_byte` for the copy of
/// this test binary it starts: the path to read, and how to open it.
const CHILD_DB: &str = "HALL_STORE_READER_CHILD_DB";
const CHILD_MODE: &str = "HALL_STORE_READER_CHILD_MODE";
const MARK: &str = "store-reader-result: ";

/// The second process of the test below (the doctor, beside the running kiosk). A no-op
/// when the test suite runs it.
#[test]
fn child_process_reader() {
    let Ok(db) = std::env::var(CHILD_DB) else {
        return;
    };
    let db = PathBuf::from(db);
    if std::env::var(CHILD_MODE).as_deref() == Ok("plain") {
        let c =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .unwrap();
        let n: i64 = c
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
            .unwrap();
        println!("{MARK}{}", json!({ "rows": n }));
        return;
    }
    let r = StoreReader::open(&db).unwrap();
    println!("{MARK}{}", read_all(&r));
}

fn read_in_another_process(db: &Path, mode: &str) -> serde_json::Value {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process_reader",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, db)
        .env(CHILD_MODE, mode)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.split_once(MARK).map(|(_, json)| json))
        .unwrap_or_else(|| panic!("no result from the reader process: {stdout}"));
    serde_json::from_str(line).unwrap()
}

#[test]
fn reading_from_another_process_while_the_kiosk_runs_changes_no_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    // The running kiosk: its connection stays open, its commits are in the -wal, and its
    // last commit moved the WAL past every read mark in -shm (a new reader would record one).
    let store = worked_store(&db);
    let before = files(&db);
    assert!(
        before.iter().all(Option::is_some),
        "the running kiosk has kiosk.db, -wal and -shm"
    );

    let seen = read_in_another_process(&db, "reader");
    let after = files(&db);
    for (i, name) in ["kiosk.db", "kiosk.db-wal", "kiosk.db-shm"]
        .iter()
        .enumerate()
    {
        assert!(before[i] == after[i], "{name} changed by a read-only look");
    }
    // It saw every commit, including those only in the -wal.
    assert_eq!(seen, store_all(&store));

    // The comparison above can see a write: a plain SQLITE_OPEN_READ_ONLY connection,
    // which is what the doctor used before, records its read mark in -shm. The database
    // and the -wal are untouched even then.
    let mut store = store;
    store
        .enqueue("rating", "/ratings", Uuid::new_v4(), &json!({"level": 1}))
        .unwrap();
    let before = files(&db);
    assert_eq!(read_in_another_process(&db, "plain"), json!({ "rows": 12 }));
    let after = files(&db);
    assert!(before[0] == after[0] && before[1] == after[1]);
    assert!(
        before[2] != after[2],
        "a plain read-only reader no longer writes -shm: this test cannot tell a write any more"
    );
}

#[test]
fn reading_a_stopped_kiosk_store_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    let expected = {
        let store = worked_store(&db);
        store_all(&store)
    };
    // The kiosk closed cleanly: everything is in kiosk.db, the side files are gone.
    let before = files(&db);
    assert!(before[0].is_some() && before[1].is_none() && before[2].is_none());

    let reader = StoreReader::open(&db).unwrap();
    assert_eq!(read_all(&reader), expected);
    drop(reader);

    assert!(files(&db) == before, "reading created or changed a file");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["kiosk.db"]);
}

#[test]
fn a_missing_store_is_a_typed_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    for db in [
        dir.path().join("kiosk.db"),
        dir.path().join("never-made").join("kiosk.db"),
    ] {
        match StoreReader::open(&db) {
            Err(ReadError::Missing { path }) => assert_eq!(path, db),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("opened {}", db.display()),
        }
        assert!(!db.exists(), "{} was created", db.display());
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_schema_this_build_does_not_know_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();

    let newer = dir.path().join("newer.db");
    drop(worked_store(&newer));
    let c = rusqlite::Connection::open(&newer).unwrap();
    c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(c);
    let before = files(&newer);
    match StoreReader::open(&newer) {
        Err(ReadError::NewerSchema { found, known, .. }) => {
            assert_eq!((found, known), (SCHEMA_VERSION + 1, SCHEMA_VERSION))
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("opened a newer schema"),
    }
    assert!(files(&newer) == before);

    // An empty file is a database with no tables: the kiosk would migrate it, a reader
    // must say so rather than fail on "no such table".
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    match StoreReader::open(&empty) {
        Err(ReadError::OlderSchema { found: 0, .. }) => {}
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("opened an empty file"),
    }
    assert_eq!(std::fs::read(&empty).unwrap(), b"");

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, [0x42; 4096]).unwrap();
    assert!(matches!(
        StoreReader::open(&junk),
        Err(ReadError::Sqlite(_))
    ));
    assert_eq!(std::fs::read(&junk).unwrap(), [0x42; 4096]);
}
