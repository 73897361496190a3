//! Self-service submissions and progress queries against hall-sim on loopback: online,
//! offline then delivered, and what the kiosk keeps of the citizen afterwards.

use std::time::Duration;

use hall_link::api::{
    Delivery, DeliveryMethod, MaterialStatus, ProgressQuery, SubmissionApplicant,
    SubmissionRequest, SubmittedMaterial,
};
use hall_link::sim::{Fault, HallSim, SimOptions};
use hall_link::{HallLink, LinkSettings, SubmitError};
use serde_json::json;

/// 李秀英 of the fictional identities (drivers/data/identities.toml); never a real person.
const ID: &str = "110101195003071542";

async fn setup() -> (HallSim, HallLink, tempfile::TempDir) {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut s = LinkSettings::new("T-01", &sim.url(), "demo-token", dir.path().to_path_buf());
    s.ticket_timeout = Duration::from_millis(1500);
    s.timeout = Duration::from_secs(2);
    let link = HallLink::open(s).unwrap();
    link.refresh_catalog().await.unwrap();
    (sim, link, dir)
}

fn pension() -> SubmissionRequest {
    SubmissionRequest {
        item_code: "620000-020-GG-01".into(),
        applicant: SubmissionApplicant {
            name: "李秀英".into(),
            id_number: ID.into(),
            phone: "13912345678".into(),
        },
        form: json!({"name": "李秀英", "id_number": ID, "phone": "13912345678", "grade": "500"})
            .as_object()
            .unwrap()
            .clone(),
        materials: vec![SubmittedMaterial {
            name: "居民身份证".into(),
            status: MaterialStatus::Provided,
        }],
        commitment_accepted: false,
        delivery: Delivery {
            method: DeliveryMethod::Pickup,
            address: None,
        },
    }
}

#[tokio::test]
async fn an_online_submission_gets_the_backends_receipt_and_its_progress_moves_on() {
    let (sim, link, dir) = setup().await;
    let s = link.submit(&pension()).await.unwrap();
    assert!(!s.provisional);
    assert!(s.receipt_no.starts_with("SB"), "{}", s.receipt_no);
    assert!(s.track_url.as_deref().unwrap().ends_with(&s.receipt_no));
    assert!(s.promised_date.is_some());
    assert_eq!(sim.submissions().len(), 1);

    let by_receipt = link
        .progress(&ProgressQuery::Receipt {
            receipt_no: s.receipt_no.clone(),
        })
        .await
        .unwrap();
    assert_eq!(by_receipt.cases.len(), 1);
    assert_eq!(by_receipt.cases[0].status, "received");
    assert_eq!(
        by_receipt.cases[0].item_name,
        "城乡居民基本养老保险参保登记"
    );

    sim.age_submissions(300);
    let by_card = link
        .progress(&ProgressQuery::IdNumber {
            id_number: ID.into(),
        })
        .await
        .unwrap();
    assert_eq!(by_card.cases[0].status, "ready_for_pickup");
    assert!(by_card.cases[0].pickup_window.is_some());

    // Once the backend has it, the kiosk keeps no personal data of the submission.
    drop(link);
    let db = rusqlite::Connection::open(dir.path().join("kiosk.db")).unwrap();
    let bodies: Vec<String> = db
        .prepare("SELECT body FROM outbox")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for b in bodies {
        assert!(
            !b.contains(ID) && !b.contains("李秀英") && !b.contains("1391234"),
            "{b}"
        );
    }
}

#[tokio::test]
async fn offline_submission_is_provisional_listed_as_waiting_then_found_by_its_key() {
    let (sim, link, _d) = setup().await;
    sim.set_fault(Fault::Down);
    let s = link.submit(&pension()).await.unwrap();
    assert!(s.provisional);
    assert!(s.receipt_no.starts_with("LS-"));
    assert_eq!(s.receipt_no, hall_link::provisional_receipt_no(s.key));

    // Never "no such case" for what was just handed in.
    let p = link
        .progress(&ProgressQuery::IdNumber {
            id_number: ID.into(),
        })
        .await
        .unwrap();
    assert!(p.offline);
    assert_eq!(p.cases.len(), 1);
    assert_eq!(p.cases[0].status, "waiting_to_send");
    assert_eq!(p.cases[0].receipt_no, s.receipt_no);
    let by_number = link
        .progress(&ProgressQuery::Receipt {
            receipt_no: s.receipt_no.clone(),
        })
        .await
        .unwrap();
    assert_eq!(by_number.cases.len(), 1);

    sim.set_fault(Fault::None);
    assert!(link.flush().await.unwrap());
    assert_eq!(sim.submissions().len(), 1, "delivered once");
    // The provisional receipt's QR carries the key: it finds the delivered case.
    let p = link
        .progress(&ProgressQuery::Key {
            key: s.key.to_string(),
        })
        .await
        .unwrap();
    assert!(!p.offline);
    assert_eq!(p.cases.len(), 1);
    assert!(p.cases[0].receipt_no.starts_with("SB"));
}

#[tokio::test]
async fn an_item_that_is_not_self_service_is_refused() {
    let (_sim, link, _d) = setup().await;
    let mut r = pension();
    r.item_code = "no-such-item".into();
    match link.submit(&r).await {
        Err(SubmitError::Refused(code)) => assert_eq!(code, "unknown_item"),
        other => panic!("{other:?}"),
    }
}
