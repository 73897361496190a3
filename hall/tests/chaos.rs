//! The chaos run (issue 17, item 8): a kiosk process drives the real link and store
//! through hundreds of citizens' actions (tickets, check-ins, submissions, ratings,
//! payments by QR code and by paycode) while
//! hall-sim, in this process, cuts the network, loses answers after commit, delays, and
//! answers 503 and 429, and this test `kill -9`s the kiosk process at random points. Then
//! one last kiosk process flushes, and hall-sim's own records are checked against what
//! each citizen was told: every accepted action applied exactly once, every voided request
//! voided, no number the windows would call for nobody, no offline number given twice, no
//! dead letter, no payment order made twice or unknown to the kiosk, none said paid that the
//! backend does not hold paid, none left open, and the kiosk's memory not growing over the
//! run.
//!
//! The kiosk process is this test binary run again (`chaos_kiosk`, ignored on its own),
//! which appends each action the citizen was told was accepted to a journal, after the
//! link returned. `CHAOS_KILLS` sets the number of kills (default 120).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hall_link::api::{
    CheckInRequest, Delivery, DeliveryMethod, MaterialStatus, PayMethod, PaymentItem, PaymentRef,
    PaymentRequest, RatingRequest, ServiceRef, Source, SubmissionApplicant, SubmissionRequest,
    SubmittedMaterial, TicketRequest,
};
use hall_link::sim::{Fault, HallSim, SimOptions};
use hall_link::{HallLink, LinkSettings, Posted};
use rand::Rng;
use serde_json::{json, Value};

const KIOSK_ID: &str = "CHAOS-01";
const TOKEN: &str = "demo-token";

fn journal_path(dir: &Path) -> PathBuf {
    dir.join("journal.jsonl")
}

/// The kiosk process: started by [`chaos_run`] with `CHAOS_DIR`, `CHAOS_URL` and
/// `CHAOS_MODE` ("act": act until killed; "flush": deliver everything, then exit 0).
#[test]
#[ignore = "the chaos run's kiosk process, started by chaos_run"]
fn chaos_kiosk() {
    let (Ok(dir), Ok(url), Ok(mode)) = (
        std::env::var("CHAOS_DIR"),
        std::env::var("CHAOS_URL"),
        std::env::var("CHAOS_MODE"),
    ) else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let mut s = LinkSettings::new(KIOSK_ID, &url, TOKEN, PathBuf::from(&dir));
        s.timeout = Duration::from_millis(400);
        s.connect_timeout = Duration::from_millis(200);
        s.ticket_timeout = Duration::from_millis(900);
        let link = HallLink::open(s).expect("the store opens after every kill");
        if mode == "flush" {
            let deadline = Instant::now() + Duration::from_secs(100);
            while !link.flush().await.unwrap() {
                assert!(Instant::now() < deadline, "the outbox never emptied");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            // Payment orders left open by the kills are resumed until final.
            loop {
                let open = link.payments_open().unwrap();
                if open.is_empty() {
                    break;
                }
                assert!(Instant::now() < deadline, "payments left open: {open:?}");
                for p in open {
                    let _ = link.pay_poll(p.key).await;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            return;
        }
        let _actor = link.start();
        act(&link, Path::new(&dir)).await;
    });
}

/// Appends one line to the journal: what this citizen was told.
fn told(dir: &Path, line: Value) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(journal_path(dir))
        .unwrap();
    // One write: a kill cannot leave half a line but at the very end.
    f.write_all(format!("{line}\n").as_bytes()).unwrap();
}

