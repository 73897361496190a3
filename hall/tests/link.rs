//! The link against hall-sim on loopback: tickets online and offline, lost answers,
//! refusals, delivery after the link returns, and a corrupt store at start.

use std::time::Duration;

use hall_link::api::{Source, TicketRequest};
use hall_link::sim::{Fault, HallSim, SimOptions};
use hall_link::{HallLink, LinkSettings, Posted, TicketError};
use serde_json::json;

async fn setup() -> (HallSim, HallLink, tempfile::TempDir) {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut s = LinkSettings::new("T-01", &sim.url(), "demo-token", dir.path().to_path_buf());
    s.ticket_timeout = Duration::from_millis(1500);
    s.timeout = Duration::from_secs(2);
    let link = HallLink::open(s).unwrap();
    (sim, link, dir)
}

fn walk_in(category: &str) -> TicketRequest {
    TicketRequest {
        category: category.into(),
        source: Source::WalkIn,
        priority: None,
        applicant: None,
    }
}

#[tokio::test]
async fn online_ticket_is_issued_by_the_backend_and_recorded() {
    let (sim, link, _d) = setup().await;
    let t = link.take_ticket(walk_in("A")).await.unwrap();
    assert!(!t.offline);
    assert_eq!(t.ticket.ticket_no, "A001");
    assert!(t.ticket.track_url.ends_with("/A001"));
    assert_eq!(sim.tickets().len(), 1);
    assert_eq!(link.status().outbox.pending, 0);
}

#[tokio::test]
async fn lost_answer_is_retried_with_the_same_key_and_applied_once() {
    let (sim, link, _d) = setup().await;
    // The first answer is lost after commit; the retry with the same key gets the stored
    // answer, so the citizen holds the number the backend issued.
    sim.set_fault(Fault::DropResponseAfterCommit { times: 1 });
    let mut s = link.settings().clone();
    s.timeout = Duration::from_millis(400);
    s.ticket_timeout = Duration::from_secs(3);
    drop(link);
    let link = HallLink::open(s).unwrap();
    let t = link.take_ticket(walk_in("B")).await.unwrap();
    assert!(!t.offline);
    assert_eq!(sim.tickets().len(), 1, "one ticket at the backend");
    assert_eq!(
        t.ticket.ticket_no,
        sim.tickets()[0]["ticket_no"].as_str().unwrap()
    );
}

#[tokio::test]
async fn unavailable_then_success() {
    let (sim, link, _d) = setup().await;
    sim.set_fault(Fault::Unavailable { times: 2 });
    let t = link.take_ticket(walk_in("A")).await.unwrap();
    assert!(!t.offline);
    assert_eq!(sim.tickets().len(), 1);
}

#[tokio::test]
async fn backend_down_gives_an_offline_ticket_reported_when_the_link_returns() {
    let (sim, link, _d) = setup().await;
    link.sync().await.unwrap();
    assert!(link
        .status()
        .offline_left
        .iter()
        .any(|(c, n)| c == "A" && *n == 20));
    sim.set_fault(Fault::Down);
    let t = link.take_ticket(walk_in("A")).await.unwrap();
    assert!(t.offline);
    assert_eq!(t.ticket.ticket_no, "A9001");
    assert!(link.status().outbox.pending >= 1);
    sim.set_fault(Fault::None);
    assert!(
        link.flush().await.unwrap(),
        "outbox empties once the link is back"
    );
    assert_eq!(sim.offline_reports().len(), 1);
    assert_eq!(sim.offline_reports()[0]["ticket_no"], "A9001");
    // The unanswered online request is voided, so its number (if any) is no ghost.
    assert_eq!(sim.voids().len(), 1);
}

#[tokio::test]
async fn no_offline_numbers_left_is_a_clear_error() {
    let (sim, link, _d) = setup().await;
    sim.set_fault(Fault::Down);
    match link.take_ticket(walk_in("C")).await {
        Err(TicketError::NoOfflineNumbers(c)) => assert_eq!(c, "C"),
        other => panic!("expected NoOfflineNumbers, got {other:?}"),
    }
}

