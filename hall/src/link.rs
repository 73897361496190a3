//! The kiosk's link to the hall: tickets online or from the reserved offline block, the
//! delivery actor that drains the outbox at least once, catalog and block upkeep, and the
//! heartbeat. Cheap to clone; every clone shares one store and one actor.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::api::{self, CheckInAnswer, CheckInRequest, Ticket, TicketRequest};
use crate::client::{Client, ClientError};
use crate::store::{now_ms, OpenReport, Store, StoreError};
use crate::LinkSettings;

/// Offline numbers kept in reserve per category while online.
const BLOCK_LOW_WATER: u32 = 10;
const BLOCK_SIZE: u32 = 20;
/// How often the store drops what retention no longer keeps.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Longest wait between delivery attempts of one entry.
const BACKOFF_CAP: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// Why no ticket could be issued.
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    /// The backend could not be reached and no reserved number is left.
    #[error("backend unreachable and no offline numbers left for category {0}")]
    NoOfflineNumbers(String),
    /// The backend refused the request (unknown category, closed...).
    #[error("backend refused the ticket: {0}")]
    Refused(String),
    /// The card holder already holds an open ticket in this category (409
    /// `ticket_limit`): show it (offer a reprint), never a new or offline number.
    #[error("the card holder already holds ticket {open_ticket} in this category")]
    Limit { open_ticket: String },
    /// The local store failed: nothing can be promised to the citizen.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TicketError {
    /// A stable code for the UI's wording.
    pub fn kind(&self) -> &'static str {
        match self {
            TicketError::NoOfflineNumbers(_) => "no_offline_numbers",
            TicketError::Refused(_) => "refused",
            TicketError::Limit { .. } => "ticket_limit",
            TicketError::Store(_) => "store",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckInError {
    #[error("no appointment found")]
    NotFound,
    #[error("the appointment was already checked in")]
    AlreadyUsed,
    #[error("the appointment is for another hall")]
    OtherHall,
    #[error("backend unreachable: {0}")]
    Offline(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CheckInError {
    pub fn kind(&self) -> &'static str {
        match self {
            CheckInError::NotFound => "not_found",
            CheckInError::AlreadyUsed => "already_used",
            CheckInError::OtherHall => "other_hall",
            CheckInError::Offline(_) => "offline",
            CheckInError::Store(_) => "store",
        }
    }
}

/// Why a slot list, a booking or a cancellation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// The slot filled up since it was listed (409 `slot_full`).
    #[error("the slot is full")]
    SlotFull,
    /// One open appointment per person and item (409 `already_booked`).
    #[error("the card holder already has an open appointment for this item")]
    AlreadyBooked,
    /// No such item, slot or appointment (404).
    #[error("no such item, slot or appointment")]
    NotFound,
    /// The backend could not be reached or did not answer in time: booking is never faked
    /// offline (an unanswered booking is voided, so its seat is freed).
    #[error("backend unreachable: {0}")]
    Offline(String),
    /// The backend refused the request otherwise (its code).
    #[error("backend refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BookingError {
    pub fn kind(&self) -> &'static str {
        match self {
            BookingError::SlotFull => "slot_full",
            BookingError::AlreadyBooked => "already_booked",
            BookingError::NotFound => "not_found",
            BookingError::Offline(_) => "offline",
            BookingError::Refused(_) => "refused",
            BookingError::Store(_) => "store",
        }
    }
}

/// Why a payment call could not say more than the store already holds. The order itself
/// stays in the store whatever happened (see [`HallLink::payment`]).
#[derive(Debug, thiserror::Error)]
pub enum PayError {
    /// No answer: the order stands as recorded; poll again.
    #[error("backend unreachable: {0}")]
    Offline(String),
    /// The backend refused the request (its code): no order was made.
    #[error("backend refused the payment: {0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such order (in the store, or at the backend).
    #[error("no such payment order")]
    NotFound,
}

impl PayError {
    pub fn kind(&self) -> &'static str {
        match self {
            PayError::Offline(_) => "offline",
            PayError::Refused(_) => "refused",
            PayError::Store(_) => "store",
            PayError::NotFound => "not_found",
        }
    }
}

pub use crate::store::{PayStatus, Payment};

/// How long to wait before the `attempt`th poll (from 0) of an open payment order: 1 s,
/// 1 s, 2 s, 2 s, 3 s, then every 5 s.
pub fn pay_poll_delay(attempt: u32) -> Duration {
    const STEPS: [u64; 5] = [1, 1, 2, 2, 3];
    Duration::from_secs(STEPS.get(attempt as usize).copied().unwrap_or(5))
}

/// An order nobody polled for this long (its citizen left, or the kiosk restarted) is
/// resumed by the delivery actor.
const PAY_IDLE: Duration = Duration::from_secs(10);
/// A pending order this long past its `expires_at` is cancelled by the actor.
const PAY_GRACE_MS: i64 = 30_000;
/// An order still without an answer this long after it was committed and without an
/// `expires_at` is treated as expiring then (the backend's 5 minutes).
const PAY_TTL_MS: i64 = 5 * 60 * 1000;

/// A ticket the citizen holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTicket {
    pub ticket: Ticket,
    pub offline: bool,
    pub key: Uuid,
}

/// Why a submission was not taken.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The backend refused it (unknown item, invalid form): the citizen must go to a window.
    #[error("backend refused the submission: {0}")]
    Refused(String),
    /// The local store failed: nothing can be promised to the citizen.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A submission the kiosk has committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub receipt_no: String,
    /// The backend was unreachable: `receipt_no` is the kiosk's own, and the receipt's QR
    /// code carries `key`, which finds the case once it is delivered.
    pub provisional: bool,
    pub key: Uuid,
    pub promised_date: Option<String>,
    pub track_url: Option<String>,
}

/// The kiosk's own receipt number for a submission it still holds: stable, derived from
/// the idempotency key the backend will see.
pub fn provisional_receipt_no(key: Uuid) -> String {
    format!("LS-{}", &key.simple().to_string()[..8].to_uppercase())
}

/// Cases found for a progress query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub cases: Vec<api::Case>,
    /// A card holder's open appointments, as the backend lists them.
    pub appointments: Vec<api::OpenAppointment>,
    /// The backend could not be asked: only what this kiosk still holds is listed.
    pub offline: bool,
}

/// What became of an action sent with [`HallLink::post_or_queue`].
#[derive(Debug, Clone, PartialEq)]
pub enum Posted {
    /// The backend answered (2xx) with this body.
    Answered(serde_json::Value),
    /// The backend refused it with this error code (e.g. 409 `already_rated`); the entry is
    /// closed, not retried.
    Refused { status: u16, code: String },
    /// Committed on the kiosk; the delivery actor sends it when the link returns.
    Queued(Uuid),
}

/// What staff and the heartbeat see of the link.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkStatus {
    pub online: bool,
    pub auth_failed: bool,
    /// Unix ms of the last answer from the backend.
    pub last_contact_ms: Option<i64>,
    pub catalog_version: Option<String>,
    /// Unix ms the cached catalog was last confirmed.
    pub catalog_fetched_ms: Option<i64>,
    pub offline_left: Vec<(String, u32)>,
    pub outbox: api::OutboxFigures,
    /// Unix ms the oldest entry still waiting to be sent was committed.
    pub oldest_pending_ms: Option<i64>,
    /// Seconds this kiosk's clock is ahead of the backend's, from the last answer's Date
    /// header (whole seconds: the header has no finer resolution).
    pub clock_skew_s: Option<i64>,
    /// Set when the store was found corrupt at start and recreated.
    pub store_recreated: Option<String>,
    /// Why the last write to the store failed (a full disk, an I/O error), until one
    /// commits again: while set, nothing a citizen does can be kept.
    pub store_failing: Option<String>,
    /// The store file's size and the most it may grow to (bytes).
    pub store_bytes: u64,
    pub store_max_bytes: u64,
}

