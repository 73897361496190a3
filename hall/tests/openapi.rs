//! docs/hall-api.yaml stays true to the code, cheaply (no server is started):
//! - the (method, path) pairs it documents are exactly the routes hall-sim serves (read from
//!   hall/src/sim.rs's router and its `apply` match), and every path the kiosk calls is one;
//! - every status code hall-sim can answer on a route is documented there, and every success
//!   code documented is one hall-sim answers;
//! - the headers of interface v1 are on every operation (Idempotency-Key on every POST but
//!   /heartbeat);
//! - every `$ref` resolves;
//! - for the request bodies the kiosk sends (and a few answers), `required` lists exactly the
//!   fields that are never null and `properties` exactly the fields serde writes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use yaml_rust2::{Yaml, YamlLoader};

type Route = (String, String);

fn doc() -> Yaml {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/hall-api.yaml"
    ))
    .expect("docs/hall-api.yaml");
    YamlLoader::load_from_str(&text)
        .expect("valid YAML")
        .remove(0)
}

fn source(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect("source")
}

/// "/help-requests/{request_no}" and "/help-requests/{no}" are the same route.
fn normalize(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// (method, path) -> the operation.
fn operations(d: &Yaml) -> BTreeMap<Route, Yaml> {
    let mut ops = BTreeMap::new();
    for (path, item) in d["paths"].as_hash().expect("paths") {
        for (method, op) in item.as_hash().expect("operations") {
            ops.insert(
                (
                    method.as_str().unwrap().to_uppercase(),
                    normalize(path.as_str().unwrap()),
                ),
                op.clone(),
            );
        }
    }
    ops
}

fn documented() -> BTreeSet<Route> {
    operations(&doc()).into_keys().collect()
}

// ---- what hall-sim serves, read from its source --------------------------------------------

/// The text of `fn name(` or `fn name<` (at any indentation: a method of an impl too) up to its closing
/// brace, the first line after it that is `}` at the same indentation.
fn fn_body<'a>(src: &'a str, name: &str) -> &'a str {
    let at = [format!("fn {name}("), format!("fn {name}<")]
        .iter()
        .filter_map(|head| src.find(head))
        .min()
        .unwrap_or_else(|| panic!("no fn {name}"));
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = src[line_start..]
        .chars()
        .take_while(|c| *c == ' ')
        .collect();
    let close = format!("\n{indent}}}\n");
    let rest = &src[line_start..];
    let end = rest
        .find(&close)
        .unwrap_or_else(|| panic!("fn {name} has no closing brace"));
    &rest[..end + close.len()]
}

fn code_of(name: &str) -> u16 {
    match name {
        "OK" => 200,
        "CREATED" => 201,
        "NO_CONTENT" => 204,
        "NOT_MODIFIED" => 304,
        "BAD_REQUEST" => 400,
        "UNAUTHORIZED" => 401,
        "FORBIDDEN" => 403,
        "NOT_FOUND" => 404,
        "METHOD_NOT_ALLOWED" => 405,
        "CONFLICT" => 409,
        "PAYLOAD_TOO_LARGE" => 413,
        "UNSUPPORTED_MEDIA_TYPE" => 415,
        "UNPROCESSABLE_ENTITY" => 422,
        "TOO_MANY_REQUESTS" => 429,
        "INTERNAL_SERVER_ERROR" => 500,
        "SERVICE_UNAVAILABLE" => 503,
        other => panic!("StatusCode::{other}: add it to this test's table"),
    }
}

/// `StatusCode::NAME`s a function answers with (a fallback `unwrap_or(StatusCode::OK)` of
/// a stored status is not one).
fn named_codes(body: &str) -> BTreeSet<u16> {
    let mut codes = BTreeSet::new();
    for (i, _) in body.match_indices("StatusCode::") {
        if body[..i].ends_with("unwrap_or(") {
            continue;
        }
        let name: String = body[i + "StatusCode::".len()..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || *c == '_')
            .collect();
        if !name.is_empty() {
            codes.insert(code_of(&name));
        }
    }
    codes
}

/// The statuses of `(201, answer)` tuples in an arm of `apply`.
fn tuple_codes(arm: &str) -> BTreeSet<u16> {
    let s: String = arm.chars().filter(|c| !c.is_whitespace()).collect();
    let b = s.as_bytes();
    let mut codes = BTreeSet::new();
    for i in 0..b.len().saturating_sub(4) {
        if b[i] == b'(' && b[i + 1..i + 4].iter().all(u8::is_ascii_digit) && b[i + 4] == b',' {
            codes.insert(s[i + 1..i + 4].parse().unwrap());
        }
    }
    codes
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)?;
    Some(&s[start..start + end])
}

