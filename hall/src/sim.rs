//! hall-sim: the reference hall backend of interface v1, for the demo, the tests and
//! integration work. State lives in memory; faults can be injected at run time.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

mod refusal;
pub mod schema;

use refusal::{ApiError, Body, IdempotencyKey};
use schema as req;

/// Where interface v1 is served.
const PREFIX: &str = "/kiosk/v1/";

/// The sample catalog (a copy of ../shared/data/catalog.json).
pub const SAMPLE_CATALOG: &str = include_str!("../data/catalog.json");

/// Faults to inject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Every request waits this long before it is handled.
    Delay(Duration),
    /// The next `n` requests answer 503 `unavailable` with Retry-After: 1.
    Unavailable {
        times: u32,
    },
    /// The next `n` requests answer 429 `rate_limited` with Retry-After: 1.
    RateLimited {
        times: u32,
    },
    /// The next `n` POSTs are applied, then answered only after 30 s: the kiosk's read
    /// times out, as when a response is lost after commit.
    DropResponseAfterCommit {
        times: u32,
    },
    /// Every POST is applied and every answer, a replay of a stored one included, comes
    /// only after 30 s, until the fault is cleared: the backend did the work and the kiosk
    /// never hears of it, the case a void notice exists for.
    LoseAnswers,
    /// Every request answers 401.
    Unauthorized,
    /// Connections are accepted but nothing is answered (network black hole).
    Down,
}

#[derive(Debug, Clone)]
pub struct SimOptions {
    pub listen: SocketAddr,
    pub token: String,
    pub catalog: String,
    pub public_base: String,
    pub hall_id: String,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            listen: "127.0.0.1:0".parse().expect("valid address"),
            token: "demo-token".into(),
            catalog: SAMPLE_CATALOG.into(),
            public_base: "https://hall.example.gov.cn".into(),
            hall_id: "hezuo".into(),
        }
    }
}

#[derive(Debug, Clone)]
struct Appointment {
    code: String,
    id_number: String,
    item: String,
    slot: String,
    category: String,
    used: bool,
    /// Cancelled at the kiosk (or voided): it cannot be checked in.
    cancelled: bool,
}

/// An appointment booked through POST /appointments.
#[derive(Debug, Clone)]
struct Booking {
    appointment_no: String,
    code: String,
    key: String,
    item_code: String,
    slot_id: String,
    id_number: String,
}

/// A payment order made through POST /payments.
#[derive(Debug, Clone)]
struct Order {
    payment_no: String,
    key: String,
    status: &'static str,
    polls: u32,
    /// Polls before a pending order is paid.
    paid_after: u32,
    expires: time::OffsetDateTime,
    paid_at: Option<String>,
    /// What arrived (without the paycode), for the tests.
    record: Value,
}

#[derive(Debug, Clone)]
struct Stored {
    body_hash: String,
    answer: Option<(u16, Value)>,
}

#[derive(Default)]
struct Sim {
    opts: Option<SimOptions>,
    etag: String,
    fault: Option<Fault>,
    /// Seconds the `Date` header of every answer is ahead of the true time: a hall whose
    /// clock is right and a kiosk whose clock is not (see `hall_link::clock`).
    date_offset_s: i64,
    idem: HashMap<String, Stored>,
    counters: HashMap<String, u32>,
    served: HashMap<String, u32>,
    pub tickets: Vec<Value>,
    pub offline_reports: Vec<Value>,
    pub voids: Vec<String>,
    pub checkins: Vec<Value>,
    pub ratings: Vec<Value>,
    pub complaints: Vec<Value>,
    /// Submissions with the Unix second they arrived (their progress advances with time).
    pub submissions: Vec<(Value, i64)>,
    pub help: Vec<(String, bool)>,
    /// Staff actions at the kiosk (the audit trail), as sent.
    pub staff_actions: Vec<Value>,
    pub heartbeats: Vec<Value>,
    appointments: Vec<Appointment>,
    bookings: Vec<Booking>,
    /// Seats per slot.
    slot_capacity: u32,
    /// Slots (item code, slot id) filled by other citizens.
    full_slots: Vec<(String, String)>,
    /// The slot of the next POST /appointments fills up just before it arrives.
    fill_next_slot: bool,
    orders: Vec<Order>,
    /// Orders made per Idempotency-Key (always 1 unless a kiosk made one twice).
    orders_per_key: HashMap<String, u32>,
    payment_cancels: Vec<String>,
    /// A QR order is paid at this poll.
    pay_qr_after_polls: u32,
    /// A paycode order stays pending for this many polls (0: paid at once).
    paycode_pending_polls: u32,
    /// The next payment cancel finds its order paid just before (the citizen paid as the
    /// kiosk gave up).
    paid_before_next_cancel: bool,
    payment_ttl: time::Duration,
    blocks: u32,
    requests: u64,
}

type Shared = Arc<Mutex<Sim>>;