struct Inner {
    settings: LinkSettings,
    client: Client,
    /// Shared with the blocking-pool tasks of [`HallLink::with_store`], which may outlive a
    /// caller that was dropped mid-call.
    store: Arc<Mutex<Store>>,
    status: Mutex<LinkStatus>,
    devices: Mutex<serde_json::Value>,
    wake: Notify,
    stop: tokio::sync::watch::Sender<bool>,
    started: std::time::Instant,
    /// Unix ms the delivery actor last went round its loop; 0 until it starts.
    actor_beat_ms: std::sync::atomic::AtomicI64,
    /// When a caller (the screen) last asked about each payment order.
    pay_touched: Mutex<std::collections::HashMap<Uuid, std::time::Instant>>,
    /// The actor's resumption of each idle open order: (attempts, next at).
    pay_resume: Mutex<std::collections::HashMap<Uuid, (u32, std::time::Instant)>>,
}

#[derive(Clone)]
pub struct HallLink {
    inner: Arc<Inner>,
}

impl HallLink {
    /// Opens the store and prepares the client; starts no task (see [`HallLink::start`]).
    pub fn open(settings: LinkSettings) -> Result<HallLink, LinkError> {
        let (mut store, report) = Store::open(&crate::store::db_path(&settings.data_dir))?;
        store.limit_size(settings.retention.max_bytes)?;
        match store.prune(settings.retention.keep_done_ms) {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "store: removed what retention no longer keeps"),
            Err(e) => tracing::warn!("store: pruning failed: {e}"),
        }
        let client = Client::new(&settings)?;
        let mut status = LinkStatus::default();
        if let OpenReport::Recreated { kept_as, reason } = report {
            status.store_recreated =
                Some(format!("{reason}; old file kept as {}", kept_as.display()));
        }
        let (stop, _) = tokio::sync::watch::channel(false);
        let link = HallLink {
            inner: Arc::new(Inner {
                settings,
                client,
                store: Arc::new(Mutex::new(store)),
                status: Mutex::new(status),
                devices: Mutex::new(json!({})),
                wake: Notify::new(),
                stop,
                started: std::time::Instant::now(),
                actor_beat_ms: std::sync::atomic::AtomicI64::new(0),
                pay_touched: Default::default(),
                pay_resume: Default::default(),
            }),
        };
        link.refresh_local_status();
        Ok(link)
    }

    /// The store for synchronous callers (staff screens, status): never from an async fn,
    /// which uses [`HallLink::with_store`].
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        lock_store(&self.inner.store)
    }

    /// Runs `f` on the store on tokio's blocking pool and waits for it. Every write commits
    /// with an fsync (WAL, `synchronous=FULL`): on the kiosk's SD card that is tens of ms
    /// each, which must not stall the runtime's two workers that every other task of the
    /// kiosk shares. Waiting on the mutex while another commit runs is blocking too, so the
    /// lock is taken there as well.
    ///
    /// The blocking pool rather than a dedicated store thread: each caller awaits its own
    /// call before going on, so "one transaction per accepted action, committed before the
    /// caller returns" (see [`crate::store`]) holds exactly as before, and the mutex keeps
    /// serializing transactions as it did. A store thread would add a channel, a message
    /// per operation and a shutdown of its own, for an ordering we already have.
    ///
    /// A caller dropped while `f` runs does not cancel it: `f` commits or rolls back whole,
    /// as if the caller had been dropped just after. A panic in `f` becomes
    /// [`StoreError::Task`] for the caller (SQLite rolled back the open transaction when
    /// the panic unwound it); the poisoned mutex is taken over as everywhere else here.
    ///
    /// For writes: a failed one marks the store failing in [`LinkStatus::store_failing`]
    /// (the lamp turns red: nothing can be promised to a citizen), and a write that
    /// commits clears it. Reads go through [`HallLink::read_store`].
    async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let result = self.on_store(f).await;
        let failing = result.as_ref().err().map(|e| e.to_string());
        self.set_status(|s| {
            if failing.is_some() && s.store_failing.is_none() {
                tracing::error!(target: "alert", message_id = crate::journal::ALERT, "the local store cannot commit: citizens are told nothing was kept");
            }
            s.store_failing = failing;
        });
        result
    }

    /// [`HallLink::with_store`] for reads, which say nothing of whether commits work.
    async fn read_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.on_store(move |s| f(s)).await
    }

    async fn on_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = Arc::clone(&self.inner.store);
        tokio::task::spawn_blocking(move || f(&mut lock_store(&store)))
            .await
            .map_err(|e| {
                let why = if e.is_panic() {
                    "panicked"
                } else {
                    "cancelled by the runtime's shutdown"
                };
                tracing::error!("store operation {why}");
                StoreError::Task(why.into())
            })?
    }

    fn set_status(&self, f: impl FnOnce(&mut LinkStatus)) {
        let mut s = self.inner.status.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut s);
    }

    fn contact(&self, result: &Result<(u16, serde_json::Value), ClientError>) {
        match result {
            Ok(_) | Err(ClientError::Rejected { .. }) | Err(ClientError::InProgress) => {
                self.set_status(|s| {
                    s.online = true;
                    s.auth_failed = false;
                    s.last_contact_ms = Some(now_ms());
                })
            }
            Err(ClientError::Unauthorized(_)) => self.set_status(|s| {
                if !s.auth_failed {
                    tracing::error!(target: "alert", message_id = crate::journal::ALERT, "backend refused the kiosk token: online features out of service");
                }
                s.online = false;
                s.auth_failed = true;
            }),
            Err(_) => self.set_status(|s| s.online = false),
        }
    }

    fn refresh_local_status(&self) {
        let (left, counts, oldest, catalog, size) = {
            let store = self.store();
            (
                store.offline_left().unwrap_or_default(),
                store.counts().unwrap_or_default(),
                store.oldest_pending_ms().ok().flatten(),
                store.catalog().ok().flatten(),
                store.size_bytes().unwrap_or_default(),
            )
        };
        let version = catalog
            .as_ref()
            .and_then(|(_, body, _)| crate::store::catalog_version(body));
        self.set_status(|s| {
            s.offline_left = left;
            s.outbox = counts;
            s.oldest_pending_ms = oldest;
            s.clock_skew_s = self.inner.client.skew_s();
            s.catalog_version = version;
            s.catalog_fetched_ms = catalog.map(|c| c.2);
            s.store_bytes = size;
            s.store_max_bytes = self.inner.settings.retention.max_bytes;
        });
    }

    fn auth_failed(&self) -> bool {
        self.inner
            .status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .auth_failed
    }

    pub fn status(&self) -> LinkStatus {
        self.refresh_local_status();
        self.inner
            .status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn settings(&self) -> &LinkSettings {
        &self.inner.settings
    }

    /// Device states for the heartbeat (set by the app whenever one changes).
    pub fn set_devices(&self, devices: serde_json::Value) {
        *self.inner.devices.lock().unwrap_or_else(|p| p.into_inner()) = devices;
    }

    fn now_rfc3339(&self) -> String {
        crate::clock::now_utc()
            .to_offset(self.inner.settings.hall_utc_offset)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    // ---- tickets -------------------------------------------------------------------

    /// Takes a ticket: from the backend within the ticket budget (retrying the same key when
    /// an answer is lost), else from the reserved offline block. The ticket is committed to
    /// the store before this returns.
    pub async fn take_ticket(&self, req: TicketRequest) -> Result<IssuedTicket, TicketError> {
        let key = Uuid::new_v4();
        let body = serde_json::to_value(&req).expect("ticket requests serialize");
        let b = body.clone();
        self.with_store(move |s| s.begin_request(key, "/tickets", &b))
            .await?;
        match self.post_within_budget("/tickets", key, &body).await {
            Some(Ok(answer)) => match serde_json::from_value::<Ticket>(answer.clone()) {
                Ok(ticket) => {
                    let (no, cat) = (ticket.ticket_no.clone(), ticket.category.clone());
                    self.with_store(move |s| s.record_online_ticket(key, &no, &cat, &answer))
                        .await?;
                    return Ok(IssuedTicket {
                        ticket,
                        offline: false,
                        key,
                    });
                }
                Err(e) => tracing::warn!("backend ticket answer unreadable: {e}; going offline"),
            },
            Some(Err(ClientError::Rejected {
                status: 409,
                code,
                detail,
                ..
            })) if code == "ticket_limit" => {
                let open_ticket = detail["open_ticket"].as_str().unwrap_or("").to_string();
                let answer = json!({"error": code, "open_ticket": open_ticket});
                self.with_store(move |s| s.delivered(key, &answer)).await?;
                return Err(TicketError::Limit { open_ticket });
            }
            Some(Err(ClientError::Rejected { code, message, .. })) => {
                let error = format!("{code}: {message}");
                self.with_store(move |s| s.dead(key, &error)).await?;
                return Err(TicketError::Refused(format!("{code}: {message}")));
            }
            _ => {}
        }
        self.issue_offline(&req, Some(key)).await
    }

    async fn issue_offline(
        &self,
        req: &TicketRequest,
        unanswered: Option<Uuid>,
    ) -> Result<IssuedTicket, TicketError> {
        let report_key = Uuid::new_v4();
        let issued_at = self.now_rfc3339();
        let public = self.inner.settings.public_base.clone();
        let date = issued_at.get(..10).unwrap_or("").replace('-', "");
        let (r, d) = (req.clone(), date.clone());
        let (number, answer) = self
            .with_store(move |s| {
                let number = s.issue_offline(
                    &r.category,
                    report_key,
                    |block_id, number| {
                        json!({
                            "block_id": block_id, "ticket_no": number, "category": r.category,
                            "source": r.source, "priority": r.priority, "applicant": r.applicant,
                            "issued_at": issued_at,
                        })
                    },
                    |number| {
                        json!({
                            "ticket_no": number, "category": r.category, "waiting_ahead": 0,
                            "est_wait_min": 0, "issued_at": issued_at,
                            "track_url": format!("{public}/track/t/{d}/{number}"),
                        })
                    },
                    unanswered,
                )?;
                let answer = match number {
                    Some(_) => s.answer(report_key).ok().flatten(),
                    None => None,
                };
                Ok((number, answer))
            })
            .await?;
        self.inner.wake.notify_one();
        let Some(number) = number else {
            if let Some(k) = unanswered {
                self.void(k).await?;
            }
            tracing::error!(target: "alert", message_id = crate::journal::ALERT, category = %req.category, "no offline ticket numbers left");
            return Err(TicketError::NoOfflineNumbers(req.category.clone()));
        };
        let ticket = Ticket {
            ticket_no: number.clone(),
            category: req.category.clone(),
            waiting_ahead: 0,
            est_wait_min: 0,
            issued_at: answer
                .as_ref()
                .and_then(|a| a.get("issued_at"))
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| self.now_rfc3339()),
            track_url: format!(
                "{}/track/t/{}/{}",
                self.inner.settings.public_base, date, number
            ),
        };
        Ok(IssuedTicket {
            ticket,
            offline: true,
            key: report_key,
        })
    }

    /// POSTs with the same key until an answer comes or the ticket budget is spent.
    /// None: no answer at all within the budget.
    async fn post_within_budget(
        &self,
        path: &str,
        key: Uuid,
        body: &serde_json::Value,
    ) -> Option<Result<serde_json::Value, ClientError>> {
        let budget = self.inner.settings.ticket_timeout;
        let start = tokio::time::Instant::now();
        let mut last = None;
        while start.elapsed() < budget {
            // Only the flag: status() would read the store on this worker.
            if self.auth_failed() && last.is_some() {
                break;
            }
            // Two tries fit in the budget: an answer lost on the first is fetched by the
            // second with the same key (the backend answers it from its store).
            let left = budget.saturating_sub(start.elapsed());
            let attempt = left
                .min(self.inner.settings.timeout)
                .min((budget / 2).max(Duration::from_millis(500)));
            let result = self
                .inner
                .client
                .post(path, Some(key), body, Some(attempt))
                .await;
            self.contact(&result);
            match result {
                Ok((_, v)) => return Some(Ok(v)),
                Err(e) if e.is_retryable() => {
                    last = Some(Err(e));
                    tokio::time::sleep(
                        Duration::from_millis(150).min(budget.saturating_sub(start.elapsed())),
                    )
                    .await;
                }
                Err(e) => return Some(Err(e)),
            }
        }
        last
    }

    /// Checks in an appointment (online only: an appointment cannot be confirmed offline).
    pub async fn check_in(&self, req: CheckInRequest) -> Result<IssuedCheckIn, CheckInError> {
        let key = Uuid::new_v4();
        let body = serde_json::to_value(&req).expect("check-in requests serialize");
        let b = body.clone();
        self.with_store(move |s| s.begin_request(key, "/appointments/check-in", &b))
            .await?;
        match self
            .post_within_budget("/appointments/check-in", key, &body)
            .await
        {
            Some(Ok(answer)) => match serde_json::from_value::<CheckInAnswer>(answer.clone()) {
                Ok(a) => {
                    let (no, cat) = (a.ticket.ticket_no.clone(), a.ticket.category.clone());
                    self.with_store(move |s| s.record_online_ticket(key, &no, &cat, &answer))
                        .await?;
                    Ok(IssuedCheckIn { answer: a, key })
                }
                Err(e) => {
                    self.void(key).await?;
                    Err(CheckInError::Offline(format!("unreadable answer: {e}")))
                }
            },
            Some(Err(ClientError::Rejected { code, .. })) => {
                let answer = json!({"error": code});
                self.with_store(move |s| s.delivered(key, &answer)).await?;
                Err(match code.as_str() {
                    "already_checked_in" => CheckInError::AlreadyUsed,
                    "other_hall" => CheckInError::OtherHall,
                    _ => CheckInError::NotFound,
                })
            }
            other => {
                self.void(key).await?;
                Err(CheckInError::Offline(
                    other
                        .and_then(|r| r.err())
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| "timeout".into()),
                ))
            }
        }
    }

    // ---- booking -------------------------------------------------------------------

    /// The slots of an item on a day (`YYYY-MM-DD`), with the seats left.
    pub async fn slots(&self, item_code: &str, date: &str) -> Result<api::Slots, BookingError> {
        // The path on its own (tests/openapi.rs finds the paths the link calls by their
        // literals), then the query.
        let mut path = String::from("/slots");
        path.push_str(&format!(
            "?item={}&date={}",
            query_escape(item_code),
            query_escape(date)
        ));
        let r = self.inner.client.get(&path, None).await;
        let r2 = r
            .as_ref()
            .map(|_| (200u16, serde_json::Value::Null))
            .map_err(clone_err);
        self.contact(&r2);
        match r {
            Ok((_, _, text)) => serde_json::from_str(&text)
                .map_err(|e| BookingError::Offline(format!("unreadable answer: {e}"))),
            Err(e) => Err(booking_error(e)),
        }
    }

    /// Books a slot (online only). The request is committed before it is sent and retried
    /// with the same key while the budget lasts; one that gets no answer is voided (the
    /// backend frees the seat if it had booked it) and is [`BookingError::Offline`]. The
    /// applicant leaves the store once the backend has answered.
    pub async fn book(&self, req: api::AppointmentRequest) -> Result<api::Booked, BookingError> {
        let key = Uuid::new_v4();
        let body = serde_json::to_value(&req).expect("booking requests serialize");
        let b = body.clone();
        self.with_store(move |s| s.begin_request_as("booking", key, "/appointments", &b))
            .await?;
        match self.post_within_budget("/appointments", key, &body).await {
            Some(Ok(answer)) => match serde_json::from_value::<api::Booked>(answer.clone()) {
                Ok(booked) => {
                    self.with_store(move |s| s.delivered(key, &answer)).await?;
                    Ok(booked)
                }
                Err(e) => {
                    self.void(key).await?;
                    Err(BookingError::Offline(format!("unreadable answer: {e}")))
                }
            },
            Some(Err(ClientError::Rejected { status, code, .. })) => {
                let answer = json!({"error": code});
                self.with_store(move |s| s.delivered(key, &answer)).await?;
                Err(match (status, code.as_str()) {
                    (_, "slot_full") => BookingError::SlotFull,
                    (_, "already_booked") => BookingError::AlreadyBooked,
                    (404, _) => BookingError::NotFound,
                    _ => BookingError::Refused(code),
                })
            }
            other => {
                self.void(key).await?;
                Err(BookingError::Offline(
                    other
                        .and_then(|r| r.err())
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| "timeout".into()),
                ))
            }
        }
    }

    /// Cancels a booked appointment (online only).
    pub async fn cancel_appointment(&self, appointment_no: &str) -> Result<(), BookingError> {
        let path = format!("/appointments/{}/cancel", path_escape(appointment_no));
        match self
            .post_within_budget(&path, Uuid::new_v4(), &json!({}))
            .await
        {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(booking_error(e)),
            None => Err(BookingError::Offline("timeout".into())),
        }
    }

    // ---- payments ------------------------------------------------------------------

    /// Makes a payment order: committed (its key is the Idempotency-Key) before it is sent,
    /// then sent with the same key while the budget lasts. Without an answer it is
    /// [`PayStatus::Creating`]: the caller polls ([`HallLink::pay_poll`]), which asks again
    /// with the same key and never makes a second order. The paycode is sent, never stored.
    pub async fn pay_create(&self, req: api::PaymentRequest) -> Result<Payment, PayError> {
        let key = Uuid::new_v4();
        let r = req.clone();
        self.with_store(move |s| s.begin_payment(key, &r)).await?;
        self.pay_touch(key);
        let body = serde_json::to_value(&req).expect("payment requests serialize");
        let answer = self.post_within_budget("/payments", key, &body).await;
        self.pay_created(key, answer).await
    }

    /// Where an order stands, asking the backend: GET /payments/{no} once its number is
    /// known; while it is still [`PayStatus::Creating`], the committed request again with
    /// the same key (the backend answers with the order it made, if it made one). A paycode
    /// order resumed after a restart goes without its paycode (never stored): a refusal
    /// then means the order was never made ([`PayStatus::NotCreated`], nothing charged).
    /// Every change is recorded before this returns.
    pub async fn pay_poll(&self, key: Uuid) -> Result<Payment, PayError> {
        self.pay_touch(key);
        let p = self.payment_async(key).await?;
        self.poll_payment(p).await
    }

    /// Cancels an order not paid yet (the citizen pressed cancel, or it timed out). The
    /// backend's 409 `already_paid` makes it [`PayStatus::Paid`] (with its e-invoice): the
    /// kiosk keeps the payment, for the citizen or, once they left, for staff.
    pub async fn pay_cancel(&self, key: Uuid) -> Result<Payment, PayError> {
        self.pay_touch(key);
        let p = self.payment_async(key).await?;
        self.cancel_payment(p).await
    }

    /// An order as the store holds it.
    pub fn payment(&self, key: Uuid) -> Result<Option<Payment>, StoreError> {
        self.store().payment(key)
    }

    /// Orders not final yet (creating or pending), oldest first.
    pub fn payments_open(&self) -> Result<Vec<Payment>, StoreError> {
        self.store().payments_open()
    }

    /// Orders paid that the citizen was not shown and whose receipt was not printed: the
    /// staff screen lists them, and staff print them.
    pub fn payments_paid_unshown(&self) -> Result<Vec<Payment>, StoreError> {
        self.store().payments_paid_unshown()
    }

    /// The citizen saw the order's result on the screen.
    pub fn payment_shown(&self, key: Uuid) -> Result<(), StoreError> {
        self.store()
            .payment_flag(key, crate::store::PaymentFlag::Shown)
    }

    /// The order's receipt was printed.
    pub fn payment_printed(&self, key: Uuid) -> Result<(), StoreError> {
        self.store()
            .payment_flag(key, crate::store::PaymentFlag::Printed)
    }

    /// The delivery actor's round of payments: open orders nobody asked about for
    /// [`PAY_IDLE`] (left from before a restart, or whose citizen left) are polled with
    /// [`pay_poll_delay`]; one still pending [`PAY_GRACE_MS`] past its `expires_at` is
    /// cancelled (an `already_paid` answer makes it paid and unshown: the staff list).
    pub async fn resume_payments(&self) {
        let open = match self.read_store(|s| s.payments_open()).await {
            Ok(open) => open,
            Err(e) => {
                tracing::error!("payments: store read failed: {e}");
                return;
            }
        };
        let now = std::time::Instant::now();
        for p in open {
            let key = p.key;
            let idle = self
                .inner
                .pay_touched
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&key)
                .is_none_or(|t| now.duration_since(*t) >= PAY_IDLE);
            if !idle {
                continue;
            }
            let (attempt, due) = self
                .inner
                .pay_resume
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&key)
                .copied()
                .unwrap_or((0, now));
            if now < due {
                continue;
            }
            let deadline = p
                .expires_at
                .as_deref()
                .and_then(rfc3339_ms)
                .unwrap_or(p.created_ms.saturating_add(PAY_TTL_MS));
            let overdue = now_ms() > deadline.saturating_add(PAY_GRACE_MS);
            let r = if overdue && p.status == PayStatus::Pending {
                self.cancel_payment(p).await
            } else {
                self.poll_payment(p).await
            };
            let mut resume = self
                .inner
                .pay_resume
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            match r {
                Ok(p) if p.status.is_final() => {
                    if p.status == PayStatus::Paid && !p.shown {
                        tracing::warn!(target: "alert", message_id = crate::journal::ALERT, "a payment was paid after its citizen left: for staff to print");
                    }
                    resume.remove(&key);
                }
                _ => {
                    resume.insert(key, (attempt + 1, now + pay_poll_delay(attempt)));
                }
            }
        }
    }

    fn pay_touch(&self, key: Uuid) {
        self.inner
            .pay_touched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, std::time::Instant::now());
    }

    async fn payment_async(&self, key: Uuid) -> Result<Payment, PayError> {
        self.read_store(move |s| s.payment(key))
            .await?
            .ok_or(PayError::NotFound)
    }

    async fn record_payment(
        &self,
        key: Uuid,
        update: crate::store::PaymentUpdate,
    ) -> Result<Payment, PayError> {
        self.with_store(move |s| {
            s.update_payment(key, &update)?;
            s.payment(key)
        })
        .await?
        .ok_or(PayError::NotFound)
    }

    /// Records what POST /payments came to (None: no answer at all).
    async fn pay_created(
        &self,
        key: Uuid,
        answer: Option<Result<serde_json::Value, ClientError>>,
    ) -> Result<Payment, PayError> {
        use crate::store::PaymentUpdate;
        match answer {
            Some(Ok(v)) => match serde_json::from_value::<api::PaymentOrder>(v) {
                Ok(order) => {
                    let paid = order.status == api::PaymentStatus::Paid;
                    let update = PaymentUpdate {
                        status: Some(order.status.into()),
                        qr_url: order.qr_url,
                        expires_at: Some(order.expires_at),
                        payment_no: Some(order.payment_no),
                        ..Default::default()
                    };
                    let p = self.record_payment(key, update).await?;
                    if paid {
                        // Paid at once (a paycode): the e-invoice comes with the order's state.
                        return Ok(self.query_payment(p).await.unwrap_or_else(|(p, _)| p));
                    }
                    Ok(p)
                }
                // An order the kiosk cannot read: it stays Creating and is asked about again.
                Err(e) => {
                    tracing::warn!("payment answer unreadable: {e}");
                    self.payment_async(key).await
                }
            },
            Some(Err(ClientError::Rejected { code, .. })) => {
                let update = PaymentUpdate {
                    status: Some(PayStatus::NotCreated),
                    ..Default::default()
                };
                self.record_payment(key, update).await?;
                Err(PayError::Refused(code))
            }
            // No answer, or none that says anything of the order: still Creating.
            _ => self.payment_async(key).await,
        }
    }

    async fn poll_payment(&self, p: Payment) -> Result<Payment, PayError> {
        if p.status.is_final() {
            return Ok(p);
        }
        if p.payment_no.is_none() {
            let key = p.key;
            let body = self
                .read_store(move |s| s.payment_body(key))
                .await?
                .ok_or(PayError::NotFound)?;
            let r = self
                .inner
                .client
                .post("/payments", Some(key), &body, None)
                .await;
            self.contact(&r);
            return match r {
                Err(e) if e.is_retryable() || matches!(e, ClientError::Unauthorized(_)) => {
                    Err(PayError::Offline(e.to_string()))
                }
                Err(ClientError::Rejected { .. }) => {
                    // Refused the same body it would have answered with its order: it
                    // never made one (a resumed paycode order without its paycode).
                    let update = crate::store::PaymentUpdate {
                        status: Some(PayStatus::NotCreated),
                        ..Default::default()
                    };
                    self.record_payment(key, update).await
                }
                other => {
                    let p = self.pay_created(key, Some(other.map(|(_, v)| v))).await?;
                    if p.status == PayStatus::Creating {
                        return Err(PayError::Offline("unreadable answer".into()));
                    }
                    Ok(p)
                }
            };
        }
        self.query_payment(p).await.map_err(|(_, e)| e)
    }

    /// GET /payments/{no}, recorded. Err gives the order as it stood.
    async fn query_payment(&self, p: Payment) -> Result<Payment, (Payment, PayError)> {
        let Some(no) = p.payment_no.clone() else {
            return Ok(p);
        };
        let r = self
            .inner
            .client
            .get(&format!("/payments/{}", path_escape(&no)), None)
            .await;
        let r2 = r
            .as_ref()
            .map(|_| (200u16, serde_json::Value::Null))
            .map_err(clone_err);
        self.contact(&r2);
        let state = match r {
            Ok((_, _, text)) => match serde_json::from_str::<api::PaymentState>(&text) {
                Ok(state) => state,
                Err(e) => return Err((p, PayError::Offline(format!("unreadable answer: {e}")))),
            },
            Err(ClientError::Rejected { status: 404, .. }) => return Err((p, PayError::NotFound)),
            Err(ClientError::Rejected { code, .. }) => return Err((p, PayError::Refused(code))),
            Err(e) => return Err((p, PayError::Offline(e.to_string()))),
        };
        let update = crate::store::PaymentUpdate {
            status: Some(state.status.into()),
            paid_at: state.paid_at,
            einvoice_url: state.einvoice_url,
            ..Default::default()
        };
        let key = p.key;
        self.record_payment(key, update).await.map_err(|e| (p, e))
    }

    async fn cancel_payment(&self, p: Payment) -> Result<Payment, PayError> {
        let p = if p.status == PayStatus::Creating {
            // Its number first: the same key again gives the order, if there is one.
            self.poll_payment(p).await?
        } else {
            p
        };
        if p.status.is_final() {
            return Ok(p);
        }
        let Some(no) = p.payment_no.clone() else {
            return Err(PayError::Offline("no answer to the order yet".into()));
        };
        let path = format!("/payments/{}/cancel", path_escape(&no));
        let r = self
            .inner
            .client
            .post(&path, Some(Uuid::new_v4()), &json!({}), None)
            .await;
        self.contact(&r);
        match r {
            Ok((_, v)) => {
                let status = v["status"]
                    .as_str()
                    .map(PayStatus::parse)
                    .filter(|s| s.is_final())
                    .unwrap_or(PayStatus::Cancelled);
                let update = crate::store::PaymentUpdate {
                    status: Some(status),
                    ..Default::default()
                };
                self.record_payment(p.key, update).await
            }
            Err(ClientError::Rejected { code, .. }) if code == "already_paid" => {
                let key = p.key;
                match self.query_payment(p).await {
                    Ok(p) if p.status == PayStatus::Paid => Ok(p),
                    // The backend said paid: so it is, e-invoice or not.
                    _ => {
                        let update = crate::store::PaymentUpdate {
                            status: Some(PayStatus::Paid),
                            ..Default::default()
                        };
                        self.record_payment(key, update).await
                    }
                }
            }
            Err(ClientError::Rejected { status: 404, .. }) => Err(PayError::NotFound),
            Err(ClientError::Rejected { code, .. }) => Err(PayError::Refused(code)),
            Err(e) => Err(PayError::Offline(e.to_string())),
        }
    }

    /// Turns an unanswered request into a void notice for the backend.
    async fn void(&self, key: Uuid) -> Result<(), StoreError> {
        self.with_store(move |s| s.void(key)).await?;
        self.inner.wake.notify_one();
        Ok(())
    }

    // ---- other actions -------------------------------------------------------------

    /// Commits an action to the outbox, then tries to deliver it at once within the short
    /// budget so the citizen can see the backend's answer (a complaint number, "already
    /// rated"); otherwise the delivery actor carries on.
    pub async fn post_or_queue(
        &self,
        kind: &str,
        path: &str,
        body: serde_json::Value,
    ) -> Result<Posted, StoreError> {
        Ok(self.post_or_queue_keyed(kind, path, body).await?.0)
    }

    /// [`HallLink::post_or_queue`], also giving the idempotency key it used.
    async fn post_or_queue_keyed(
        &self,
        kind: &str,
        path: &str,
        body: serde_json::Value,
    ) -> Result<(Posted, Uuid), StoreError> {
        let key = Uuid::new_v4();
        let (k, p, b) = (kind.to_string(), path.to_string(), body.clone());
        self.with_store(move |s| s.enqueue(&k, &p, key, &b)).await?;
        match self.post_within_budget(path, key, &body).await {
            Some(Ok(answer)) => {
                let a = answer.clone();
                self.with_store(move |s| s.delivered(key, &a)).await?;
                Ok((Posted::Answered(answer), key))
            }
            Some(Err(ClientError::Rejected {
                status,
                code,
                message,
                ..
            })) => {
                if status == 409 {
                    let answer = json!({"error": code});
                    self.with_store(move |s| s.delivered(key, &answer)).await?;
                } else {
                    let error = format!("{status} {code}: {message}");
                    self.with_store(move |s| s.dead(key, &error)).await?;
                }
                Ok((Posted::Refused { status, code }, key))
            }
            _ => {
                self.inner.wake.notify_one();
                Ok((Posted::Queued(key), key))
            }
        }
    }

    /// Commits a self-service submission, then delivers it at once if the backend answers
    /// within the short budget.
    pub async fn submit(&self, req: &api::SubmissionRequest) -> Result<Submitted, SubmitError> {
        let body = serde_json::to_value(req).expect("submissions serialize");
        let (posted, key) = self
            .post_or_queue_keyed("submission", "/submissions", body)
            .await?;
        match posted {
            Posted::Answered(a) => {
                let a: api::SubmissionAnswer =
                    serde_json::from_value(a).unwrap_or_else(|_| api::SubmissionAnswer {
                        receipt_no: provisional_receipt_no(key),
                        status: "received".into(),
                        promised_date: None,
                        track_url: String::new(),
                    });
                Ok(Submitted {
                    receipt_no: a.receipt_no,
                    provisional: false,
                    key,
                    promised_date: a.promised_date,
                    track_url: (!a.track_url.is_empty()).then_some(a.track_url),
                })
            }
            Posted::Queued(_) => Ok(Submitted {
                receipt_no: provisional_receipt_no(key),
                provisional: true,
                key,
                promised_date: None,
                track_url: None,
            }),
            Posted::Refused { code, .. } => Err(SubmitError::Refused(code)),
        }
    }

    /// Where a citizen's cases stand: the backend's answer, plus submissions this kiosk has
    /// not delivered yet ("waiting_to_send"), so a citizen is never told "no such case" for
    /// something just handed in.
    pub async fn progress(&self, query: &api::ProgressQuery) -> Result<Progress, LinkError> {
        let (items, pending) = self
            .read_store(|s| Ok((catalog_of(s), s.entries("pending")?)))
            .await?;
        let item_name = |code: &str| {
            items
                .as_ref()
                .and_then(|c| c["items"].as_array())
                .and_then(|a| a.iter().find(|i| i["code"] == code))
                .and_then(|i| i["name"].as_str())
                .unwrap_or(code)
                .to_string()
        };
        let local: Vec<api::Case> = pending
            .into_iter()
            .filter(|e| e.kind == "submission")
            .filter(|e| match query {
                api::ProgressQuery::Key { key } => e.key.to_string() == *key,
                api::ProgressQuery::Receipt { receipt_no } => {
                    provisional_receipt_no(e.key) == *receipt_no
                }
                api::ProgressQuery::IdNumber { id_number } => {
                    e.body["applicant"]["id_number"] == id_number.as_str()
                }
            })
            .map(|e| api::Case {
                receipt_no: provisional_receipt_no(e.key),
                item_name: item_name(e.body["item_code"].as_str().unwrap_or("")),
                status: "waiting_to_send".into(),
                updated_at: String::new(),
                next_step: None,
                pickup_window: None,
                tracking_no: None,
            })
            .collect();
        // A provisional number the backend never saw: ask by the key it will know.
        let remote_query = match query {
            api::ProgressQuery::Receipt { receipt_no } if receipt_no.starts_with("LS-") => None,
            q => Some(q),
        };
        let Some(q) = remote_query else {
            return Ok(Progress {
                cases: local,
                appointments: Vec::new(),
                offline: false,
            });
        };
        let body = serde_json::to_value(q).expect("queries serialize");
        match self
            .inner
            .client
            .post("/progress", Some(Uuid::new_v4()), &body, None)
            .await
        {
            Ok((_, v)) => {
                let answer: api::ProgressAnswer =
                    serde_json::from_value(v).unwrap_or(api::ProgressAnswer {
                        cases: vec![],
                        appointments: vec![],
                    });
                let mut cases = local;
                cases.extend(answer.cases);
                Ok(Progress {
                    cases,
                    appointments: answer.appointments,
                    offline: false,
                })
            }
            Err(e) if e.is_retryable() => Ok(Progress {
                cases: local,
                appointments: Vec::new(),
                offline: true,
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// What a card holder was served recently (to rate one), newest last.
    pub async fn recent_services(
        &self,
        id_number: &str,
    ) -> Result<Vec<api::RecentService>, ClientError> {
        let r = self
            .inner
            .client
            .post(
                "/services/recent",
                Some(Uuid::new_v4()),
                &json!({ "id_number": id_number }),
                None,
            )
            .await;
        self.contact(&r);
        let (_, v) = r?;
        let answer: api::RecentServices =
            serde_json::from_value(v).map_err(|e| ClientError::BadAnswer(e.to_string()))?;
        Ok(answer.services)
    }

    /// Whether staff at the backend still have a help request open (GET
    /// /help-requests/{no}); Err when the backend cannot say.
    pub async fn help_open(&self, request_no: &str) -> Result<bool, ClientError> {
        let r = self
            .inner
            .client
            .get(&format!("/help-requests/{request_no}"), None)
            .await;
        let r2 = r
            .as_ref()
            .map(|_| (200u16, serde_json::Value::Null))
            .map_err(clone_err);
        self.contact(&r2);
        let (_, _, body) = r?;
        let v: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| ClientError::BadAnswer(e.to_string()))?;
        Ok(v["status"] != "cleared")
    }

    /// Queue figures, straight from the backend.
    pub async fn queue(&self) -> Result<api::QueueStatus, ClientError> {
        let r = self.inner.client.get("/queue", None).await;
        let r2 = r
            .as_ref()
            .map(|_| (200u16, serde_json::Value::Null))
            .map_err(clone_err);
        self.contact(&r2);
        let (_, _, text) = r?;
        serde_json::from_str(&text).map_err(|e| ClientError::BadAnswer(e.to_string()))
    }

    /// The cached catalog, if any.
    pub fn catalog(&self) -> Option<serde_json::Value> {
        catalog_of(&self.store())
    }

    /// Refreshes the catalog on its ETag. Ok(true) when it changed.
    pub async fn refresh_catalog(&self) -> Result<bool, LinkError> {
        let etag = self.read_store(|s| s.catalog()).await?.and_then(|c| c.0);
        let r = self.inner.client.get("/catalog", etag.as_deref()).await;
        let r2 = r
            .as_ref()
            .map(|_| (200u16, serde_json::Value::Null))
            .map_err(clone_err);
        self.contact(&r2);
        let (status, new_etag, body) = r?;
        if status == 304 {
            self.with_store(|s| s.touch_catalog()).await?;
            return Ok(false);
        }
        serde_json::from_str::<serde_json::Value>(&body)
            .map_err(|e| ClientError::BadAnswer(e.to_string()))?;
        self.with_store(move |s| s.save_catalog(new_etag.as_deref(), &body))
            .await?;
        Ok(true)
    }

    /// Asks for offline numbers for every category below the low-water mark.
    pub async fn top_up_blocks(&self, categories: &[String]) -> Result<(), LinkError> {
        let left = self.read_store(|s| s.offline_left()).await?;
        for c in categories {
            let have = left.iter().find(|(cat, _)| cat == c).map_or(0, |(_, n)| *n);
            if have >= BLOCK_LOW_WATER {
                continue;
            }
            let body = json!({"category": c, "size": BLOCK_SIZE});
            let r = self
                .inner
                .client
                .post("/ticket-blocks", Some(Uuid::new_v4()), &body, None)
                .await;
            self.contact(&r);
            let (_, v) = r?;
            let block: api::TicketBlock =
                serde_json::from_value(v).map_err(|e| ClientError::BadAnswer(e.to_string()))?;
            let expires = time::OffsetDateTime::parse(
                &block.expires_at,
                &time::format_description::well_known::Rfc3339,
            )
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
            .unwrap_or(now_ms() + 86_400_000);
            self.with_store(move |s| {
                s.add_block(&block.block_id, &block.category, &block.numbers, expires)
            })
            .await?;
        }
        Ok(())
    }

    pub async fn heartbeat(&self) -> Result<(), ClientError> {
        let outbox = self.read_store(|s| s.counts()).await.unwrap_or_default();
        let body = json!({
            "kiosk_id": self.inner.settings.kiosk_id,
            "version": env!("CARGO_PKG_VERSION"),
            "uptime_s": self.inner.started.elapsed().as_secs(),
            "devices": *self.inner.devices.lock().unwrap_or_else(|p| p.into_inner()),
            "outbox": outbox,
        });
        let r = self
            .inner
            .client
            .post("/heartbeat", None, &body, None)
            .await;
        self.contact(&r);
        r.map(|_| ())
    }

    /// Sync for technicians: catalog, blocks, heartbeat. Ok when the backend was reached.
    pub async fn sync(&self) -> Result<(), LinkError> {
        // Each step on its own: a backend whose catalog route fails must still get the
        // heartbeat (hall IT would otherwise see a silent kiosk) and give offline numbers.
        let catalog = self.refresh_catalog().await;
        let cached = self.read_store(|s| Ok(catalog_of(s))).await;
        let categories = codes_of(cached.ok().flatten());
        let blocks = self.top_up_blocks(&categories).await;
        let heartbeat = self.heartbeat().await;
        catalog?;
        blocks?;
        heartbeat?;
        Ok(())
    }

    pub fn category_codes(&self) -> Vec<String> {
        codes_of(self.catalog())
    }

    // ---- delivery ------------------------------------------------------------------

    /// Delivers due entries, oldest first, keeping order within a kind. Returns how many
    /// were delivered, and whether the backend was unreachable.
    pub async fn deliver_due(&self) -> (usize, bool) {
        let entries = match self.read_store(|s| s.due(100)).await {
            Ok(e) => e,
            Err(e) => {
                tracing::error!("outbox read failed: {e}");
                return (0, true);
            }
        };
        let mut delivered = 0;
        let mut blocked_kinds: Vec<String> = Vec::new();
        for e in entries {
            if blocked_kinds.contains(&e.kind) {
                continue;
            }
            let r = self
                .inner
                .client
                .post(&e.path, Some(e.key), &e.body, None)
                .await;
            self.contact(&r);
            let key = e.key;
            let outcome = match r {
                Ok((_, answer)) => self
                    .with_store(move |s| s.delivered(key, &answer))
                    .await
                    .map(|_| true),
                Err(ClientError::Rejected {
                    status: 409, code, ..
                }) => {
                    let answer = json!({"error": code});
                    self.with_store(move |s| s.delivered(key, &answer))
                        .await
                        .map(|_| true)
                }
                Err(ClientError::Rejected {
                    status,
                    code,
                    message,
                    ..
                }) => {
                    tracing::warn!(target: "alert", message_id = crate::journal::ALERT, kind = %e.kind, "outbox entry refused ({status} {code}): dead letter");
                    let error = format!("{status} {code}: {message}");
                    self.with_store(move |s| s.dead(key, &error))
                        .await
                        .map(|_| false)
                }
                Err(ClientError::Unauthorized(_)) => return (delivered, true),
                Err(err) => {
                    let retry_after = match &err {
                        ClientError::Unavailable { retry_after, .. } => *retry_after,
                        _ => None,
                    };
                    let wait = retry_after.unwrap_or_else(|| backoff(e.attempts));
                    let (error, at) = (err.to_string(), retry_due(now_ms(), wait));
                    let _ = self
                        .with_store(move |s| s.retry_later(key, &error, at))
                        .await;
                    blocked_kinds.push(e.kind.clone());
                    if matches!(err, ClientError::Network(_)) {
                        return (delivered, true);
                    }
                    continue;
                }
            };
            match outcome {
                Ok(true) => delivered += 1,
                Ok(false) => {}
                Err(err) => tracing::error!("outbox update failed: {err}"),
            }
        }
        (delivered, false)
    }

    /// Delivers until the outbox is empty or the backend is unreachable. Ok(true): empty.
    pub async fn flush(&self) -> Result<bool, StoreError> {
        loop {
            let (n, unreachable) = self.deliver_due().await;
            let counts = self.read_store(|s| s.counts()).await?;
            if counts.pending == 0 {
                return Ok(true);
            }
            if unreachable || n == 0 {
                // Entries waiting for their backoff: try them now, once.
                let any_due = !self.read_store(|s| s.due(1)).await?.is_empty();
                if !any_due {
                    self.store_reset_backoff().await?;
                    let (n2, unreachable2) = self.deliver_due().await;
                    if n2 == 0 || unreachable2 {
                        return Ok(self.read_store(|s| s.counts()).await?.pending == 0);
                    }
                } else if unreachable {
                    return Ok(false);
                }
            }
        }
    }

    async fn store_reset_backoff(&self) -> Result<(), StoreError> {
        // Collected first, then one call per entry: the store's lock is not held across
        // the loop, so a citizen's action commits between two of these.
        let pending = self.read_store(|s| s.entries("pending")).await?;
        for e in pending {
            let error = e.last_error.unwrap_or_default();
            self.with_store(move |s| s.retry_later(e.key, &error, 0))
                .await?;
        }
        Ok(())
    }

    /// Starts the delivery actor and the upkeep loop (catalog, blocks, heartbeat every
    /// minute) on the current tokio runtime. They stop with [`HallLink::shutdown`].
    pub fn start(&self) -> tokio::task::JoinHandle<()> {
        let link = self.clone();
        let mut stop = self.inner.stop.subscribe();
        tokio::spawn(async move {
            let mut upkeep = tokio::time::interval(Duration::from_secs(60));
            // Retention runs at open (see `open`) and then hourly, in an upkeep round.
            let mut last_prune = tokio::time::Instant::now();
            loop {
                link.inner
                    .actor_beat_ms
                    .store(now_ms(), std::sync::atomic::Ordering::Relaxed);
                tokio::select! {
                    _ = stop.changed() => break,
                    _ = upkeep.tick() => {
                        if let Err(e) = link.sync().await {
                            tracing::debug!("upkeep: {e}");
                        }
                        if last_prune.elapsed() >= PRUNE_EVERY {
                            last_prune = tokio::time::Instant::now();
                            let keep = link.inner.settings.retention.keep_done_ms;
                            if let Err(e) = link.with_store(move |s| s.prune(keep)).await {
                                tracing::warn!("store: pruning failed: {e}");
                            }
                        }
                    }
                    _ = link.inner.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                }
                if *stop.borrow() {
                    break;
                }
                let _ = link.deliver_due().await;
                link.resume_payments().await;
            }
        })
    }

    pub fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
    }

    /// How long since the delivery actor last went round its loop (None before it starts).
    /// It goes round at least every 2 s, plus one delivery pass; a pass that never ends
    /// (a hung request, a lock never released) shows here as a growing age.
    pub fn actor_age(&self) -> Option<Duration> {
        let ms = self
            .inner
            .actor_beat_ms
            .load(std::sync::atomic::Ordering::Relaxed);
        (ms > 0).then(|| Duration::from_millis((now_ms() - ms).max(0) as u64))
    }

    /// Calls `f` with the duration of every request to the backend and whether it got an
    /// answer (any status) rather than a network error or timeout: hall IT's latency figures.
    pub fn observe_latency(&self, f: impl Fn(Duration, bool) + Send + Sync + 'static) {
        self.inner.client.set_observer(std::sync::Arc::new(f));
    }

    /// Staff: dead letters, retry one.
    /// Uses a single-use staff code's nonce (committed before the answer): true the first
    /// time, false when the code was shown before.
    pub async fn use_nonce(&self, nonce: String, expires_at_ms: i64) -> Result<bool, StoreError> {
        self.with_store(move |s| s.use_nonce(&nonce, expires_at_ms))
            .await
    }

    /// A state the kiosk keeps across restarts (JSON text), if any.
    pub fn kept_state(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.store().state(key)
    }

    /// Keeps a state across restarts; committed when this returns.
    pub fn keep_state(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.store().set_state(key, value)
    }

    pub fn dead_letters(&self) -> Result<Vec<crate::store::Entry>, StoreError> {
        self.store().entries("dead")
    }

    pub fn retry_dead(&self, key: Uuid) -> Result<crate::Revived, StoreError> {
        let r = self.store().revive(key);
        self.inner.wake.notify_one();
        r
    }

    /// Staff give up on a dead letter (kept in the store for audit, never sent).
    pub fn discard_dead(&self, key: Uuid) -> Result<bool, StoreError> {
        self.store().discard(key)
    }
}

/// A check-in that gave a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCheckIn {
    pub answer: CheckInAnswer,
    pub key: Uuid,
}