/// The arms of `apply`, by route (its path after /kiosk/v1/, e.g. "help-requests/{no}/close"),
/// each with the statuses it answers.
fn apply_actions(sim: &str) -> BTreeMap<String, BTreeSet<u16>> {
    let mut actions: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in fn_body(sim, "apply").lines() {
        let t = line.trim();
        if t.starts_with('"') && t.contains("\" =>") {
            current = Some(between(t, "\"", "\"").unwrap().to_string());
        } else if t.starts_with("_ =>") {
            current = None; // a route without an arm: 404 not_found
        }
        if let Some(route) = &current {
            let text = actions.entry(route.clone()).or_default();
            text.push_str(line);
            text.push('\n');
        }
    }
    actions
        .into_iter()
        .map(|(route, arm)| (route, tuple_codes(&arm)))
        .collect()
}

/// What axum's `Json` extractor refuses a body with, mapped to interface v1's error object
/// by `Body` (hall/src/sim/refusal.rs): malformed JSON, body over the limit, no JSON
/// content type, JSON of the wrong shape. These are `JsonRejection::status()`, named
/// nowhere in hall-sim's source.
const BODY_REFUSALS: [u16; 4] = [400, 413, 415, 422];

/// Every route hall-sim serves, with the statuses it can answer there.
fn served() -> BTreeMap<Route, BTreeSet<u16>> {
    let sim = source("src/sim.rs");
    let refusal = source("src/sim/refusal.rs");
    // The gate runs on every route (a route layer), before the handler.
    let mut gate = named_codes(fn_body(&sim, "gate"));
    gate.extend(named_codes(fn_body(&refusal, "authorize")));
    let key = named_codes(fn_body(&refusal, "from_request_parts"));
    let arms = apply_actions(&sim);
    // Routes as written in the router, whatever rustfmt made of the lines.
    let flat: String = sim.chars().filter(|c| !c.is_whitespace()).collect();
    let mut routes = BTreeMap::new();
    for piece in flat.split(".route(\"/kiosk/v1").skip(1) {
        let path = piece.split('"').next().unwrap();
        let call = piece[path.len() + 1..].trim_start_matches(',');
        let method = call.split('(').next().unwrap().to_uppercase();
        assert!(
            method == "GET" || method == "POST",
            "sim.rs route {path}: only get(..) and post(..) are read by this test"
        );
        let handler = call[method.len() + 1..]
            .split(['(', ')', ':'])
            .next()
            .unwrap();
        let body = fn_body(&sim, handler);
        let mut codes = named_codes(body);
        codes.extend(&gate);
        if body.contains("Body<") {
            codes.extend(BODY_REFUSALS);
        }
        if body.contains("PathRejection") {
            codes.insert(400);
        }
        if handler == "action" {
            codes.extend(&key);
            let route = path.trim_start_matches('/');
            let arm = arms
                .get(route)
                .unwrap_or_else(|| panic!("sim.rs routes {path} to `action`, `apply` has no arm"));
            codes.extend(arm);
        }
        routes.insert((method, normalize(path)), codes);
    }
    for route in arms.keys() {
        assert!(
            routes.contains_key(&("POST".to_string(), normalize(&format!("/{route}")))),
            "`apply` has an arm for {route}, no route leads there"
        );
    }
    assert!(routes.len() > 10, "routes read from sim.rs: {routes:?}");
    routes
}

// ---- the tests ------------------------------------------------------------------------------

#[test]
fn documented_paths_are_the_routes_hall_sim_serves() {
    let doc = documented();
    let sim: BTreeSet<Route> = served().into_keys().collect();
    assert_eq!(
        doc,
        sim,
        "only in the document: {:?}; only in hall-sim: {:?}",
        doc.difference(&sim).collect::<Vec<_>>(),
        sim.difference(&doc).collect::<Vec<_>>()
    );
}