#[tokio::test]
async fn revoked_token_marks_the_link_and_still_serves_offline() {
    let (sim, link, _d) = setup().await;
    link.sync().await.unwrap();
    sim.set_fault(Fault::Unauthorized);
    let t = link.take_ticket(walk_in("A")).await.unwrap();
    assert!(t.offline);
    assert!(link.status().auth_failed);
}

#[tokio::test]
async fn same_key_with_a_different_body_is_refused_422() {
    let (sim, _link, _d) = setup().await;
    let http = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        http.post(format!("{}/tickets", sim.url()))
            .bearer_auth("demo-token")
            .header("X-Kiosk-Id", "T-01")
            .header("Idempotency-Key", "0f0e8a56-2a7f-4f57-9d8e-2a3a1d2c3b4a")
            .json(&body)
            .send()
    };
    let a =
        post(json!({"category": "A", "source": "walk_in", "priority": null, "applicant": null}))
            .await
            .unwrap();
    assert_eq!(a.status(), 201);
    let again =
        post(json!({"category": "A", "source": "walk_in", "priority": null, "applicant": null}))
            .await
            .unwrap();
    assert_eq!(again.status(), 201, "a repeat gets the stored answer");
    let b =
        post(json!({"category": "B", "source": "walk_in", "priority": null, "applicant": null}))
            .await
            .unwrap();
    assert_eq!(b.status(), 422);
    assert_eq!(sim.tickets().len(), 1);
}

#[tokio::test]
async fn rating_twice_is_refused_and_queued_when_down() {
    let (sim, link, _d) = setup().await;
    let body = json!({"ref": {"ticket_no": "A001"}, "level": 5, "reasons": [], "comment": ""});
    assert!(matches!(
        link.post_or_queue("rating", "/ratings", body.clone())
            .await
            .unwrap(),
        Posted::Answered(_)
    ));
    match link
        .post_or_queue("rating", "/ratings", body.clone())
        .await
        .unwrap()
    {
        Posted::Refused { status: 409, code } => assert_eq!(code, "already_rated"),
        other => panic!("{other:?}"),
    }
    sim.set_fault(Fault::Down);
    let other =
        json!({"ref": {"ticket_no": "B002"}, "level": 1, "reasons": ["attitude"], "comment": "慢"});
    assert!(matches!(
        link.post_or_queue("rating", "/ratings", other)
            .await
            .unwrap(),
        Posted::Queued(_)
    ));
    sim.set_fault(Fault::None);
    assert!(link.flush().await.unwrap());
    assert_eq!(sim.ratings().len(), 2, "each rating applied once");
}

#[tokio::test]
async fn corrupt_store_is_kept_aside_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kiosk.db"),
        b"this is not a database, it is garbage bytes........",
    )
    .unwrap();
    let s = LinkSettings::new(
        "T-01",
        "http://127.0.0.1:9/kiosk/v1",
        "t",
        dir.path().to_path_buf(),
    );
    let link = HallLink::open(s).unwrap();
    let status = link.status();
    assert!(status.store_recreated.is_some(), "staff are told");
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains("corrupt"));
    assert!(kept, "the old file is kept aside");
}

/// The backend applies each request and every answer is lost (it comes after 30 s): the
/// kiosk gives up within its budget and settles the request with a void notice.
fn lose_every_answer(sim: &HallSim) {
    sim.set_fault(Fault::LoseAnswers);
}