/// A running hall-sim; stops when dropped.
pub struct HallSim {
    addr: SocketAddr,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HallSim {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HallSim {
    /// Binds and serves on the current tokio runtime.
    pub async fn spawn(opts: SimOptions) -> std::io::Result<HallSim> {
        let listener = tokio::net::TcpListener::bind(opts.listen).await?;
        let addr = listener.local_addr()?;
        let etag = format!(
            "\"{}\"",
            &hex::encode(Sha256::digest(opts.catalog.as_bytes()))[..16]
        );
        let today_slot = |h: &str| h.to_string();
        let sim = Sim {
            etag,
            appointments: vec![
                Appointment {
                    code: "AP0001".into(),
                    id_number: String::new(),
                    item: "不动产转移登记（二手房买卖）".into(),
                    slot: today_slot("14:00-14:30"),
                    category: "D".into(),
                    used: false,
                    cancelled: false,
                },
                Appointment {
                    code: "AP0002".into(),
                    id_number: String::new(),
                    item: "个体工商户注销登记".into(),
                    slot: today_slot("09:00-09:30"),
                    category: "A".into(),
                    used: true,
                    cancelled: false,
                },
                Appointment {
                    code: "AP0003".into(),
                    id_number: "440306199008152330".into(),
                    item: "企业设立登记".into(),
                    slot: today_slot("10:00-10:30"),
                    category: "A".into(),
                    used: false,
                    cancelled: false,
                },
            ],
            opts: Some(opts),
            slot_capacity: 3,
            pay_qr_after_polls: 2,
            payment_ttl: time::Duration::minutes(5),
            ..Sim::default()
        };
        let state: Shared = Arc::new(Mutex::new(sim));
        // Every path of docs/hall-api.yaml; each POST but /heartbeat is an `action` with the
        // schema of its body. The gate runs on these routes only, before any extractor, so a
        // bad token is 401 whatever the body; other paths are 404 and other methods 405,
        // before the gate.
        let app = Router::new()
            .route("/kiosk/v1/catalog", get(catalog))
            .route("/kiosk/v1/queue", get(queue))
            .route("/kiosk/v1/heartbeat", post(heartbeat))
            .route("/kiosk/v1/help-requests/{no}", get(help_status))
            .route("/kiosk/v1/tickets", post(action::<req::TicketRequest>))
            .route(
                "/kiosk/v1/tickets/offline",
                post(action::<req::OfflineTicketReport>),
            )
            .route("/kiosk/v1/tickets/void", post(action::<req::VoidRequest>))
            .route(
                "/kiosk/v1/ticket-blocks",
                post(action::<req::TicketBlockRequest>),
            )
            .route(
                "/kiosk/v1/appointments/check-in",
                post(action::<req::CheckInRequest>),
            )
            .route("/kiosk/v1/ratings", post(action::<req::RatingRequest>))
            .route(
                "/kiosk/v1/complaints",
                post(action::<req::ComplaintRequest>),
            )
            .route("/kiosk/v1/help-requests", post(action::<req::HelpRequest>))
            .route(
                "/kiosk/v1/help-requests/{no}/close",
                post(action::<req::CloseRequest>),
            )
            .route("/kiosk/v1/staff-actions", post(action::<req::StaffAction>))
            .route(
                "/kiosk/v1/services/recent",
                post(action::<req::RecentServicesQuery>),
            )
            .route(
                "/kiosk/v1/submissions",
                post(action::<req::SubmissionRequest>),
            )
            .route("/kiosk/v1/progress", post(action::<req::ProgressQuery>))
            .route("/kiosk/v1/slots", get(get_slots))
            .route(
                "/kiosk/v1/appointments",
                post(action::<req::AppointmentRequest>),
            )
            .route(
                "/kiosk/v1/appointments/{no}/cancel",
                post(action::<req::CancelRequest>),
            )
            .route("/kiosk/v1/payments", post(action::<req::PaymentRequest>))
            .route("/kiosk/v1/payments/{no}", get(get_payment))
            .route(
                "/kiosk/v1/payments/{no}/cancel",
                post(action::<req::CancelRequest>),
            )
            .route_layer(middleware::from_fn_with_state(state.clone(), gate))
            // After the gate: a method fallback set before it would sit behind it (401).
            .method_not_allowed_fallback(refusal::method_not_allowed)
            .fallback(refusal::not_found)
            .layer(DefaultBodyLimit::max(refusal::BODY_LIMIT))
            .layer(middleware::from_fn_with_state(state.clone(), stamp_date))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(HallSim { addr, state, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of interface v1.
    pub fn url(&self) -> String {
        format!("http://{}/kiosk/v1", self.addr)
    }

    fn with<R>(&self, f: impl FnOnce(&mut Sim) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn set_fault(&self, fault: Fault) {
        self.with(|s| s.fault = Some(fault));
    }

    /// Sends every answer's `Date` this many seconds ahead of the true time (negative:
    /// behind), as a backend does to a kiosk whose clock is that far off the other way.
    pub fn set_date_offset(&self, secs: i64) {
        self.with(|s| s.date_offset_s = secs);
    }

    pub fn tickets(&self) -> Vec<Value> {
        self.with(|s| s.tickets.clone())
    }
    pub fn offline_reports(&self) -> Vec<Value> {
        self.with(|s| s.offline_reports.clone())
    }
    pub fn voids(&self) -> Vec<String> {
        self.with(|s| s.voids.clone())
    }
    pub fn checkins(&self) -> Vec<Value> {
        self.with(|s| s.checkins.clone())
    }
    pub fn ratings(&self) -> Vec<Value> {
        self.with(|s| s.ratings.clone())
    }
    pub fn complaints(&self) -> Vec<Value> {
        self.with(|s| s.complaints.clone())
    }
    pub fn submissions(&self) -> Vec<Value> {
        self.with(|s| s.submissions.iter().map(|(v, _)| v.clone()).collect())
    }
    /// Moves a submission's clock back `secs`, so tests and the demo see it progress.
    pub fn age_submissions(&self, secs: i64) {
        self.with(|s| {
            for (_, t) in s.submissions.iter_mut() {
                *t -= secs;
            }
        })
    }
    pub fn heartbeats(&self) -> Vec<Value> {
        self.with(|s| s.heartbeats.clone())
    }
    /// Help requests as (number, still open).
    pub fn help_requests(&self) -> Vec<(String, bool)> {
        self.with(|s| s.help.clone())
    }
    /// Staff at the backend clear a help request.
    pub fn clear_help(&self, no: &str) {
        self.with(|s| {
            for h in s.help.iter_mut().filter(|h| h.0 == no) {
                h.1 = false;
            }
        })
    }
    pub fn requests(&self) -> u64 {
        self.with(|s| s.requests)
    }
    /// The staff audit trail the kiosk sent.
    pub fn staff_actions(&self) -> Vec<Value> {
        self.with(|s| s.staff_actions.clone())
    }

    // ---- booking and payments ---------------------------------------------------------

    /// Appointments booked through POST /appointments: `appointment_no`, `code`, `key`,
    /// `item_code`, `slot_id`, `id_number`, `cancelled`.
    pub fn appointments_booked(&self) -> Vec<Value> {
        self.with(|s| {
            s.bookings
                .iter()
                .map(|b| {
                    let cancelled = s
                        .appointments
                        .iter()
                        .any(|a| a.code == b.code && a.cancelled);
                    json!({
                        "appointment_no": b.appointment_no, "code": b.code, "key": b.key,
                        "item_code": b.item_code, "slot_id": b.slot_id,
                        "id_number": b.id_number, "cancelled": cancelled,
                    })
                })
                .collect()
        })
    }

    /// Seats per slot (default 3).
    pub fn set_slot_capacity(&self, seats: u32) {
        self.with(|s| s.slot_capacity = seats);
    }

    /// Fault: the slot the next POST /appointments asks for fills up just before it
    /// arrives (another citizen took the last seat between list and book): `slot_full`.
    pub fn fill_next_booked_slot(&self) {
        self.with(|s| s.fill_next_slot = true);
    }

    /// Payment orders as they arrived (without any paycode) and stand: `payment_no`,
    /// `key`, `method`, `amount_fen`, `ref`, `items`, `status`, `polls`, and
    /// `orders_with_key`, how many orders that Idempotency-Key made (1 unless an action
    /// made two).
    pub fn payments(&self) -> Vec<Value> {
        self.with(|s| {
            s.orders
                .iter()
                .map(|o| {
                    let mut r = o.record.clone();
                    r["payment_no"] = json!(o.payment_no);
                    r["key"] = json!(o.key);
                    r["status"] = json!(o.status);
                    r["polls"] = json!(o.polls);
                    r["orders_with_key"] = json!(s.orders_per_key.get(&o.key).copied());
                    r
                })
                .collect()
        })
    }

    /// Orders made per Idempotency-Key.
    pub fn payment_orders_per_key(&self) -> HashMap<String, u32> {
        self.with(|s| s.orders_per_key.clone())
    }

    /// The payment numbers POST /payments/{no}/cancel named, in order.
    pub fn payment_cancels(&self) -> Vec<String> {
        self.with(|s| s.payment_cancels.clone())
    }

    /// A QR order is paid at the `polls`th GET /payments/{no} (default 2).
    pub fn pay_qr_after_polls(&self, polls: u32) {
        self.with(|s| s.pay_qr_after_polls = polls);
    }

    /// How long a new order can be paid, in seconds (default 300); negative: orders are
    /// made already expired that long ago (a kiosk that comes back long after).
    pub fn set_payment_ttl_s(&self, secs: i64) {
        self.with(|s| s.payment_ttl = time::Duration::seconds(secs));
    }

    /// Fault: a valid paycode order stays pending for `polls` polls before it is paid
    /// (the wallet asks the citizen for a password).
    pub fn paycode_pending_polls(&self, polls: u32) {
        self.with(|s| s.paycode_pending_polls = polls);
    }

    /// Fault: the next payment cancel finds its order paid (the citizen paid as the
    /// kiosk gave up): 409 `already_paid`.
    pub fn pay_before_next_cancel(&self) {
        self.with(|s| s.paid_before_next_cancel = true);
    }

    /// The citizen pays a pending order now (e.g. after leaving the kiosk).
    pub fn pay(&self, payment_no: &str) {
        self.with(|s| {
            for o in s.orders.iter_mut().filter(|o| o.payment_no == payment_no) {
                if o.status == "pending" {
                    mark_paid(o);
                }
            }
        })
    }
}

fn err(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error": code, "message": message}))).into_response()
}

/// Gives every answer the `Date` of a clock `date_offset_s` ahead; hyper's own Date stays
/// when there is no offset.
async fn stamp_date(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let offset = state
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .date_offset_s;
    let mut resp = next.run(req).await;
    if offset != 0 {
        let at = time::OffsetDateTime::now_utc().saturating_add(time::Duration::seconds(offset));
        let fmt = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        if let Ok(Ok(v)) = at.format(&fmt).map(axum::http::HeaderValue::try_from) {
            resp.headers_mut().insert(axum::http::header::DATE, v);
        }
    }
    resp
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("valid"))
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Applies the faults that stop a request and checks the token and X-Kiosk-Id, on every
/// route before its extractors run (a route layer).
async fn gate(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let (fault, token) = {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.requests += 1;
        let fault = s.fault.clone().unwrap_or(Fault::None);
        match &fault {
            Fault::Unavailable { times } => {
                s.fault = (*times > 1).then(|| Fault::Unavailable { times: times - 1 });
            }
            Fault::RateLimited { times } => {
                s.fault = (*times > 1).then(|| Fault::RateLimited { times: times - 1 });
            }
            _ => {}
        }
        (
            fault,
            s.opts.as_ref().map(|o| o.token.clone()).unwrap_or_default(),
        )
    };
    // Both answers say when to come back (Retry-After, delta-seconds), as the document asks.
    let retry_later = |status, code, message| {
        let mut r = err(status, code, message);
        r.headers_mut()
            .insert("retry-after", "1".parse().expect("valid header"));
        r
    };
    match fault {
        Fault::Delay(d) => tokio::time::sleep(d).await,
        Fault::Down => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Fault::Unauthorized => {
            return err(StatusCode::UNAUTHORIZED, "unauthorized", "token revoked");
        }
        Fault::Unavailable { .. } => {
            return retry_later(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "try again");
        }
        Fault::RateLimited { .. } => {
            return retry_later(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests",
            );
        }
        _ => {}
    }
    if let Err(refused) = refusal::authorize(request.headers(), &token) {
        return refused.into_response();
    }
    next.run(request).await
}

async fn catalog(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let (etag, body) = {
        let s = state.lock().unwrap_or_else(|p| p.into_inner());
        (
            s.etag.clone(),
            s.opts
                .as_ref()
                .map(|o| o.catalog.clone())
                .unwrap_or_default(),
        )
    };
    if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [("etag", etag)]).into_response();
    }
    (
        StatusCode::OK,
        [("etag", etag), ("content-type", "application/json".into())],
        body,
    )
        .into_response()
}

async fn queue(State(state): State<Shared>) -> Response {
    let s = state.lock().unwrap_or_else(|p| p.into_inner());
    let catalog: Value = serde_json::from_str(
        &s.opts
            .as_ref()
            .map(|o| o.catalog.clone())
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    let categories: Vec<Value> = catalog["categories"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["code"].as_str())
                .map(|code| {
                    let waiting = waiting(&s, code);
                    json!({"code": code, "waiting": waiting, "est_wait_min": waiting * 3})
                })
                .collect()
        })
        .unwrap_or_default();
    Json(json!({"updated_at": rfc3339(now()), "categories": categories})).into_response()
}

/// A simple queue model: a base load per category plus issued tickets, less those served.
fn waiting(s: &Sim, code: &str) -> u32 {
    let base = (code.bytes().next().unwrap_or(b'A') - b'A') as u32 % 4 * 2 + 1;
    let issued = *s.counters.get(code).unwrap_or(&0);
    let served = *s.served.get(code).unwrap_or(&0);
    (base + issued).saturating_sub(served)
}

async fn heartbeat(State(state): State<Shared>, body: Body<req::Heartbeat>) -> Response {
    state
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .heartbeats
        .push(body.json);
    StatusCode::NO_CONTENT.into_response()
}

async fn help_status(
    State(state): State<Shared>,
    no: Result<Path<String>, PathRejection>,
) -> Response {
    let no = match no {
        Ok(Path(no)) => no,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let s = state.lock().unwrap_or_else(|p| p.into_inner());
    match s.help.iter().find(|h| h.0 == no) {
        Some((no, open)) => {
            Json(json!({"request_no": no, "status": if *open { "open" } else { "cleared" }}))
                .into_response()
        }
        None => err(StatusCode::NOT_FOUND, "not_found", "no such help request"),
    }
}

/// Every POST but /heartbeat, its body of schema `T`: after the gate, the Idempotency-Key,
/// then the body, then the stored answer for a key seen before, else `apply`.
async fn action<T: DeserializeOwned + 'static>(
    State(state): State<Shared>,
    headers: HeaderMap,
    IdempotencyKey(key): IdempotencyKey,
    route: MatchedPath,
    uri: Uri,
    params: Result<Path<HashMap<String, String>>, PathRejection>,
    body: Body<T>,
) -> Response {
    let params = match params {
        Ok(Path(params)) => params,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let body = body.json;
    let key = key.to_string();
    let id = format!("{}/{key}", refusal::kiosk_id(&headers));
    // The path as sent (another request number is another request), the route for `apply`.
    let path = uri.path().trim_start_matches(PREFIX);
    let route = route.as_str().trim_start_matches(PREFIX);
    // A paycode is a one-time credential, not part of what the order is: a kiosk resuming
    // an order after a restart sends it again without one (it never keeps it).
    let hashed = match (route, body.clone()) {
        ("payments", Value::Object(mut o)) => {
            o.remove("paycode");
            Value::Object(o)
        }
        (_, b) => b,
    };
    let hash = hex::encode(Sha256::digest(format!("{path}\n{hashed}").as_bytes()));
    let lose_answers = {
        let s = state.lock().unwrap_or_else(|p| p.into_inner());
        matches!(s.fault, Some(Fault::LoseAnswers))
    };
    let replay = {
        let s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.idem.get(&id).map(|stored| {
            if stored.body_hash != hash {
                return err(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "key_reused",
                    "this Idempotency-Key came with a different body",
                );
            }
            match &stored.answer {
                Some((status, v)) => (
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::OK),
                    Json(v.clone()),
                )
                    .into_response(),
                None => err(
                    StatusCode::CONFLICT,
                    "in_progress",
                    "the first request with this key is still in progress",
                ),
            }
        })
    };
    if let Some(answer) = replay {
        if lose_answers {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        return answer;
    }
    let drop_after = {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.idem.insert(
            id.clone(),
            Stored {
                body_hash: hash,
                answer: None,
            },
        );
        let drop_after =
            lose_answers || matches!(s.fault, Some(Fault::DropResponseAfterCommit { .. }));
        if let Some(Fault::DropResponseAfterCommit { times }) = s.fault.clone() {
            s.fault = if times > 1 {
                Some(Fault::DropResponseAfterCommit { times: times - 1 })
            } else {
                None
            };
        }
        drop_after
    };
    let (status, answer) = {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        let r = apply(&mut s, route, &params, &key, &body);
        if let Some(stored) = s.idem.get_mut(&id) {
            stored.answer = Some(r.clone());
        }
        r
    };
    if drop_after {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        Json(answer),
    )
        .into_response()
}

/// A submission as it stands `age` seconds after it arrived: the demo's cases move on every
/// minute or so, so a citizen checking twice sees a living timeline.
fn case_of(r: &Value, age: i64, at: i64) -> Value {
    let mail = r["delivery"]["method"] == "mail";
    let (status, next_step) = match age {
        a if a < 30 => ("received", "材料已收到，等待受理"),
        a if a < 90 => ("accepted", "已受理，正在审核"),
        a if a < 180 => ("in_review", "审核中，如需补充材料将短信通知您"),
        a if a < 270 => ("approved", "已办结，正在制证"),
        _ if mail => ("mailed", "已寄出，请留意快递"),
        _ => ("ready_for_pickup", "请携带身份证到窗口领取"),
    };
    let stage_start = at
        + match status {
            "received" => 0,
            "accepted" => 30,
            "in_review" => 90,
            "approved" => 180,
            _ => 270,
        };
    let updated = time::OffsetDateTime::from_unix_timestamp(stage_start)
        .map(|t| t.to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("valid")))
        .map(rfc3339)
        .unwrap_or_default();
    json!({
        "receipt_no": r["receipt_no"],
        "item_name": r["item_name"],
        "status": status,
        "updated_at": updated,
        "next_step": next_step,
        "pickup_window": (status == "ready_for_pickup").then_some("3 号综合窗口"),
        "tracking_no": (status == "mailed").then_some("EMS1234567890"),
    })
}

/// A key in a body (schema-checked as a UUID) as hall-sim keeps keys: lower-case hyphenated.
fn canonical_key(v: &Value) -> String {
    let s = v.as_str().unwrap_or("");
    req::Key::parse(s).map_or_else(|_| s.to_string(), |k| k.to_string())
}

fn error_body(code: &str, message: &str) -> Value {
    json!({"error": code, "message": message})
}

/// The action of a route (its path after /kiosk/v1/, with its parameters) on a body its
/// schema accepted; `key` is the request's Idempotency-Key.
fn apply(
    s: &mut Sim,
    route: &str,
    params: &HashMap<String, String>,
    key: &str,
    body: &Value,
) -> (u16, Value) {
    let opts = s.opts.clone().unwrap_or_default();
    let catalog: Value = serde_json::from_str(&opts.catalog).unwrap_or_default();
    let category_ok = |c: &str| {
        catalog["categories"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["code"] == c))
    };
    let issue = |s: &mut Sim, category: &str| -> Value {
        let n = s.counters.entry(category.to_string()).or_insert(0);
        *n += 1;
        let no = format!("{category}{:03}", *n);
        let t = now();
        let date = format!("{:04}{:02}{:02}", t.year(), t.month() as u8, t.day());
        let ahead = waiting(s, category).saturating_sub(1);
        json!({
            "ticket_no": no, "category": category, "waiting_ahead": ahead,
            "est_wait_min": ahead * 3, "issued_at": rfc3339(t),
            "track_url": format!("{}/track/t/{date}/{no}", opts.public_base),
        })
    };
    match route {
        "tickets" => {
            let category = body["category"].as_str().unwrap_or("");
            if !category_ok(category) {
                return (422, error_body("unknown_category", "no such category"));
            }
            // One open ticket per card holder and category: not yet called (hall-sim calls
            // nobody), issued today and not voided. Walk-ins are never limited.
            if let Some(id) = body["applicant"]["id_number"].as_str() {
                let today = rfc3339(now()).get(..10).unwrap_or("").to_string();
                let open = s.tickets.iter().find(|t| {
                    t["applicant_id"] == id
                        && t["category"] == category
                        && t["voided"] != true
                        && t["issued_at"].as_str().and_then(|a| a.get(..10)) == Some(&today)
                });
                if let Some(t) = open {
                    let mut answer = error_body(
                        "ticket_limit",
                        "this card holder already holds an open ticket in this category",
                    );
                    answer["open_ticket"] = t["ticket_no"].clone();
                    return (409, answer);
                }
            }
            let t = issue(s, category);
            let mut record = t.clone();
            record["key"] = json!(key);
            record["source"] = body["source"].clone();
            record["priority"] = body["priority"].clone();
            record["applicant_id"] = body["applicant"]["id_number"].clone();
            s.tickets.push(record);
            (201, t)
        }
        "appointments/check-in" => {
            let code = body["code"].as_str();
            let id = body["id_number"].as_str();
            let matches = |a: &Appointment| {
                !a.cancelled
                    && (code.is_some_and(|c| a.code == c)
                        || id.is_some_and(|i| !a.id_number.is_empty() && a.id_number == i))
            };
            // By ID number a card holder may have several: an open one first.
            let found = s
                .appointments
                .iter()
                .position(|a| matches(a) && !a.used)
                .or_else(|| s.appointments.iter().position(matches));
            let Some(i) = found else {
                return (404, error_body("no_appointment", "no appointment found"));
            };
            if s.appointments[i].used {
                return (
                    409,
                    error_body(
                        "already_checked_in",
                        "this appointment was already checked in",
                    ),
                );
            }
            s.appointments[i].used = true;
            let a = s.appointments[i].clone();
            let mut t = issue(s, &a.category);
            t["appointment"] = json!({"item": a.item, "slot": a.slot});
            let mut record = t.clone();
            record["key"] = json!(key);
            record["code"] = json!(a.code);
            s.checkins.push(record.clone());
            s.tickets.push(record);
            (201, t)
        }
        "ticket-blocks" => {
            let category = body["category"].as_str().unwrap_or("");
            if !category_ok(category) {
                return (422, error_body("unknown_category", "no such category"));
            }
            let size = body["size"].as_u64().unwrap_or(20).min(100) as u32;
            s.blocks += 1;
            let first = 9000 + (s.blocks - 1) * 100 + 1;
            let numbers: Vec<String> = (first..first + size)
                .map(|n| format!("{category}{n}"))
                .collect();
            let expires = now() + time::Duration::hours(24);
            (
                201,
                json!({"block_id": format!("BLK{:04}", s.blocks), "category": category, "numbers": numbers, "expires_at": rfc3339(expires)}),
            )
        }
        "tickets/offline" => {
            s.offline_reports.push(body.clone());
            let category = body["category"].as_str().unwrap_or("");
            *s.counters.entry(category.to_string()).or_insert(0) += 0;
            (
                201,
                json!({"accepted": true, "waiting_ahead": waiting(s, category)}),
            )
        }
        "tickets/void" => {
            let k = canonical_key(&body["idempotency_key"]);
            for t in s.tickets.iter_mut().filter(|t| t["key"] == k.as_str()) {
                t["voided"] = json!(true);
            }
            // A booking whose answer the kiosk never had: its seat is freed.
            let codes: Vec<String> = s
                .bookings
                .iter()
                .filter(|b| b.key == k)
                .map(|b| b.code.clone())
                .collect();
            for a in s
                .appointments
                .iter_mut()
                .filter(|a| codes.contains(&a.code))
            {
                a.cancelled = true;
            }
            s.voids.push(k);
            (200, json!({"voided": true}))
        }
        "ratings" => {
            let r = &body["ref"];
            let ref_id = r["ticket_no"]
                .as_str()
                .or(r["receipt_no"].as_str())
                .unwrap_or("")
                .to_string();
            if s.ratings.iter().any(|x| x["ref_id"] == ref_id.as_str()) {
                return (
                    409,
                    error_body("already_rated", "this service was already rated"),
                );
            }
            let mut record = body.clone();
            record["ref_id"] = json!(ref_id);
            s.ratings.push(record);
            (201, json!({"accepted": true}))
        }
        "complaints" => {
            let no = format!(
                "TS{}-{:04}",
                now().date().to_string().replace('-', ""),
                s.complaints.len() + 1
            );
            let mut record = body.clone();
            record["complaint_no"] = json!(no);
            s.complaints.push(record);
            (201, json!({"complaint_no": no}))
        }
        "submissions" => {
            let code = body["item_code"].as_str().unwrap_or("");
            let item = catalog["items"]
                .as_array()
                .and_then(|a| a.iter().find(|i| i["code"] == code))
                .cloned();
            let Some(item) = item.filter(|i| i["self_service"] == true) else {
                return (
                    422,
                    error_body("unknown_item", "no self-service item with this code"),
                );
            };
            let t = now();
            let no = format!(
                "SB{}-{:04}",
                t.date().to_string().replace('-', ""),
                s.submissions.len() + 1
            );
            let days = item["promised_days"]
                .as_i64()
                .or(item["legal_days"].as_i64())
                .unwrap_or(5);
            let answer = json!({
                "receipt_no": no,
                "status": "received",
                "promised_date": (t.date() + time::Duration::days(days)).to_string(),
                "track_url": format!("{}/track/r/{no}", opts.public_base),
            });
            let mut record = body.clone();
            record["receipt_no"] = json!(no);
            record["key"] = json!(key);
            record["item_name"] = item["name"].clone();
            s.submissions.push((record, t.unix_timestamp()));
            (201, answer)
        }
        "progress" => {
            let t = now().unix_timestamp();
            let matches = |r: &Value| {
                body["receipt_no"]
                    .as_str()
                    .is_some_and(|n| r["receipt_no"] == n)
                    || body
                        .get("key")
                        .is_some_and(|k| r["key"] == canonical_key(k))
                    || body["id_number"]
                        .as_str()
                        .is_some_and(|i| r["applicant"]["id_number"] == i)
            };
            let cases: Vec<Value> = s
                .submissions
                .iter()
                .filter(|(r, _)| matches(r))
                .map(|(r, at)| case_of(r, t - at, *at))
                .collect();
            // A card holder's open appointments (booked, not checked in, not cancelled).
            let appointments: Vec<Value> = match body["id_number"].as_str() {
                None => Vec::new(),
                Some(id) => s
                    .bookings
                    .iter()
                    .filter(|b| b.id_number == id)
                    .filter(|b| {
                        s.appointments
                            .iter()
                            .any(|a| a.code == b.code && !a.used && !a.cancelled)
                    })
                    .filter_map(|b| {
                        let (date, start, end) = slot_by_id(&b.slot_id)?;
                        let item = item_of(&catalog, &b.item_code)?;
                        Some(json!({
                            "appointment_no": b.appointment_no,
                            "item_code": b.item_code,
                            "item_name": item["name"],
                            "start": hall_time(date, start),
                            "end": hall_time(date, end),
                        }))
                    })
                    .collect(),
            };
            (200, json!({ "cases": cases, "appointments": appointments }))
        }
        "services/recent" => {
            let id = body["id_number"].as_str().unwrap_or("");
            let category_name = |code: &Value| {
                catalog["categories"]
                    .as_array()
                    .and_then(|a| a.iter().find(|c| c["code"] == *code))
                    .map(|c| c["name"].clone())
                    .unwrap_or_else(|| code.clone())
            };
            let mut services: Vec<Value> = s
                .tickets
                .iter()
                .filter(|t| t["applicant_id"] == id)
                .map(|t| {
                    json!({
                        "ref": {"ticket_no": t["ticket_no"]},
                        "name": category_name(&t["category"]),
                        "date": t["issued_at"].as_str().unwrap_or("").get(..10).unwrap_or(""),
                    })
                })
                .collect();
            services.extend(
                s.submissions
                    .iter()
                    .filter(|(r, _)| r["applicant"]["id_number"] == id)
                    .map(|(r, at)| {
                        let date = time::OffsetDateTime::from_unix_timestamp(*at)
                            .map(|t| t.date().to_string())
                            .unwrap_or_default();
                        json!({"ref": {"receipt_no": r["receipt_no"]}, "name": r["item_name"], "date": date})
                    }),
            );
            (200, json!({ "services": services }))
        }
        "help-requests" => {
            let no = format!(
                "H{}-{:03}",
                now().date().to_string().replace('-', ""),
                s.help.len() + 1
            );
            s.help.push((no.clone(), true));
            (201, json!({"request_no": no}))
        }
        "help-requests/{no}/close" => {
            let no = params.get("no").map(String::as_str).unwrap_or("");
            for h in s.help.iter_mut().filter(|h| h.0 == no) {
                h.1 = false;
            }
            (200, json!({"closed": true}))
        }
        "staff-actions" => {
            s.staff_actions.push(body.clone());
            (201, json!({"recorded": true}))
        }
        "appointments" => {
            let item_code = body["item_code"].as_str().unwrap_or("");
            let Some(item) = item_of(&catalog, item_code) else {
                return (404, error_body("unknown_item", "no item with this code"));
            };
            let slot_id = body["slot_id"].as_str().unwrap_or("");
            let Some((date, start, end)) = slot_by_id(slot_id) else {
                return (404, error_body("unknown_slot", "no such slot"));
            };
            let id_number = body["applicant"]["id_number"].as_str().unwrap_or("");
            let open_booking = s.bookings.iter().any(|b| {
                b.id_number == id_number
                    && b.item_code == item_code
                    && s.appointments
                        .iter()
                        .any(|a| a.code == b.code && !a.used && !a.cancelled)
            });
            if open_booking {
                return (
                    409,
                    error_body(
                        "already_booked",
                        "this card holder already has an open appointment for this item",
                    ),
                );
            }
            if std::mem::take(&mut s.fill_next_slot) {
                s.full_slots
                    .push((item_code.to_string(), slot_id.to_string()));
            }
            if seats_left(s, item_code, slot_id) == 0 {
                return (409, error_body("slot_full", "no seat is left in this slot"));
            }
            let n = s.bookings.len() + 1;
            let appointment_no = format!("YY{}-{n:04}", compact_date(now().date()));
            let code = format!("BK{n:04}");
            let category = item["category"].as_str().unwrap_or("").to_string();
            s.bookings.push(Booking {
                appointment_no: appointment_no.clone(),
                code: code.clone(),
                key: key.to_string(),
                item_code: item_code.to_string(),
                slot_id: slot_id.to_string(),
                id_number: id_number.to_string(),
            });
            s.appointments.push(Appointment {
                code: code.clone(),
                id_number: id_number.to_string(),
                item: item["name"].as_str().unwrap_or(item_code).to_string(),
                slot: format!("{}-{}", hhmm(start), hhmm(end)),
                category: category.clone(),
                used: false,
                cancelled: false,
            });
            let answer = json!({
                "appointment_no": appointment_no, "code": code, "item_code": item_code,
                "start": hall_time(date, start), "end": hall_time(date, end),
                "windows": windows_of(&catalog, &category),
            });
            (201, answer)
        }
        "appointments/{no}/cancel" => {
            let no = params.get("no").map(String::as_str).unwrap_or("");
            let Some(code) = s
                .bookings
                .iter()
                .find(|b| b.appointment_no == no)
                .map(|b| b.code.clone())
            else {
                return (404, error_body("no_appointment", "no such appointment"));
            };
            if let Some(a) = s.appointments.iter_mut().find(|a| a.code == code) {
                if a.used {
                    return (
                        409,
                        error_body(
                            "already_checked_in",
                            "this appointment was already checked in",
                        ),
                    );
                }
                a.cancelled = true;
            }
            (200, json!({"appointment_no": no, "cancelled": true}))
        }
        "payments" => {
            let amount = body["amount_fen"].as_u64().unwrap_or(0);
            let sum: u64 = body["items"]
                .as_array()
                .map(|a| a.iter().filter_map(|i| i["amount_fen"].as_u64()).sum())
                .unwrap_or(0);
            if amount != sum {
                return (
                    422,
                    error_body("amount_mismatch", "amount_fen is not the sum of the items"),
                );
            }
            let qr = body["method"] == "qr";
            let paycode = body["paycode"].as_str().map(str::to_string);
            if !qr && paycode.is_none() {
                return (
                    422,
                    error_body("paycode_required", "a paycode payment needs the paycode"),
                );
            }
            let n = s.orders.len() + 1;
            let payment_no = format!("PAY{}{n:06}", compact_date(now().date()));
            let mut record = body.clone();
            if let Some(o) = record.as_object_mut() {
                o.remove("paycode");
            }
            let mut order = Order {
                payment_no: payment_no.clone(),
                key: key.to_string(),
                status: "pending",
                polls: 0,
                paid_after: if qr {
                    s.pay_qr_after_polls
                } else {
                    s.paycode_pending_polls
                },
                expires: now() + s.payment_ttl,
                paid_at: None,
                record,
            };
            if let Some(code) = paycode.filter(|_| !qr) {
                // A code ending in 0000 stands for a wallet without the money (tests).
                if code.ends_with("0000") {
                    order.status = "failed";
                } else if order.paid_after == 0 {
                    mark_paid(&mut order);
                }
            }
            *s.orders_per_key.entry(key.to_string()).or_insert(0) += 1;
            let mut answer = json!({
                "payment_no": payment_no, "status": order.status,
                "expires_at": rfc3339(order.expires),
            });
            if qr {
                answer["qr_url"] = json!(format!("https://pay.example.gov.cn/q/{payment_no}"));
            }
            s.orders.push(order);
            (201, answer)
        }
        "payments/{no}/cancel" => {
            let no = params.get("no").map(String::as_str).unwrap_or("");
            let paid_first = std::mem::take(&mut s.paid_before_next_cancel);
            let Some(o) = s.orders.iter_mut().find(|o| o.payment_no == no) else {
                return (404, error_body("no_payment", "no such payment order"));
            };
            if paid_first && o.status == "pending" {
                mark_paid(o);
            }
            if o.status == "pending" && now() >= o.expires {
                o.status = "expired";
            }
            // (Not a `match` on strings: tests/openapi.rs reads `"route" =>` lines as arms.)
            let status = if o.status == "paid" {
                None
            } else if o.status == "pending" {
                Some("cancelled")
            } else {
                Some(o.status)
            };
            s.payment_cancels.push(no.to_string());
            let Some(status) = status else {
                return (
                    409,
                    error_body("already_paid", "the order was paid before it was cancelled"),
                );
            };
            if let Some(o) = s.orders.iter_mut().find(|o| o.payment_no == no) {
                o.status = status;
            }
            (200, json!({"payment_no": no, "status": status}))
        }
        _ => (404, error_body("not_found", "no such endpoint")),
    }
}

// ---- booking and payments --------------------------------------------------------------

/// An item of the catalog by its code.
fn item_of(catalog: &Value, code: &str) -> Option<Value> {
    catalog["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["code"] == code))
        .cloned()
}

/// The windows of a category, as the catalog lists them.
fn windows_of(catalog: &Value, category: &str) -> Vec<String> {
    catalog["categories"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["code"] == category))
        .and_then(|c| c["windows"].as_array())
        .map(|w| {
            w.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn compact_date(d: time::Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month() as u8, d.day())
}

fn hhmm(t: time::Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A date and time of the hall (UTC+8), RFC 3339.
fn hall_time(date: time::Date, t: time::Time) -> String {
    rfc3339(
        time::PrimitiveDateTime::new(date, t)
            .assume_offset(time::UtcOffset::from_hms(8, 0, 0).expect("valid")),
    )
}

/// The half-hour slots of a day: 09:00-11:30 and 14:00-17:00 Monday to Friday, none at
/// weekends. A slot id is `YYYYMMDD-HHMM`.
fn day_slots(date: time::Date) -> Vec<(String, time::Time, time::Time)> {
    if matches!(
        date.weekday(),
        time::Weekday::Saturday | time::Weekday::Sunday
    ) {
        return Vec::new();
    }
    let minute = |m: u32| time::Time::from_hms((m / 60) as u8, (m % 60) as u8, 0).ok();
    let mut slots = Vec::new();
    for (from, to) in [(9 * 60, 11 * 60 + 30), (14 * 60, 17 * 60)] {
        for m in (from..to).step_by(30) {
            if let (Some(start), Some(end)) = (minute(m), minute(m + 30)) {
                let id = format!("{}-{:02}{:02}", compact_date(date), m / 60, m % 60);
                slots.push((id, start, end));
            }
        }
    }
    slots
}

/// The day, start and end of a slot id.
fn slot_by_id(id: &str) -> Option<(time::Date, time::Time, time::Time)> {
    let date = id.get(..8)?;
    if !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = time::Date::parse(
        date,
        time::macros::format_description!("[year][month][day]"),
    )
    .ok()?;
    day_slots(date)
        .into_iter()
        .find(|(slot, _, _)| slot == id)
        .map(|(_, start, end)| (date, start, end))
}

/// Seats left in a slot: its capacity less the appointments booked there and not cancelled.
fn seats_left(s: &Sim, item_code: &str, slot_id: &str) -> u32 {
    if s.full_slots
        .iter()
        .any(|(i, slot)| i == item_code && slot == slot_id)
    {
        return 0;
    }
    let taken = s
        .bookings
        .iter()
        .filter(|b| b.item_code == item_code && b.slot_id == slot_id)
        .filter(|b| {
            s.appointments
                .iter()
                .any(|a| a.code == b.code && !a.cancelled)
        })
        .count() as u32;
    s.slot_capacity.saturating_sub(taken)
}

fn mark_paid(o: &mut Order) {
    o.status = "paid";
    o.paid_at = Some(rfc3339(now()));
}

/// A poll of a pending order: a QR order is paid at its `paid_after`th poll, a paycode
/// order held pending after as many; either expires at its `expires`.
fn advance(o: &mut Order) {
    if o.status != "pending" {
        return;
    }
    o.polls += 1;
    if now() >= o.expires {
        o.status = "expired";
    } else if o.polls >= o.paid_after {
        mark_paid(o);
    }
}

/// GET /slots?item=CODE&date=YYYY-MM-DD. 422 `invalid_query` without both, or with a date
/// that is not one; 404 `unknown_item`.
async fn get_slots(
    State(state): State<Shared>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(q)) => q,
        Err(e) => return err(StatusCode::BAD_REQUEST, "bad_request", &e.body_text()),
    };
    let one = |name: &str| {
        let mut values = query.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
        match (values.next(), values.next()) {
            (Some(v), None) => Some(v.clone()),
            _ => None,
        }
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let (Some(item), Some(date)) = (one("item"), one("date")) else {
        return err(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_query",
            "item and date, once each, are required",
        );
    };
    let day = match time::Date::parse(&date, format) {
        Ok(d) if !item.is_empty() && date.len() == 10 => d,
        _ => {
            return err(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_query",
                "item must not be empty and date must be YYYY-MM-DD",
            )
        }
    };
    let s = state.lock().unwrap_or_else(|p| p.into_inner());
    let catalog: Value = serde_json::from_str(
        &s.opts
            .as_ref()
            .map(|o| o.catalog.clone())
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    if item_of(&catalog, &item).is_none() {
        return err(
            StatusCode::NOT_FOUND,
            "unknown_item",
            "no item with this code",
        );
    }
    let slots: Vec<Value> = day_slots(day)
        .into_iter()
        .map(|(id, start, end)| {
            json!({
                "left": seats_left(&s, &item, &id), "slot_id": id,
                "start": hall_time(day, start), "end": hall_time(day, end),
            })
        })
        .collect();
    Json(json!({"item_code": item, "date": date, "slots": slots})).into_response()
}

/// GET /payments/{payment_no}: the order as it stands; each poll may move a pending one
/// on (see `advance`). 404 `no_payment`.
async fn get_payment(
    State(state): State<Shared>,
    no: Result<Path<String>, PathRejection>,
) -> Response {
    let no = match no {
        Ok(Path(no)) => no,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
    let Some(o) = s.orders.iter_mut().find(|o| o.payment_no == no) else {
        return err(StatusCode::NOT_FOUND, "no_payment", "no such payment order");
    };
    advance(o);
    let mut answer = json!({"payment_no": o.payment_no, "status": o.status});
    if let Some(at) = &o.paid_at {
        answer["paid_at"] = json!(at);
        answer["einvoice_url"] = json!(format!(
            "https://einvoice.example.gov.cn/i/{}",
            o.payment_no
        ));
    }
    Json(answer).into_response()
}