#[test]
fn every_path_the_client_calls_is_documented() {
    let paths: BTreeSet<String> = documented().into_iter().map(|(_, p)| p).collect();
    let mut called = Vec::new();
    // The link: every "/lowercase..." literal is a path of interface v1.
    for file in ["src/link.rs", "src/store.rs"] {
        for piece in source(file).split("\"/").skip(1) {
            let literal = piece.split('"').next().unwrap();
            if literal
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase())
            {
                called.push((file, format!("/{literal}")));
            }
        }
    }
    // The app: the path argument of each post_or_queue(kind, path, body), in any file of
    // the root crate's src/.
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../src"),
        &mut files,
    );
    let mut app_calls = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source");
        for call in text.split("post_or_queue(").skip(1) {
            let Some(at) = call.find("\"/").filter(|at| *at < 200) else {
                continue; // a definition or a mention in a comment
            };
            let literal = call[at + 2..].split('"').next().unwrap();
            let name: &'static str = Box::leak(file.display().to_string().into_boxed_str());
            called.push((name, format!("/{literal}")));
            app_calls += 1;
        }
    }
    assert!(app_calls >= 5, "the app's calls were found ({app_calls})");
    assert!(called.len() > 10);
    for (file, path) in called {
        assert!(
            paths.contains(&normalize(&path)),
            "{file} calls {path}, not in docs/hall-api.yaml"
        );
    }
}

#[test]
fn status_codes_are_the_ones_hall_sim_answers() {
    let ops = operations(&doc());
    for (route, sim_codes) in served() {
        let op = ops
            .get(&route)
            .unwrap_or_else(|| panic!("{route:?} is not documented"));
        let doc_codes: BTreeSet<u16> = op["responses"]
            .as_hash()
            .expect("responses")
            .keys()
            .filter_map(|k| k.as_str()?.parse().ok())
            .collect();
        let missing: Vec<_> = sim_codes.difference(&doc_codes).collect();
        assert!(
            missing.is_empty(),
            "{route:?}: hall-sim answers {missing:?}, not documented"
        );
        // Implicit 200: a handler answering `Json(..)` names no status.
        let implicit = if route.0 == "GET" { Some(200) } else { None };
        for code in doc_codes.iter().filter(|c| (200..300).contains(*c)) {
            assert!(
                sim_codes.contains(code) || implicit == Some(*code),
                "{route:?}: documents {code}, hall-sim answers {sim_codes:?}"
            );
        }
    }
}