/// Locks the store, taking over a lock poisoned by a panic: SQLite rolled back whatever
/// transaction the panic interrupted, so the store is consistent.
fn lock_store(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    #[cfg(test)]
    tests::STORE_LOCKS.with(|n| n.set(n.get() + 1));
    store.lock().unwrap_or_else(|p| p.into_inner())
}

/// The cached catalog, parsed; None when there is none or it does not read.
fn catalog_of(store: &Store) -> Option<serde_json::Value> {
    let c = store.catalog().ok().flatten()?;
    serde_json::from_str(&c.1).ok()
}

/// The category codes a catalog lists.
fn codes_of(catalog: Option<serde_json::Value>) -> Vec<String> {
    catalog
        .and_then(|c| {
            c.get("categories")?.as_array().map(|a| {
                a.iter()
                    .filter_map(|c| c.get("code")?.as_str().map(str::to_string))
                    .collect()
            })
        })
        .unwrap_or_default()
}

/// What a failed booking exchange means for the citizen.
fn booking_error(e: ClientError) -> BookingError {
    match e {
        ClientError::Rejected { status: 404, .. } => BookingError::NotFound,
        ClientError::Rejected { code, .. } => BookingError::Refused(code),
        other => BookingError::Offline(other.to_string()),
    }
}