async fn act(link: &HallLink, dir: &Path) {
    let pid = std::process::id();
    for i in 0u64.. {
        let tag = format!("{pid}-{i}");
        match i % 6 {
            0 | 3 => {
                let category = if i % 2 == 0 { "A" } else { "B" };
                let req = TicketRequest {
                    category: category.into(),
                    source: Source::WalkIn,
                    priority: None,
                    applicant: None,
                };
                if let Ok(t) = link.take_ticket(req).await {
                    told(
                        dir,
                        json!({"t": "ticket", "no": t.ticket.ticket_no, "offline": t.offline, "key": t.key.to_string()}),
                    );
                }
            }
            1 => {
                let body = serde_json::to_value(RatingRequest {
                    reference: ServiceRef::Ticket {
                        ticket_no: format!("R{tag}"),
                    },
                    level: 4,
                    reasons: vec![],
                    comment: String::new(),
                })
                .unwrap();
                match link.post_or_queue("rating", "/ratings", body).await {
                    Ok(Posted::Answered(_) | Posted::Queued(_)) => {
                        told(dir, json!({"t": "rating", "ref": format!("R{tag}")}))
                    }
                    Ok(Posted::Refused { code, .. }) => panic!("rating refused: {code}"),
                    Err(e) => panic!("store: {e}"),
                }
            }
            2 => {
                if let Ok(s) = link.submit(&submission(&tag)).await {
                    told(
                        dir,
                        json!({"t": "submission", "tag": tag, "receipt": s.receipt_no, "provisional": s.provisional}),
                    );
                }
            }
            5 => {
                let paycode = i % 12 == 5;
                let req = PaymentRequest {
                    reference: PaymentRef::ItemCode("620000-040-QT-01".into()),
                    amount_fen: 8000,
                    items: vec![PaymentItem {
                        name: "不动产登记费（住宅）".into(),
                        amount_fen: 8000,
                    }],
                    method: if paycode {
                        PayMethod::Paycode
                    } else {
                        PayMethod::Qr
                    },
                    paycode: paycode.then(|| "134567890123456781".to_string()),
                };
                if let Ok(mut p) = link.pay_create(req).await {
                    // The citizen waits a moment at the screen.
                    for _ in 0..3 {
                        if p.status.is_final() {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        if let Ok(q) = link.pay_poll(p.key).await {
                            p = q;
                        }
                    }
                    told(
                        dir,
                        json!({"t": "payment", "key": p.key.to_string(), "status": p.status.as_str(), "no": p.payment_no}),
                    );
                }
            }
            _ => {
                let code = format!("AP000{}", 1 + (i / 5) % 3);
                if let Ok(c) = link
                    .check_in(CheckInRequest::Code { code: code.clone() })
                    .await
                {
                    told(
                        dir,
                        json!({"t": "checkin", "code": code, "no": c.answer.ticket.ticket_no, "key": c.key.to_string()}),
                    );
                }
            }
        }
    }
}

fn submission(tag: &str) -> SubmissionRequest {
    const ID: &str = "110101195003071542";
    SubmissionRequest {
        item_code: "620000-020-GG-01".into(),
        applicant: SubmissionApplicant {
            name: "李秀英".into(),
            id_number: ID.into(),
            phone: "13912345678".into(),
        },
        form: json!({"name": "李秀英", "id_number": ID, "phone": "13912345678", "grade": "500", "chaos_tag": tag})
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

fn spawn_kiosk(dir: &Path, url: &str, mode: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "chaos_kiosk", "--test-threads=1"])
        .env("CHAOS_DIR", dir)
        .env("CHAOS_URL", url)
        .env("CHAOS_MODE", mode)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// The process's resident memory in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn random_fault(rng: &mut impl Rng) -> Fault {
    match rng.gen_range(0..10) {
        0..=2 => Fault::None,
        3 => Fault::Delay(Duration::from_millis(rng.gen_range(20..300))),
        4 => Fault::Unavailable {
            times: rng.gen_range(1..4),
        },
        5 => Fault::RateLimited {
            times: rng.gen_range(1..4),
        },
        6 => Fault::DropResponseAfterCommit { times: 1 },
        7 => Fault::LoseAnswers,
        _ => Fault::Down,
    }
}

#[test]
fn chaos_run() {
    let kills_wanted: u32 = std::env::var("CHAOS_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(HallSim::spawn(SimOptions::default())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = rand::thread_rng();
    let (mut kills, mut faults) = (0u32, 0u32);
    let mut rss = Vec::new();
    let started = Instant::now();
    while kills < kills_wanted {
        let mut child = spawn_kiosk(dir.path(), &sim.url(), "act");
        let life = Instant::now() + Duration::from_millis(rng.gen_range(150..700));
        while Instant::now() < life {
            sim.set_fault(random_fault(&mut rng));
            faults += 1;
            std::thread::sleep(Duration::from_millis(rng.gen_range(30..150)));
        }
        if let Some(kib) = rss_kib(child.id()) {
            rss.push(kib);
        }
        // SIGKILL: no destructor, no flush, no clean shutdown.
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(
            status.code().is_none(),
            "the kiosk process ended by itself ({status}), not by the kill"
        );
        kills += 1;
    }
    sim.set_fault(Fault::None);
    let mut flush = spawn_kiosk(dir.path(), &sim.url(), "flush");
    let flushed = flush.wait().unwrap();
    assert!(
        flushed.success(),
        "the last kiosk could not flush: {flushed}"
    );

    let journal: Vec<Value> = std::fs::read_to_string(journal_path(dir.path()))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let of = |t: &'static str| journal.iter().filter(move |j| j["t"] == t);
    let actions = journal.len();
    let (mut lost, mut doubled) = (Vec::new(), Vec::new());

    // Tickets and check-ins: every number a citizen holds is one the windows will call.
    let sim_tickets = sim.tickets();
    let by_no: HashMap<&str, &Value> = sim_tickets
        .iter()
        .map(|t| (t["ticket_no"].as_str().unwrap_or(""), t))
        .collect();
    let reports = sim.offline_reports();
    let mut offline_seen = HashSet::new();
    for j in of("ticket").chain(of("checkin")) {
        let no = j["no"].as_str().unwrap();
        if j["offline"] == true {
            if !offline_seen.insert(no.to_string()) {
                doubled.push(format!("offline number {no} given twice"));
            }
            match reports.iter().filter(|r| r["ticket_no"] == no).count() {
                1 => {}
                0 => lost.push(format!("offline ticket {no} never reported")),
                n => doubled.push(format!("offline ticket {no} reported {n} times")),
            }
        } else {
            match by_no.get(no) {
                Some(t) if t["voided"] == true => lost.push(format!("ticket {no} held but voided")),
                Some(_) => {}
                None => lost.push(format!("ticket {no} unknown to the backend")),
            }
        }
    }
    // No ghost: a number the backend issued is held by a ticket the kiosk recorded, or voided.
    let store = rusqlite::Connection::open(hall_link::store::db_path(dir.path())).unwrap();
    let recorded: HashSet<String> = store
        .prepare("SELECT key FROM tickets WHERE offline = 0")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let ghosts: Vec<&str> = sim_tickets
        .iter()
        .filter(|t| t["voided"] != true && !recorded.contains(t["key"].as_str().unwrap_or("")))
        .map(|t| t["ticket_no"].as_str().unwrap_or(""))
        .collect();
    // Every request the kiosk voided is voided at the backend, if it ever got there.
    let voided: Vec<String> = store
        .prepare("SELECT key FROM outbox WHERE state = 'voided'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let sim_voids: HashSet<String> = sim.voids().into_iter().collect();
    let unvoided: Vec<&String> = voided
        .iter()
        .filter(|k| sim_tickets.iter().any(|t| t["key"] == k.as_str()) && !sim_voids.contains(*k))
        .collect();

    // Ratings and submissions: each applied exactly once.
    let ratings = sim.ratings();
    let mut per_ref: HashMap<String, usize> = HashMap::new();
    for r in &ratings {
        *per_ref
            .entry(r["ref"]["ticket_no"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
    }
    for j in of("rating") {
        let r = j["ref"].as_str().unwrap();
        if !per_ref.contains_key(r) {
            lost.push(format!("rating {r}"));
        }
    }
    doubled.extend(
        per_ref
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(r, n)| format!("rating {r} x{n}")),
    );
    let submissions = sim.submissions();
    let mut per_tag: HashMap<String, usize> = HashMap::new();
    for s in &submissions {
        *per_tag
            .entry(s["form"]["chaos_tag"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
    }
    for j in of("submission") {
        let tag = j["tag"].as_str().unwrap();
        if !per_tag.contains_key(tag) {
            lost.push(format!("submission {tag}"));
        }
    }
    doubled.extend(
        per_tag
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(t, n)| format!("submission {t} x{n}")),
    );

    // Payments: one order per action, every order one the kiosk knows, "paid" only when
    // the backend holds it paid, none left open.
    let orders = sim.payments();
    for (key, n) in sim.payment_orders_per_key() {
        if n > 1 {
            doubled.push(format!("payment key {key}: {n} orders"));
        }
    }
    let kiosk_payments: HashMap<String, (String, Option<String>)> = store
        .prepare("SELECT key, status, payment_no FROM payments")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut payment_errors = Vec::new();
    for o in &orders {
        let key = o["key"].as_str().unwrap_or("");
        match kiosk_payments.get(key) {
            None => payment_errors.push(format!("order {} unknown to the kiosk", o["payment_no"])),
            Some((status, no)) => {
                if no.as_deref() != o["payment_no"].as_str()
                    || status != o["status"].as_str().unwrap_or("")
                {
                    payment_errors.push(format!(
                        "order {}: kiosk {status} {no:?}, backend {}",
                        o["payment_no"], o["status"]
                    ));
                }
            }
        }
    }
    for (key, (status, _)) in &kiosk_payments {
        let at_backend = orders.iter().any(|o| o["key"] == key.as_str());
        if ["creating", "pending"].contains(&status.as_str()) {
            payment_errors.push(format!("payment {key} left {status}"));
        }
        if status == "not_created" && at_backend {
            payment_errors.push(format!("payment {key} not_created, but the backend has it"));
        }
    }
    for j in of("payment").filter(|j| j["status"] == "paid") {
        let key = j["key"].as_str().unwrap();
        if !orders
            .iter()
            .any(|o| o["key"] == key && o["status"] == "paid")
        {
            payment_errors.push(format!("payment {key} said paid, not paid at the backend"));
        }
    }

    let dead: i64 = store
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE state IN ('dead', 'pending', 'inflight')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let third = rss.len() / 3;
    let (early, late) = (
        rss[..third].iter().max().copied().unwrap_or(0),
        rss[rss.len() - third..].iter().max().copied().unwrap_or(0),
    );
    println!(
        "chaos: {actions} accepted actions ({} tickets, {} check-ins, {} submissions, {} ratings, {} payments, {} orders at the backend), {kills} kills, {faults} faults, {} voided requests, lost {}, doubled {}, ghosts {}, dead or undelivered {dead}, peak RSS first third {early} KiB, last third {late} KiB, {:.0} s",
        of("ticket").count(),
        of("checkin").count(),
        of("submission").count(),
        of("rating").count(),
        of("payment").count(),
        orders.len(),
        voided.len(),
        lost.len(),
        doubled.len(),
        ghosts.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(doubled.is_empty(), "doubled: {doubled:?}");
    assert!(ghosts.is_empty(), "ghost numbers: {ghosts:?}");
    assert!(payment_errors.is_empty(), "payments: {payment_errors:?}");
    assert!(
        unvoided.is_empty(),
        "voided here, not at the backend: {unvoided:?}"
    );
    assert_eq!(dead, 0, "dead letters or undelivered entries left");
    assert!(
        actions >= 2 * kills as usize,
        "only {actions} actions in {kills} lives: the run proves little"
    );
    // Memory does not grow with the run (the store grows; the process must not).
    assert!(
        late <= early + early / 2 + 4096,
        "RSS grew from {early} KiB to {late} KiB"
    );
}