fn param_refs(op: &Yaml) -> BTreeSet<String> {
    op["parameters"]
        .as_vec()
        .map(|v| {
            v.iter()
                .filter_map(|p| p["$ref"].as_str())
                .map(|r| r.rsplit('/').next().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_operation_carries_the_headers_of_interface_v1() {
    let d = doc();
    assert_eq!(
        d["components"]["securitySchemes"]["bearer"]["scheme"].as_str(),
        Some("bearer")
    );
    assert!(!d["security"].as_vec().expect("global security").is_empty());
    assert_eq!(
        d["components"]["parameters"]["KioskId"]["name"].as_str(),
        Some("X-Kiosk-Id")
    );
    assert_eq!(
        d["components"]["parameters"]["IdempotencyKey"]["name"].as_str(),
        Some("Idempotency-Key")
    );
    for ((method, path), op) in operations(&d) {
        let params = param_refs(&op);
        assert!(params.contains("KioskId"), "{method} {path}: X-Kiosk-Id");
        let keyed = method == "POST" && path != "/heartbeat";
        assert_eq!(
            params.contains("IdempotencyKey"),
            keyed,
            "{method} {path}: Idempotency-Key on every POST but /heartbeat"
        );
        if path == "/catalog" {
            assert!(params.contains("IfNoneMatch"), "/catalog: If-None-Match");
        }
    }
}

fn refs(y: &Yaml, out: &mut Vec<String>) {
    match y {
        Yaml::Hash(h) => {
            for (k, v) in h {
                if k.as_str() == Some("$ref") {
                    out.push(v.as_str().unwrap().to_string());
                }
                refs(v, out);
            }
        }
        Yaml::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let d = doc();
    let mut all = Vec::new();
    refs(&d, &mut all);
    assert!(all.len() > 30);
    for r in all {
        assert!(r.starts_with("#/components/"), "{r}: a local component");
        let mut node = &d;
        for part in r.trim_start_matches("#/").split('/') {
            node = &node[part];
        }
        assert!(!node.is_badvalue(), "{r} does not resolve");
    }
}

// ---- bodies ---------------------------------------------------------------------------------

fn names(schema: &str, list: &str) -> BTreeSet<String> {
    let d = doc();
    let s = &d["components"]["schemas"][schema];
    assert!(!s.is_badvalue(), "no schema {schema}");
    match list {
        "required" => s["required"]
            .as_vec()
            .map(|v| v.iter().map(|n| n.as_str().unwrap().to_string()).collect())
            .unwrap_or_default(),
        _ => s["properties"]
            .as_hash()
            .unwrap_or_else(|| panic!("{schema} lists properties"))
            .keys()
            .map(|k| k.as_str().unwrap().to_string())
            .collect(),
    }
}

/// `bare`: every Option None; `full`: every Option Some. `required` must be the fields that
/// are never null (the non-Option ones), `properties` every field serde can write.
fn same_fields(schema: &str, bare: impl serde::Serialize, full: impl serde::Serialize) {
    let bare = serde_json::to_value(bare).unwrap();
    let full = serde_json::to_value(full).unwrap();
    let never_null: BTreeSet<String> = bare
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k.clone())
        .collect();
    let written: BTreeSet<String> = full.as_object().unwrap().keys().cloned().collect();
    assert_eq!(names(schema, "required"), never_null, "{schema}: required");
    assert_eq!(names(schema, "properties"), written, "{schema}: properties");
}

#[test]
fn required_fields_are_the_fields_the_code_always_sends() {
    use hall_link::api::*;

    let applicant = Applicant {
        name: "李秀英".into(),
        id_number: "110***********1542".into(),
    };
    same_fields("Applicant", &applicant, &applicant);

    let ticket = |priority, applicant| TicketRequest {
        category: "A".into(),
        source: Source::IdCard,
        priority,
        applicant,
    };
    same_fields(
        "TicketRequest",
        ticket(None, None),
        ticket(Some(Priority::Elderly), Some(applicant.clone())),
    );

    let offline = |priority, applicant| OfflineTicketReport {
        block_id: "BLK0001".into(),
        ticket_no: "A9001".into(),
        category: "A".into(),
        source: Source::WalkIn,
        priority,
        applicant,
        issued_at: "2026-11-24T09:41:00+08:00".into(),
    };
    same_fields(
        "OfflineTicketReport",
        offline(None, None),
        offline(Some(Priority::Other), Some(applicant.clone())),
    );

    let block = TicketBlockRequest {
        category: "A".into(),
        size: 20,
    };
    same_fields("TicketBlockRequest", &block, &block);

    let help = HelpRequest {
        screen: "ticket-categories".into(),
        reason: "citizen pressed help".into(),
    };
    same_fields("HelpRequest", &help, &help);

    let action = hall_link::api::StaffAction {
        at: "2026-11-24T10:02:11+08:00".into(),
        staff: "pin".into(),
        action: "paper-replaced".into(),
    };
    same_fields("StaffAction", &action, &action);

    let rating = RatingRequest {
        reference: ServiceRef::Ticket {
            ticket_no: "A023".into(),
        },
        level: 5,
        reasons: vec![],
        comment: String::new(),
    };
    same_fields("RatingRequest", &rating, &rating);

    let complaint = |phone, reference| ComplaintRequest {
        kind: "complaint".into(),
        text: "等候时间太长".into(),
        phone,
        reference,
    };
    same_fields(
        "ComplaintRequest",
        complaint(None, None),
        complaint(
            Some("139****5678".into()),
            Some(ServiceRef::Receipt {
                receipt_no: "SB20261124-0007".into(),
            }),
        ),
    );

    let delivery = |address| Delivery {
        method: DeliveryMethod::Mail,
        address,
    };
    same_fields("Delivery", delivery(None), delivery(Some("合作市".into())));
    let submission = |address| SubmissionRequest {
        item_code: "620000-020-GG-01".into(),
        applicant: SubmissionApplicant {
            name: "李秀英".into(),
            id_number: "110***********1542".into(),
            phone: "139****5678".into(),
        },
        form: Default::default(),
        materials: vec![SubmittedMaterial {
            name: "居民身份证".into(),
            status: MaterialStatus::Shared,
        }],
        commitment_accepted: false,
        delivery: delivery(address),
    };
    same_fields(
        "SubmissionRequest",
        submission(None),
        submission(Some("合作市".into())),
    );
    let s = submission(None);
    same_fields("SubmissionApplicant", &s.applicant, &s.applicant);
    same_fields("SubmittedMaterial", &s.materials[0], &s.materials[0]);

    let heartbeat = Heartbeat {
        kiosk_id: "HZ-ZW-01".into(),
        version: "1.0.0".into(),
        uptime_s: 60,
        devices: json!({}),
        outbox: OutboxFigures::default(),
    };
    same_fields("Heartbeat", &heartbeat, &heartbeat);
    same_fields(
        "OutboxFigures",
        OutboxFigures::default(),
        OutboxFigures::default(),
    );

    // Answers the kiosk reads with no defaults: every field is required.
    let t = Ticket {
        ticket_no: "A023".into(),
        category: "A".into(),
        waiting_ahead: 4,
        est_wait_min: 12,
        issued_at: "2026-11-24T09:41:00+08:00".into(),
        track_url: "https://hall.example.gov.cn/track/t/20261124/A023".into(),
    };
    same_fields("Ticket", &t, &t);
    let b = TicketBlock {
        block_id: "BLK0001".into(),
        category: "A".into(),
        numbers: vec!["A9001".into()],
        expires_at: "2026-11-25T09:41:00+08:00".into(),
    };
    same_fields("TicketBlock", &b, &b);
    let q = QueueStatus {
        updated_at: "2026-11-24T09:41:00+08:00".into(),
        categories: vec![QueueCategory {
            code: "A".into(),
            waiting: 5,
            est_wait_min: 15,
        }],
    };
    same_fields("QueueStatus", &q, &q);
    same_fields("QueueCategory", &q.categories[0], &q.categories[0]);
    let a = Appointment {
        item: "企业设立登记".into(),
        slot: "10:00-10:30".into(),
    };
    same_fields("Appointment", &a, &a);

    // Booking and payments (issue 22).
    let booking_applicant = |phone| BookingApplicant {
        name: "李秀英".into(),
        id_number: "110***********1542".into(),
        phone,
    };
    same_fields(
        "BookingApplicant",
        booking_applicant(None),
        booking_applicant(Some("139****5678".into())),
    );
    let booking = AppointmentRequest {
        item_code: "620000-040-QT-01".into(),
        slot_id: "20261207-0900".into(),
        applicant: booking_applicant(None),
    };
    same_fields("AppointmentRequest", &booking, &booking);
    let item = PaymentItem {
        name: "不动产登记费（住宅）".into(),
        amount_fen: 8000,
    };
    same_fields("PaymentItem", &item, &item);
    let payment = |paycode| PaymentRequest {
        reference: PaymentRef::ReceiptNo("SB20261124-0007".into()),
        amount_fen: 8000,
        items: vec![item.clone()],
        method: PayMethod::Paycode,
        paycode,
    };
    same_fields(
        "PaymentRequest",
        payment(None),
        payment(Some("2812345678901234".into())),
    );
    let slot = Slot {
        slot_id: "20261207-0900".into(),
        start: "2026-12-07T09:00:00+08:00".into(),
        end: "2026-12-07T09:30:00+08:00".into(),
        left: 2,
    };
    same_fields("Slot", &slot, &slot);
    let slots = Slots {
        item_code: "620000-040-QT-01".into(),
        date: "2026-12-07".into(),
        slots: vec![slot],
    };
    same_fields("Slots", &slots, &slots);
    let booked = Booked {
        appointment_no: "YY20261207-0001".into(),
        code: "BK0001".into(),
        item_code: "620000-040-QT-01".into(),
        start: "2026-12-07T09:00:00+08:00".into(),
        end: "2026-12-07T09:30:00+08:00".into(),
        windows: vec!["8".into()],
    };
    same_fields("Booked", &booked, &booked);
    let order = |qr_url| PaymentOrder {
        payment_no: "PAY20261207000001".into(),
        status: PaymentStatus::Pending,
        qr_url,
        expires_at: "2026-12-07T09:46:00+08:00".into(),
    };
    same_fields(
        "PaymentOrder",
        order(None),
        order(Some(
            "https://pay.example.gov.cn/q/PAY20261207000001".into(),
        )),
    );
    let state = |paid_at: Option<&str>, einvoice_url: Option<&str>| PaymentState {
        payment_no: "PAY20261207000001".into(),
        status: PaymentStatus::Paid,
        paid_at: paid_at.map(str::to_string),
        einvoice_url: einvoice_url.map(str::to_string),
    };
    same_fields(
        "PaymentState",
        state(None, None),
        state(
            Some("2026-12-07T09:42:13+08:00"),
            Some("https://einvoice.example.gov.cn/i/PAY20261207000001"),
        ),
    );
}

#[test]
fn id_numbers_in_examples_are_masked() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/hall-api.yaml"
    ))
    .unwrap();
    // 18 characters, the last possibly X: a full ID number has no '*'.
    for word in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '*') {
        let digits = word.len() == 18
            && word[..17].bytes().all(|b| b.is_ascii_digit())
            && (word.as_bytes()[17].is_ascii_digit() || word.ends_with('X'));
        assert!(
            !digits,
            "an unmasked ID number in docs/hall-api.yaml: {word}"
        );
    }
}
