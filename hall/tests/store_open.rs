//! Opening the store never destroys what it holds: only a file SQLite calls corrupt is set
//! aside (with its `-wal` and `-shm`, never deleted), and every other failure leaves the
//! files as they were (issue 17, item 2).

use std::path::{Path, PathBuf};

use hall_link::store::{db_path, OpenReport, Store, StoreError, SCHEMA_VERSION};
use uuid::Uuid;

/// A store with `n` rating entries whose commits are still only in its `-wal`: the files
/// are copied while the writer is open (so nothing was checkpointed) into `into`.
fn wal_only_copy(into: &Path, n: usize) -> Vec<Uuid> {
    let live = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::open(&db_path(live.path())).unwrap();
    let keys: Vec<Uuid> = (0..n).map(|_| Uuid::new_v4()).collect();
    for k in &keys {
        store
            .enqueue("rating", "/ratings", *k, &serde_json::json!({"score": 5}))
            .unwrap();
    }
    for suffix in ["", "-wal"] {
        std::fs::copy(
            side(&db_path(live.path()), suffix),
            side(&db_path(into), suffix),
        )
        .unwrap();
    }
    drop(store);
    keys
}

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// Files in `dir` whose names contain "corrupt".
fn set_aside_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("corrupt"))
        .collect();
    names.sort();
    names
}

fn pending_keys(store: &Store) -> Vec<Uuid> {
    store
        .entries("pending")
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect()
}

#[test]
fn a_failed_open_that_is_not_corruption_leaves_every_file_and_entry() {
    let dir = tempfile::tempdir().unwrap();
    let keys = wal_only_copy(dir.path(), 3);
    let db = db_path(dir.path());
    let wal_before = bytes(&side(&db, "-wal"));
    assert!(!wal_before.is_empty(), "the entries must live in the -wal");
    // Another process holds the file locked (a second kiosk, a technician's sqlite3):
    // SQLite answers "busy" once the store's busy timeout has passed.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;")
        .unwrap();

    let err = Store::open(&db).err().expect("the open must fail");
    assert!(matches!(err, StoreError::Sqlite(_)), "{err:?}");
    assert!(
        set_aside_files(dir.path()).is_empty(),
        "nothing is set aside"
    );
    assert!(side(&db, "-wal").exists(), "the -wal is still there");

    drop(holder);
    let (store, report) = Store::open(&db).unwrap();
    assert_eq!(report, OpenReport::Ok);
    assert_eq!(
        pending_keys(&store),
        keys,
        "the -wal's entries are all there"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_set_aside_and_a_fresh_one_made() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(dir.path());
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 + 3) as u8).collect();
    std::fs::write(&db, &garbage).unwrap();

    let (mut store, report) = Store::open(&db).unwrap();
    let OpenReport::Recreated { kept_as, reason } = report else {
        panic!("expected the file set aside, got {report:?}");
    };
    assert!(!reason.is_empty());
    assert!(
        kept_as.to_string_lossy().contains(".corrupt-"),
        "dated name: {}",
        kept_as.display()
    );
    assert_eq!(bytes(&kept_as), garbage, "the file is kept as it was");
    assert!(
        pending_keys(&store).is_empty(),
        "the fresh store starts empty"
    );
    store
        .enqueue("rating", "/ratings", Uuid::new_v4(), &serde_json::json!({}))
        .unwrap();
}

#[test]
fn a_file_that_fails_its_integrity_check_is_set_aside_with_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(dir.path());
    let enqueue = |store: &mut Store, n: usize| {
        for _ in 0..n {
            store
                .enqueue(
                    "rating",
                    "/ratings",
                    Uuid::new_v4(),
                    &serde_json::json!({"comment": "x".repeat(200)}),
                )
                .unwrap();
        }
    };
    enqueue(&mut Store::open(&db).unwrap().0, 200); // closed: checkpointed
                                                    // Three more commits that live only in the -wal, copied while the writer is open.
    let copy = tempfile::tempdir().unwrap();
    let copied = db_path(copy.path());
    {
        let (mut store, _) = Store::open(&db).unwrap();
        enqueue(&mut store, 3);
        for suffix in ["", "-wal"] {
            std::fs::copy(side(&db, suffix), side(&copied, suffix)).unwrap();
        }
    }
    let wal = bytes(&side(&copied, "-wal"));
    assert!(!wal.is_empty());
    let mut damaged = bytes(&copied);
    let page = 4096;
    assert!(damaged.len() > 8 * page);
    // Scribble over the b-tree page headers of early leaf pages that the -wal's three
    // commits (which touch the last leaf and the root) do not replace.
    for p in 2..6 {
        for b in &mut damaged[p * page..p * page + 12] {
            *b = 0xFF;
        }
    }
    std::fs::write(&copied, &damaged).unwrap();

    let (_, report) = Store::open(&copied).unwrap();
    let OpenReport::Recreated { kept_as, .. } = report else {
        panic!("expected the file set aside, got {report:?}");
    };
    assert_eq!(bytes(&kept_as), damaged, "the file is kept as it was");
    assert_eq!(
        bytes(&side(&kept_as, "-wal")),
        wal,
        "its -wal is kept with it"
    );
}

#[test]
fn a_schema_from_a_newer_build_is_refused_and_left_as_it_was() {
    for version in [i64::from(SCHEMA_VERSION) + 1, -1] {
        let dir = tempfile::tempdir().unwrap();
        let db = db_path(dir.path());
        drop(Store::open(&db).unwrap());
        {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.pragma_update(None, "user_version", version).unwrap();
        }
        let before = bytes(&db);

        match Store::open(&db).err() {
            Some(StoreError::Schema { found, known, .. }) => {
                assert_eq!((found, known), (version, SCHEMA_VERSION));
            }
            other => panic!("schema {version}: expected a refusal, got {other:?}"),
        }
        let message = Store::open(&db).err().unwrap().to_string();
        assert!(message.contains(&version.to_string()), "{message}");
        assert_eq!(bytes(&db), before, "schema {version}: the file was changed");
        assert!(set_aside_files(dir.path()).is_empty());
    }
}
