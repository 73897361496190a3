//! The ID-card driver against the reader simulator over a pseudo-terminal: every card
//! type, garbage, bad checksums, a slow reader, a SAM failure, and unplugging.

use std::time::{Duration, Instant};

use kiosk_drivers::idcard::sim::{builtin_identities, Fault, ReaderSimulator};
use kiosk_drivers::idcard::{
    spawn_card_watch, CardEvent, CardReader, CardType, SerialCardReader, WatchConfig,
};

fn sim() -> ReaderSimulator {
    ReaderSimulator::spawn(builtin_identities()).unwrap()
}

#[test]
fn reads_every_card_type_through_the_pty() {
    let sim = sim();
    let mut r = SerialCardReader::open(&sim.path(), 115_200).unwrap();
    assert!(!r.find().unwrap(), "no card yet");
    for (i, id) in builtin_identities().iter().enumerate() {
        sim.present(i);
        assert!(r.find().unwrap());
        let card = r.read().unwrap();
        match id.card_type.as_str() {
            "resident" => {
                assert_eq!(card.card_type, CardType::Resident);
                assert_eq!(card.name, id.name);
            }
            "hmt_residence_permit" => assert_eq!(card.card_type, CardType::HmtResidencePermit),
            _ => {
                assert_eq!(card.card_type, CardType::ForeignPermanentResident);
                assert_eq!(card.english_name, "GARCIA, MARIA");
            }
        }
        assert_eq!(card.photo.len(), 1024);
        assert!(
            !r.find().unwrap(),
            "a read card is not found again until replaced"
        );
        assert!(r.select().unwrap(), "but it is still in the field");
        sim.remove();
        assert!(!r.select().unwrap());
    }
}

#[test]
fn garbage_and_bad_checksums_are_survived() {
    let sim = sim();
    let mut r = SerialCardReader::open(&sim.path(), 115_200).unwrap();
    sim.set_fault(Fault::Garbage);
    sim.present(2);
    assert!(r.find().unwrap());
    assert_eq!(r.read().unwrap().name, "陈𠈌");
    sim.set_fault(Fault::BadChecksum(1));
    sim.remove();
    sim.present(1);
    assert!(r.find().unwrap(), "a bad checksum is retried");
    sim.set_fault(Fault::BadChecksum(5));
    assert!(r.read().is_err(), "but not forever");
}

#[test]
fn sam_failure_and_read_failure_are_typed() {
    let sim = sim();
    let mut r = SerialCardReader::open(&sim.path(), 115_200).unwrap();
    assert!(!r.sam_id().unwrap().is_empty());
    sim.set_fault(Fault::SamFailure);
    assert_eq!(r.find().unwrap_err().kind(), "sam_failed");
    sim.set_fault(Fault::ReadFailure);
    sim.present(0);
    assert!(r.find().unwrap());
    let e = r.read().unwrap_err();
    assert_eq!(e.kind(), "read_failed");
    assert_eq!(e.hint_zh(), "请将身份证平放在感应区");
}

#[test]
fn missing_port_is_a_clear_error() {
    let e = SerialCardReader::open("/dev/nonexistent-reader", 115_200)
        .err()
        .unwrap();
    assert!(e.to_string().contains("/dev/nonexistent-reader"));
    assert!(e.is_offline());
}

async fn next(rx: &mut tokio::sync::mpsc::Receiver<CardEvent>) -> CardEvent {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("event in time")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reports_placement_removal_and_unplug() {
    let sim = sim();
    let mut cfg = WatchConfig::new(sim.path());
    cfg.poll_hz = 20.0;
    let (mut rx, _h) = spawn_card_watch(cfg);
    sim.present(0);
    let placed = Instant::now();
    match next(&mut rx).await {
        CardEvent::Presented(card) => assert_eq!(card.name, "李秀英"),
        other => panic!("{other:?}"),
    }
    eprintln!(
        "placement to decoded card over a pty: {:?}",
        placed.elapsed()
    );
    sim.remove();
    assert!(matches!(next(&mut rx).await, CardEvent::Removed));
    sim.unplug();
    assert!(matches!(next(&mut rx).await, CardEvent::ReaderOffline(_)));
    sim.plug().unwrap();
    assert!(matches!(next(&mut rx).await, CardEvent::ReaderBack));
    sim.present(3);
    match next(&mut rx).await {
        CardEvent::Presented(card) => assert_eq!(card.name, "扎西顿珠"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn fingerprint_block_and_appended_address() {
    let sim = sim();
    let mut r = SerialCardReader::open(&sim.path(), 115_200).unwrap();
    sim.present(0);
    assert!(r.find().unwrap());
    let (card, fp) = r.read_with_fingerprint().unwrap();
    assert_eq!(card.name, "李秀英");
    assert_eq!(card.photo.len(), 1024);
    assert_eq!(fp.len(), 1024);
    assert_eq!(
        r.read_new_address().unwrap().as_deref(),
        Some("北京市朝阳区测试路6号院3号楼")
    );
    // A card without an appended address: "no content", not an error.
    sim.present(1);
    assert!(r.find().unwrap());
    assert_eq!(r.read_new_address().unwrap(), None);
    sim.remove();
    assert!(r.read_new_address().is_err());
}