/// Once the backend answers again: the outbox empties, nothing is a dead letter, and
/// every number the backend issued for a request nobody was told of is voided.
async fn delivered_with_no_ghost(sim: &HallSim, link: &HallLink) {
    sim.set_fault(Fault::None);
    assert!(link.flush().await.unwrap(), "the outbox empties");
    let st = link.status();
    assert_eq!(
        st.outbox.dead,
        0,
        "no dead letter: {:?}",
        link.dead_letters()
    );
    let applied = sim.tickets();
    assert!(!applied.is_empty(), "the backend had applied the request");
    for t in &applied {
        assert_eq!(t["voided"], true, "a ghost number at the backend: {t}");
    }
    let keys: Vec<String> = applied
        .iter()
        .map(|t| t["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sim.voids(), keys, "each applied request voided once");
}

#[tokio::test]
async fn a_ticket_applied_with_every_answer_lost_is_voided_under_a_key_of_its_own() {
    let (sim, link, _d) = setup().await;
    link.sync().await.unwrap();
    lose_every_answer(&sim);
    let t = link.take_ticket(walk_in("B")).await.unwrap();
    assert!(t.offline, "the citizen got a number from the offline block");
    assert_ne!(
        t.ticket.ticket_no.as_str(),
        sim.tickets()[0]["ticket_no"].as_str().unwrap(),
        "the backend's own number never reached the citizen"
    );
    delivered_with_no_ghost(&sim, &link).await;
    assert_eq!(sim.offline_reports().len(), 1);
}

#[tokio::test]
async fn a_check_in_applied_with_every_answer_lost_is_voided_and_leaves_no_dead_letter() {
    let (sim, link, _d) = setup().await;
    lose_every_answer(&sim);
    let r = link
        .check_in(hall_link::api::CheckInRequest::Code {
            code: "AP0001".into(),
        })
        .await;
    assert!(r.is_err(), "no answer within the budget: {r:?}");
    assert_eq!(sim.checkins().len(), 1, "the backend checked it in");
    delivered_with_no_ghost(&sim, &link).await;
}

#[tokio::test]
async fn a_request_in_flight_at_a_restart_is_voided_under_a_key_of_its_own() {
    let (sim, link, dir) = setup().await;
    let settings = link.settings().clone();
    drop(link);
    // The kiosk recorded a ticket request, the backend applied it, and the kiosk died
    // before the answer came back.
    let key = uuid::Uuid::new_v4();
    let body = json!({"category": "A", "source": "walk_in", "priority": null, "applicant": null});
    {
        let (mut store, _) =
            hall_link::store::Store::open(&hall_link::store::db_path(dir.path())).unwrap();
        store.begin_request(key, "/tickets", &body).unwrap();
    }
    let applied = reqwest::Client::new()
        .post(format!("{}/tickets", sim.url()))
        .bearer_auth("demo-token")
        .header("X-Kiosk-Id", "T-01")
        .header("Idempotency-Key", key.to_string())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(applied.status(), 201);
    // Started again: the interrupted request becomes a void notice.
    let link = HallLink::open(settings).unwrap();
    delivered_with_no_ghost(&sim, &link).await;
    assert_eq!(sim.voids(), [key.to_string()]);
}

/// Say saved only when saved (issue 17, item 3): at the store's size cap a rating is not
/// kept, the caller gets the error (the citizen is told), and the link's status turns the
/// lamp red until a commit works again.
#[tokio::test]
async fn a_store_that_cannot_commit_fails_the_action_and_marks_the_link() {
    // No backend at all: a port that refuses at once, so every action is queued.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let mut s = LinkSettings::new("T-01", &url, "demo-token", dir.path().to_path_buf());
    s.retention.max_bytes = 128 * 1024;
    s.ticket_timeout = Duration::from_millis(100);
    let link = HallLink::open(s).unwrap();
    let big = json!({"ref": {"ticket_no": "A001"}, "level": 5, "comment": "很".repeat(4000)});
    let mut kept = 0;
    let err = loop {
        match link.post_or_queue("rating", "/ratings", big.clone()).await {
            Ok(Posted::Queued(_)) => kept += 1,
            Ok(other) => panic!("the backend is down: {other:?}"),
            Err(e) => break e,
        }
        assert!(kept < 500, "the cap never bit");
    };
    assert!(err.to_string().contains("full"), "{err}");
    let status = link.status();
    assert!(status.store_failing.is_some());
    assert_eq!(
        status.outbox.pending, kept,
        "what was said queued is all there"
    );
    // A small entry still fits: the store works again and says so.
    link.post_or_queue("rating", "/ratings", json!({"level": 5}))
        .await
        .unwrap();
    assert_eq!(link.status().store_failing, None);
}
