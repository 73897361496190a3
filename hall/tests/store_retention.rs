//! What the store keeps, and for how long (issue 17, items 5 and 6): personal data leaves
//! an entry when it is delivered or dies, old records leave after the retention period,
//! the file cannot grow past its cap, a staff retry of a request that lost its meaning
//! voids it, and a clock that jumped back cannot park an entry.

use hall_link::store::{db_path, now_ms, Revived, Store, REQUEST_MEANING_MS};
use serde_json::json;
use uuid::Uuid;

fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&db_path(dir.path())).unwrap();
    (store, dir)
}

/// Moves an entry's creation time (and retry time) `ms` into the past, as if made then.
fn age(dir: &tempfile::TempDir, key: Uuid, ms: i64) {
    let conn = rusqlite::Connection::open(db_path(dir.path())).unwrap();
    conn.execute(
        "UPDATE outbox SET created_at = created_at - ?2 WHERE key = ?1",
        rusqlite::params![key.to_string(), ms],
    )
    .unwrap();
    conn.execute(
        "UPDATE tickets SET created_at = created_at - ?1",
        rusqlite::params![ms],
    )
    .unwrap();
}

fn body_of(dir: &tempfile::TempDir, key: Uuid) -> Option<serde_json::Value> {
    let conn = rusqlite::Connection::open(db_path(dir.path())).unwrap();
    conn.query_row(
        "SELECT body FROM outbox WHERE key = ?1",
        [key.to_string()],
        |r| r.get::<_, String>(0),
    )
    .ok()
    .map(|b| serde_json::from_str(&b).unwrap())
}

fn personal() -> serde_json::Value {
    json!({
        "item_code": "X1",
        "applicant": {"name": "李秀英", "id_number": "110101195003071542"},
        "phone": "13800138000",
        "text": "窗口工作人员态度不好",
        "comment": "等了两个小时",
        "form": {"address": "合作市"},
    })
}

#[test]
fn personal_data_leaves_an_entry_when_it_is_delivered_or_dies() {
    let (mut s, dir) = store();
    let (delivered, dead) = (Uuid::new_v4(), Uuid::new_v4());
    s.enqueue("complaint", "/complaints", delivered, &personal())
        .unwrap();
    s.enqueue("submission", "/submissions", dead, &personal())
        .unwrap();
    s.delivered(delivered, &json!({"complaint_no": "TS1"}))
        .unwrap();
    s.dead(dead, "422 invalid_form").unwrap();
    for key in [delivered, dead] {
        let body = body_of(&dir, key).unwrap();
        assert_eq!(body, json!({"item_code": "X1"}), "{key}: {body}");
    }
    let dead_letters = s.entries("dead").unwrap();
    assert_eq!(dead_letters.len(), 1, "the dead letter is kept for staff");
    assert_eq!(
        dead_letters[0].last_error.as_deref(),
        Some("422 invalid_form")
    );
}

#[test]
fn old_records_leave_after_the_retention_period_and_waiting_ones_never() {
    let (mut s, dir) = store();
    let day = 24 * 3600 * 1000;
    let (old_done, new_done, old_pending, old_dead) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    for k in [old_done, new_done, old_pending, old_dead] {
        s.enqueue("rating", "/ratings", k, &json!({"level": 5}))
            .unwrap();
    }
    s.delivered(old_done, &json!({})).unwrap();
    s.delivered(new_done, &json!({})).unwrap();
    s.dead(old_dead, "409").unwrap();
    for k in [old_done, old_pending, old_dead] {
        age(&dir, k, 31 * day);
    }

    let removed = s.prune(30 * day).unwrap();
    assert_eq!(removed, 1);
    assert!(
        body_of(&dir, old_done).is_none(),
        "an old delivered record leaves"
    );
    assert!(body_of(&dir, new_done).is_some(), "a recent one stays");
    assert!(
        body_of(&dir, old_pending).is_some(),
        "an undelivered entry never leaves"
    );
    assert!(
        body_of(&dir, old_dead).is_some(),
        "a dead letter waits for staff"
    );
}

#[test]
fn the_store_cannot_grow_past_its_cap_and_says_so() {
    let (mut s, _dir) = store();
    s.limit_size(256 * 1024).unwrap();
    let big = json!({"comment": "很".repeat(4000)});
    let mut kept = 0;
    let err = loop {
        match s.enqueue("rating", "/ratings", Uuid::new_v4(), &big) {
            Ok(()) => kept += 1,
            Err(e) => break e,
        }
        assert!(kept < 1000, "the cap never bit");
    };
    assert!(kept > 5, "{kept}");
    assert!(err.to_string().contains("full"), "{err}");
    assert!(s.size_bytes().unwrap() <= 256 * 1024);
    // What was committed before is all there.
    assert_eq!(s.counts().unwrap().pending, kept);
}

#[test]
fn a_staff_retry_of_a_stale_ticket_request_voids_it_and_a_fresh_one_is_sent() {
    let (mut s, dir) = store();
    let (stale, fresh, rating) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    for k in [stale, fresh] {
        s.begin_request(k, "/tickets", &json!({"category": "A"}))
            .unwrap();
        s.dead(k, "422").unwrap();
    }
    s.enqueue("rating", "/ratings", rating, &json!({})).unwrap();
    s.dead(rating, "500").unwrap();
    age(&dir, stale, REQUEST_MEANING_MS + 1000);
    age(&dir, rating, 10 * REQUEST_MEANING_MS);

    assert_eq!(s.revive(stale).unwrap(), Revived::Voided);
    assert_eq!(s.revive(fresh).unwrap(), Revived::Pending);
    assert_eq!(
        s.revive(rating).unwrap(),
        Revived::Pending,
        "a rating never expires"
    );
    assert_eq!(s.revive(stale).unwrap(), Revived::NotDead);
    let pending = s.entries("pending").unwrap();
    let void = pending
        .iter()
        .find(|e| e.kind == "ticket_void")
        .expect("a void notice");
    assert_eq!(void.body["idempotency_key"], stale.to_string());
    assert_ne!(void.key, stale, "the notice has a key of its own");
    assert!(pending.iter().any(|e| e.key == fresh));
    assert!(!pending.iter().any(|e| e.key == stale));
}

#[test]
fn a_retry_time_beyond_any_wait_the_kiosk_sets_counts_as_due() {
    let (mut s, _dir) = store();
    let (soon, jumped) = (Uuid::new_v4(), Uuid::new_v4());
    for k in [soon, jumped] {
        s.enqueue("rating", "/ratings", k, &json!({})).unwrap();
    }
    s.retry_later(soon, "503", now_ms() + 30_000).unwrap();
    // Written when the clock was a day ahead of what it says now.
    s.retry_later(jumped, "503", now_ms() + 24 * 3600 * 1000)
        .unwrap();
    let due: Vec<Uuid> = s.due(10).unwrap().into_iter().map(|e| e.key).collect();
    assert_eq!(due, [jumped]);
}