/// Percent-encodes a query value (everything but RFC 3986's unreserved characters).
fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Percent-encodes a path segment (the same set: a `/` in a number stays in its segment).
fn path_escape(s: &str) -> String {
    query_escape(s)
}

/// Unix ms of an RFC 3339 time.
fn rfc3339_ms(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
}

fn clone_err(e: &ClientError) -> ClientError {
    match e {
        ClientError::Network(s) => ClientError::Network(s.clone()),
        ClientError::Unauthorized(c) => ClientError::Unauthorized(*c),
        ClientError::InProgress => ClientError::InProgress,
        other => ClientError::BadAnswer(other.to_string()),
    }
}

/// When an outbox entry that failed at `now_ms` is due again: `wait` (the backend's
/// Retry-After, or [`backoff`]) later, in ms since the epoch. A wait too long to count
/// is "never" (i64::MAX), not a wrapped time in the past.
pub fn retry_due(now_ms: i64, wait: Duration) -> i64 {
    now_ms.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX))
}

/// Exponential backoff with jitter, capped: 1 s, 2 s, 4 s ... 60 s, each times 0.5..1.0.
pub fn backoff(attempts: u32) -> Duration {
    let base = Duration::from_secs(1u64 << attempts.min(6)).min(BACKOFF_CAP);
    let jitter = 0.5 + rand::random::<f64>() * 0.5;
    base.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::Instant;

    use super::*;

    #[test]
    fn a_huge_retry_after_never_makes_the_next_try_wrap_into_the_past() {
        let now = 1_780_000_000_000;
        assert_eq!(retry_due(now, Duration::from_millis(1500)), now + 1500);
        // Retry-After: 9223372036854775 (delta-seconds, as the interface allows) overflowed
        // the i64 sum; u64::MAX seconds truncated to a negative millisecond count.
        assert_eq!(
            retry_due(now, Duration::from_secs(9_223_372_036_854_775)),
            i64::MAX
        );
        assert_eq!(retry_due(now, Duration::from_secs(u64::MAX)), i64::MAX);
    }
    use crate::api::Source;
    use crate::sim::{Fault, HallSim, SimOptions};

    thread_local! {
        /// How often this thread locked a link's store (counted in `lock_store`).
        pub(super) static STORE_LOCKS: Cell<u64> = const { Cell::new(0) };
    }

    fn locks_here() -> u64 {
        STORE_LOCKS.with(Cell::get)
    }

    /// One thread runs every task and it is the test's own: a store call made inline by
    /// an async fn is counted on it, one run on the blocking pool is not.
    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    async fn setup() -> (HallSim, HallLink, tempfile::TempDir) {
        let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut s = LinkSettings::new("T-01", &sim.url(), "demo-token", dir.path().to_path_buf());
        s.ticket_timeout = Duration::from_millis(600);
        s.timeout = Duration::from_millis(300);
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

    #[test]
    fn no_store_call_of_an_async_fn_runs_on_the_runtime_thread() {
        runtime().block_on(async {
            let (sim, link, _d) = setup().await;
            // open() is synchronous and may lock here; from now on only async fns run.
            let before = locks_here();
            link.sync().await.unwrap();
            assert!(!link.take_ticket(walk_in("A")).await.unwrap().offline);
            let appointment = CheckInRequest::Code {
                code: "NO-SUCH".into(),
            };
            assert!(link.check_in(appointment).await.is_err());
            let rating =
                json!({"ref": {"ticket_no": "A001"}, "level": 5, "reasons": [], "comment": ""});
            let posted = link.post_or_queue("rating", "/ratings", rating.clone());
            assert!(matches!(posted.await.unwrap(), Posted::Answered(_)));
            let again = link.post_or_queue("rating", "/ratings", rating).await;
            assert!(matches!(
                again.unwrap(),
                Posted::Refused { status: 409, .. }
            ));
            let query = api::ProgressQuery::IdNumber {
                id_number: "110101195003071542".into(),
            };
            link.progress(&query).await.unwrap();

            sim.set_fault(Fault::Down);
            assert!(link.take_ticket(walk_in("A")).await.unwrap().offline);
            let err = link.take_ticket(walk_in("NONE")).await.unwrap_err();
            assert_eq!(err.kind(), "no_offline_numbers");
            let late =
                json!({"ref": {"ticket_no": "B002"}, "level": 1, "reasons": [], "comment": ""});
            let queued = link.post_or_queue("rating", "/ratings", late).await;
            assert!(matches!(queued.unwrap(), Posted::Queued(_)));
            sim.set_fault(Fault::None);
            assert!(link.flush().await.unwrap());
            assert_eq!(sim.ratings().len(), 2);

            assert_eq!(
                locks_here(),
                before,
                "an async fn locked the store on a runtime thread"
            );
        });
    }

    #[test]
    fn a_slow_commit_leaves_the_runtime_free() {
        runtime().block_on(async {
            let (_sim, link, _d) = setup().await;
            // Another thread holds the store as a commit waiting on a slow fsync would.
            let store = Arc::clone(&link.inner.store);
            let (held, is_held) = std::sync::mpsc::channel();
            let holder = std::thread::spawn(move || {
                let _guard = lock_store(&store);
                held.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(300));
            });
            is_held.recv().unwrap();
            let ticks = Arc::new(std::sync::atomic::AtomicU32::new(0));
            let t = Arc::clone(&ticks);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    t.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
            let start = Instant::now();
            assert!(link.flush().await.unwrap());
            assert!(start.elapsed() >= Duration::from_millis(200));
            let n = ticks.load(std::sync::atomic::Ordering::Relaxed);
            assert!(
                n >= 5,
                "the runtime stood still while the store was busy ({n} ticks)"
            );
            holder.join().unwrap();
        });
    }

    #[test]
    fn a_panicking_store_call_is_a_store_error_and_the_store_lives_on() {
        runtime().block_on(async {
            let (_sim, link, _d) = setup().await;
            let r: Result<(), _> = link
                .with_store(|s| {
                    s.enqueue("rating", "/ratings", Uuid::new_v4(), &json!({}))?;
                    panic!("a bug in a store call")
                })
                .await;
            assert!(matches!(r, Err(StoreError::Task(_))), "{r:?}");
            // The lock was poisoned by the panic; both kinds of caller carry on.
            assert_eq!(link.with_store(|s| s.counts()).await.unwrap().pending, 1);
            assert_eq!(link.status().outbox.pending, 1);
        });
    }
}
