//! hall-sim answers as docs/hall-api.yaml says, where schemathesis (scripts/schemathesis)
//! cannot look or should not be the only one to: every refusal is the error object, the
//! gate comes before the body, times are RFC 3339, 429 and 503 say Retry-After, and every
//! body the kiosk writes is one hall-sim's schemas take.

use std::time::Duration;

use hall_link::api;
use hall_link::client::{Client, ClientError};
use hall_link::sim::{schema, Fault, HallSim, SimOptions};
use hall_link::LinkSettings;
use serde_json::{json, Value};

const TOKEN: &str = "demo-token";

async fn sim() -> HallSim {
    HallSim::spawn(SimOptions::default()).await.unwrap()
}

/// A request to hall-sim; `headers` replace the usual ones of the same name ("-" drops one).
struct Call<'a> {
    method: &'a str,
    path: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: Option<&'a [u8]>,
}

fn post<'a>(path: &'a str, body: &'a str) -> Call<'a> {
    Call {
        method: "POST",
        path,
        headers: vec![],
        body: Some(body.as_bytes()),
    }
}

impl<'a> Call<'a> {
    fn with(mut self, name: &'a str, value: &'a str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Sends it with the usual headers (token, kiosk id, a fresh key, JSON), but those
    /// `with` replaced or dropped.
    async fn send(&self, sim: &HallSim) -> (u16, reqwest::header::HeaderMap, Value) {
        let url = format!("http://{}{}", sim.addr(), self.path);
        let key = uuid::Uuid::new_v4().to_string();
        let auth = format!("Bearer {TOKEN}");
        let mut headers = vec![
            ("authorization", auth.as_str()),
            ("x-kiosk-id", "HZ-ZW-01"),
            ("idempotency-key", key.as_str()),
            ("content-type", "application/json"),
        ];
        for (name, value) in &self.headers {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            if *value != "-" {
                headers.push((name, value));
            }
        }
        let mut req = reqwest::Client::new().request(self.method.parse().unwrap(), url);
        for (name, value) in headers {
            req = req.header(name, value);
        }
        if let Some(body) = self.body {
            req = req.body(body.to_vec());
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        (status, headers, body)
    }
}

/// The answer is `status` with interface v1's error object, code `code`.
fn refused(answer: &(u16, reqwest::header::HeaderMap, Value), status: u16, code: &str, what: &str) {
    let (got, headers, body) = answer;
    assert_eq!(*got, status, "{what}: {body}");
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "{what}: the error object is JSON"
    );
    let object = body.as_object().expect("an object");
    assert_eq!(object.len(), 2, "{what}: error and message only: {body}");
    assert_eq!(body["error"], code, "{what}: {body}");
    assert!(body["message"].is_string(), "{what}: {body}");
}

const TICKET: &str =
    r#"{"category": "A", "source": "walk_in", "priority": null, "applicant": null}"#;

#[tokio::test]
async fn every_refusal_is_the_error_object() {
    let sim = sim().await;
    let unknown = Call {
        method: "GET",
        path: "/kiosk/v1/tickets/nope",
        headers: vec![],
        body: None,
    };
    refused(&unknown.send(&sim).await, 404, "not_found", "unknown path");
    let root = Call {
        method: "GET",
        path: "/",
        headers: vec![],
        body: None,
    };
    refused(
        &root.send(&sim).await,
        404,
        "not_found",
        "outside /kiosk/v1",
    );

    // 405 comes before the gate (no token here), with Allow.
    let delete = Call {
        method: "DELETE",
        path: "/kiosk/v1/tickets",
        headers: vec![("authorization", "-")],
        body: None,
    };
    let answer = delete.send(&sim).await;
    refused(&answer, 405, "method_not_allowed", "DELETE /tickets");
    assert_eq!(answer.1["allow"], "POST");
    let put = Call {
        method: "POST",
        path: "/kiosk/v1/catalog",
        headers: vec![],
        body: None,
    };
    let answer = put.send(&sim).await;
    refused(&answer, 405, "method_not_allowed", "POST /catalog");
    assert_eq!(answer.1["allow"], "GET,HEAD");

    let submission = |delivery: Value| {
        json!({
            "item_code": "620000-020-GG-01",
            "applicant": {"name": "李秀英", "id_number": "110101195003071542", "phone": ""},
            "form": {}, "materials": [], "commitment_accepted": false, "delivery": delivery,
        })
        .to_string()
    };
    let mail_without_address = submission(json!({"method": "mail"}));
    let pickup_with_address = submission(json!({"method": "pickup", "address": "合作市"}));
    let null_address = submission(json!({"method": "mail", "address": null}));
    let cases = [
        (
            post("/kiosk/v1/tickets", TICKET).with("authorization", "-"),
            401,
            "unauthorized",
            "no token",
        ),
        (
            post("/kiosk/v1/tickets", "{").with("authorization", "Bearer wrong"),
            401,
            "unauthorized",
            "wrong token and a bad body",
        ),
        (
            post("/kiosk/v1/tickets", "{").with("authorization", "Basic ZGVtbw=="),
            401,
            "unauthorized",
            "another scheme",
        ),
        (
            post("/kiosk/v1/heartbeat", "[").with("authorization", "Bearer wrong"),
            401,
            "unauthorized",
            "wrong token, heartbeat",
        ),
        (
            post("/kiosk/v1/tickets", "{").with("x-kiosk-id", "-"),
            400,
            "missing_kiosk_id",
            "no kiosk id and a bad body",
        ),
        (
            post("/kiosk/v1/tickets", TICKET).with("x-kiosk-id", ""),
            400,
            "missing_kiosk_id",
            "an empty kiosk id",
        ),
        (
            post("/kiosk/v1/tickets", "{").with("idempotency-key", "-"),
            400,
            "missing_idempotency_key",
            "no key and a bad body",
        ),
        (
            post("/kiosk/v1/tickets", TICKET).with("idempotency-key", "not-a-uuid"),
            400,
            "invalid_idempotency_key",
            "a key that is not a UUID",
        ),
        (
            post("/kiosk/v1/tickets", TICKET)
                .with("idempotency-key", "5f0c2a3e8d414b6a9a572f3e1c0b7d11"),
            400,
            "invalid_idempotency_key",
            "a UUID without hyphens",
        ),
        (
            post("/kiosk/v1/tickets", TICKET).with("content-type", "-"),
            415,
            "unsupported_media_type",
            "no content type",
        ),
        (
            post("/kiosk/v1/tickets", TICKET).with("content-type", "text/plain"),
            415,
            "unsupported_media_type",
            "text/plain",
        ),
        (
            post("/kiosk/v1/tickets", r#"{"category": "A""#),
            400,
            "malformed_json",
            "truncated JSON",
        ),
        (
            post("/kiosk/v1/tickets", ""),
            400,
            "malformed_json",
            "an empty body",
        ),
        (
            post("/kiosk/v1/tickets", "[]"),
            422,
            "invalid_body",
            "an array",
        ),
        (
            post("/kiosk/v1/tickets", r#"{"source": "walk_in"}"#),
            422,
            "invalid_body",
            "no category",
        ),
        (
            post(
                "/kiosk/v1/tickets",
                r#"{"category": "", "source": "walk_in"}"#,
            ),
            422,
            "invalid_body",
            "an empty category",
        ),
        (
            post(
                "/kiosk/v1/tickets",
                r#"{"category": "A", "source": "drone"}"#,
            ),
            422,
            "invalid_body",
            "a source outside the enum",
        ),
        (
            post(
                "/kiosk/v1/tickets",
                r#"{"category": "Z", "source": "walk_in"}"#,
            ),
            422,
            "unknown_category",
            "a category the catalog lacks",
        ),
        (
            post("/kiosk/v1/heartbeat", r#"{"kiosk_id": "HZ-ZW-01"}"#),
            422,
            "invalid_body",
            "a heartbeat without its fields",
        ),
        (
            post("/kiosk/v1/ticket-blocks", r#"{"category": "A", "size": 0}"#),
            422,
            "invalid_body",
            "a block of 0",
        ),
        (
            post("/kiosk/v1/tickets/void", r#"{"idempotency_key": "A023"}"#),
            422,
            "invalid_body",
            "voiding a key that is not a UUID",
        ),
        (
            post(
                "/kiosk/v1/appointments/check-in",
                r#"{"code": "AP0001", "id_number": "440306199008152330"}"#,
            ),
            422,
            "invalid_body",
            "both alternatives of a oneOf",
        ),
        (
            post(
                "/kiosk/v1/appointments/check-in",
                r#"{"code": "AP0001", "note": 1}"#,
            ),
            422,
            "invalid_body",
            "a oneOf alternative with more",
        ),
        (
            post(
                "/kiosk/v1/ratings",
                r#"{"ref": {"ticket_no": "A001"}, "level": 6, "reasons": [], "comment": ""}"#,
            ),
            422,
            "invalid_body",
            "level 6",
        ),
        (
            post(
                "/kiosk/v1/ratings",
                r#"{"ref": {"ticket_no": "A001", "receipt_no": "SB1"}, "level": 5, "reasons": [], "comment": ""}"#,
            ),
            422,
            "invalid_body",
            "a ref with both numbers",
        ),
        (
            post(
                "/kiosk/v1/complaints",
                r#"{"kind": "complaint", "text": "", "phone": null, "ref": null}"#,
            ),
            422,
            "invalid_body",
            "an empty complaint",
        ),
        (
            post("/kiosk/v1/progress", r#"{"key": "LS-1234"}"#),
            422,
            "invalid_body",
            "progress by a key that is not a UUID",
        ),
        (
            post("/kiosk/v1/submissions", &mail_without_address),
            422,
            "invalid_body",
            "mail without an address",
        ),
        (
            post("/kiosk/v1/submissions", &pickup_with_address),
            422,
            "invalid_body",
            "pickup with an address",
        ),
        (
            post("/kiosk/v1/submissions", &null_address),
            422,
            "invalid_body",
            "a null address",
        ),
        (
            post("/kiosk/v1/services/recent", r#"{"id_number": ""}"#),
            422,
            "invalid_body",
            "recent services of nobody",
        ),
        (
            post("/kiosk/v1/help-requests/H1/close", "[]"),
            422,
            "invalid_body",
            "closing with an array",
        ),
    ];
    for (call, status, code, what) in &cases {
        refused(&call.send(&sim).await, *status, code, what);
    }

    let big = format!(
        r#"{{"screen": "home", "reason": "{}"}}"#,
        "x".repeat(1024 * 1024)
    );
    refused(
        &post("/kiosk/v1/help-requests", &big).send(&sim).await,
        413,
        "body_too_large",
        "a body over 1 MiB",
    );
    // Nothing refused reached the backend's records.
    assert!(sim.tickets().is_empty());
    assert!(sim.heartbeats().is_empty());
    assert!(sim.help_requests().is_empty());
}

#[tokio::test]
async fn what_the_document_allows_is_taken() {
    let sim = sim().await;
    let cases = [
        (
            post("/kiosk/v1/tickets", TICKET).with("authorization", "bearer demo-token"),
            201,
            "the scheme in lower case",
        ),
        (
            post(
                "/kiosk/v1/tickets",
                r#"{"category": "B", "source": "walk_in"}"#,
            ),
            201,
            "nullable fields left out",
        ),
        (
            post(
                "/kiosk/v1/tickets",
                r#"{"category": "C", "source": "walk_in", "kiosk_mood": "fine"}"#,
            ),
            201,
            "a property the schema does not list",
        ),
        (
            post("/kiosk/v1/tickets", TICKET)
                .with("idempotency-key", "5F0C2A3E-8D41-4B6A-9A57-2F3E1C0B7D11"),
            201,
            "a key in upper case",
        ),
        (
            post("/kiosk/v1/help-requests/H1/close", r#"{}"#),
            200,
            "closing an unknown call",
        ),
        (
            post(
                "/kiosk/v1/ratings",
                r#"{"ref": {"receipt_no": "SB1"}, "level": 1, "reasons": ["other"], "comment": ""}"#,
            ),
            201,
            "an empty comment",
        ),
    ];
    for (call, status, what) in &cases {
        let (got, _, body) = call.send(&sim).await;
        assert_eq!(got, *status, "{what}: {body}");
    }
}

#[tokio::test]
async fn times_must_be_rfc_3339_with_an_offset() {
    let sim = sim().await;
    let report = |at: &str| {
        json!({
            "block_id": "BLK0001", "ticket_no": "A9001", "category": "A", "source": "walk_in",
            "priority": null, "applicant": null, "issued_at": at,
        })
        .to_string()
    };
    let action =
        |at: &str| json!({"at": at, "staff": "pin", "action": "paper-replaced"}).to_string();
    let bad = [
        "2026-11-24 09:41:00+08:00",
        "2026-11-24X09:41:00+08:00",
        "2026-11-24T09:41:00",
        "2026-11-24T09:41+08:00",
        "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-11-24T24:00:00Z",
        "2026-11-24",
        "1732412460",
        "yesterday",
        "",
    ];
    for at in bad {
        for (path, body) in [
            ("/kiosk/v1/tickets/offline", report(at)),
            ("/kiosk/v1/staff-actions", action(at)),
        ] {
            let answer = post(path, &body).send(&sim).await;
            refused(&answer, 422, "invalid_body", &format!("{path} at {at:?}"));
            assert!(
                answer.2["message"].as_str().unwrap().contains("RFC 3339"),
                "{path} at {at:?}: {}",
                answer.2
            );
        }
    }
    let good = [
        "2026-11-24T09:41:00+08:00",
        "2026-11-24T01:41:00Z",
        "2026-11-24t01:41:00z",
        "2026-11-24T09:41:00.123456+08:00",
        "2026-11-24T09:41:00-05:30",
    ];
    for at in good {
        for (path, body) in [
            ("/kiosk/v1/tickets/offline", report(at)),
            ("/kiosk/v1/staff-actions", action(at)),
        ] {
            let (status, _, answer) = post(path, &body).send(&sim).await;
            assert_eq!(status, 201, "{path} at {at:?}: {answer}");
        }
    }
    assert_eq!(sim.offline_reports().len(), good.len());
    assert_eq!(sim.staff_actions().len(), good.len());
}

#[tokio::test]
async fn faults_of_429_and_503_say_when_to_come_back() {
    let sim = sim().await;
    for (fault, status, code) in [
        (Fault::Unavailable { times: 1 }, 503, "unavailable"),
        (Fault::RateLimited { times: 1 }, 429, "rate_limited"),
    ] {
        sim.set_fault(fault);
        let answer = post("/kiosk/v1/tickets", TICKET).send(&sim).await;
        refused(&answer, status, code, code);
        assert_eq!(
            answer.1["retry-after"], "1",
            "{code}: Retry-After in delta-seconds"
        );
        // The fault was for one request.
        assert_eq!(post("/kiosk/v1/tickets", TICKET).send(&sim).await.0, 201);
    }

    // The kiosk's client reads both as "later, after 1 s".
    let dir = tempfile::tempdir().unwrap();
    let settings = LinkSettings::new("HZ-ZW-01", &sim.url(), TOKEN, dir.path().to_path_buf());
    let client = Client::new(&settings).unwrap();
    for (fault, status) in [
        (Fault::Unavailable { times: 1 }, 503),
        (Fault::RateLimited { times: 1 }, 429),
    ] {
        sim.set_fault(fault);
        match client.get("/queue", None).await {
            Err(ClientError::Unavailable {
                status: s,
                retry_after,
                ..
            }) => {
                assert_eq!(s, status);
                assert_eq!(retry_after, Some(Duration::from_secs(1)));
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}

/// Reads `body` with hall-sim's schema `T`.
fn takes<T: serde::de::DeserializeOwned>(what: &str, body: impl serde::Serialize) {
    let json = serde_json::to_value(body).unwrap();
    if let Err(e) = serde_json::from_value::<T>(json.clone()) {
        panic!("hall-sim refuses the kiosk's {what} {json}: {e}");
    }
}

#[test]
fn every_body_the_kiosk_writes_is_one_hall_sim_takes() {
    use api::*;

    let applicant = Applicant {
        name: "李秀英".into(),
        id_number: "110101195003071542".into(),
    };
    for (priority, applicant) in [
        (None, None),
        (Some(Priority::Elderly), Some(applicant.clone())),
    ] {
        takes::<schema::TicketRequest>(
            "ticket",
            TicketRequest {
                category: "A".into(),
                source: Source::IdCard,
                priority,
                applicant: applicant.clone(),
            },
        );
        takes::<schema::OfflineTicketReport>(
            "offline ticket",
            OfflineTicketReport {
                block_id: "BLK0001".into(),
                ticket_no: "A9001".into(),
                category: "A".into(),
                source: Source::WalkIn,
                priority,
                applicant,
                issued_at: "2026-11-24T09:41:00+08:00".into(),
            },
        );
    }
    takes::<schema::CheckInRequest>(
        "check-in",
        CheckInRequest::Code {
            code: "AP0001".into(),
        },
    );
    takes::<schema::CheckInRequest>(
        "check-in",
        CheckInRequest::IdNumber {
            id_number: "440306199008152330".into(),
        },
    );
    takes::<schema::TicketBlockRequest>(
        "block request",
        TicketBlockRequest {
            category: "A".into(),
            size: 20,
        },
    );
    takes::<schema::VoidRequest>(
        "void",
        json!({"idempotency_key": uuid::Uuid::new_v4().to_string()}),
    );
    takes::<schema::Heartbeat>(
        "heartbeat",
        Heartbeat {
            kiosk_id: "HZ-ZW-01".into(),
            version: "1.0.0".into(),
            uptime_s: 60,
            devices: json!({"printer": "ready", "out_of_service": false, "alerts": []}),
            outbox: OutboxFigures {
                pending: 3,
                dead: 0,
            },
        },
    );
    takes::<schema::StaffAction>(
        "staff action",
        StaffAction {
            at: time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap(),
            staff: "pin".into(),
            action: "paper-replaced".into(),
        },
    );
    takes::<schema::HelpRequest>(
        "help call",
        HelpRequest {
            screen: "ticket-categories".into(),
            reason: "citizen pressed help".into(),
        },
    );
    takes::<schema::CloseRequest>("help call's end", json!({}));
    for reference in [
        ServiceRef::Ticket {
            ticket_no: "A023".into(),
        },
        ServiceRef::Receipt {
            receipt_no: "SB20261124-0007".into(),
        },
    ] {
        takes::<schema::RatingRequest>(
            "rating",
            RatingRequest {
                reference: reference.clone(),
                level: 2,
                reasons: vec!["waited_too_long".into(), "other".into()],
                comment: "等".repeat(500),
            },
        );
        for (phone, reference) in [(None, None), (Some("13912345678".into()), Some(reference))] {
            takes::<schema::ComplaintRequest>(
                "complaint",
                ComplaintRequest {
                    kind: "not_done".into(),
                    text: "窗口工作人员让我第二次来补材料".into(),
                    phone,
                    reference,
                },
            );
        }
    }
    for (method, address, phone) in [
        (DeliveryMethod::Pickup, None, ""),
        (
            DeliveryMethod::Mail,
            Some("甘肃省合作市".to_string()),
            "13912345678",
        ),
    ] {
        let mut form = serde_json::Map::new();
        form.insert("grade".into(), json!("500"));
        takes::<schema::SubmissionRequest>(
            "submission",
            SubmissionRequest {
                item_code: "620000-020-GG-01".into(),
                applicant: SubmissionApplicant {
                    name: "李秀英".into(),
                    id_number: "110101195003071542".into(),
                    phone: phone.into(),
                },
                form,
                materials: vec![SubmittedMaterial {
                    name: "居民身份证".into(),
                    status: MaterialStatus::Commitment,
                }],
                commitment_accepted: true,
                delivery: Delivery { method, address },
            },
        );
    }
    for query in [
        ProgressQuery::Receipt {
            receipt_no: "SB20261124-0007".into(),
        },
        ProgressQuery::Key {
            key: uuid::Uuid::new_v4().to_string(),
        },
        ProgressQuery::IdNumber {
            id_number: "110101195003071542".into(),
        },
    ] {
        takes::<schema::ProgressQuery>("progress query", query);
    }
    takes::<schema::RecentServicesQuery>(
        "recent services query",
        json!({"id_number": "110101195003071542"}),
    );
    for phone in [None, Some("13912345678".to_string())] {
        takes::<schema::AppointmentRequest>(
            "booking",
            AppointmentRequest {
                item_code: "620000-040-QT-01".into(),
                slot_id: "20261207-0900".into(),
                applicant: BookingApplicant {
                    name: "李秀英".into(),
                    id_number: "110101195003071542".into(),
                    phone,
                },
            },
        );
    }
    for (reference, method, paycode) in [
        (
            PaymentRef::ReceiptNo("SB20261124-0007".into()),
            PayMethod::Qr,
            None,
        ),
        (
            PaymentRef::AppointmentNo("YY20261207-0001".into()),
            PayMethod::Paycode,
            Some("134567890123456781".to_string()),
        ),
        (
            PaymentRef::ItemCode("620000-040-QT-01".into()),
            PayMethod::Paycode,
            Some("2812345678901234".to_string()),
        ),
    ] {
        takes::<schema::PaymentRequest>(
            "payment",
            PaymentRequest {
                reference,
                amount_fen: 8000,
                items: vec![PaymentItem {
                    name: "不动产登记费（住宅）".into(),
                    amount_fen: 8000,
                }],
                method,
                paycode,
            },
        );
    }
    takes::<schema::CancelRequest>("cancel", json!({}));
}
