//! The kiosk's durable store (SQLite, WAL, `synchronous=FULL`): the outbox of everything a
//! citizen was told was accepted, tickets issued here, reserved offline ticket numbers, and
//! the cached catalog. Every accepted action is one transaction holding the action and its
//! outbox entry, committed before the caller returns.
//!
//! [`Store`] is the kiosk's own handle: opening it migrates and settles, so only the running
//! kiosk opens one. Tools that look while it runs use [`StoreReader`], which never writes.

use std::path::{Path, PathBuf};

use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

mod reader;
use reader::side_file;
pub use reader::{CachedCatalog, ReadError, StoreReader, StoreSummary};

/// The store's file in the kiosk's data directory.
pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join("kiosk.db")
}

/// The body of an entry the backend has, or that died, was voided or given up on, without
/// the citizen's personal data (names, numbers, forms, a complaint's text, a rating's
/// comment): what stays is what staff statistics need.
const STRIP_PERSONAL: &str = "json_remove(body, '$.applicant', '$.phone', '$.id_number', '$.form', '$.delivery', '$.text', '$.comment')";

/// Entries whose meaning expires: a ticket or check-in request resent later would make a
/// number nobody is waiting for. Staff "retry" of such an entry older than
/// [`REQUEST_MEANING_MS`] voids it instead.
const EXPIRING_KINDS: &[&str] = &["ticket_request"];
pub const REQUEST_MEANING_MS: i64 = 5 * 60 * 1000;

/// How long the store keeps what it no longer needs, and how large it may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Delivered, voided and discarded entries (already without personal data) and the
    /// tickets issued here leave the store this long after they were made.
    pub keep_done_ms: i64,
    /// The store's file may grow to this many bytes; beyond it a commit fails (the citizen
    /// is told nothing was kept) instead of the data partition filling for everything else.
    pub max_bytes: u64,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            keep_done_ms: 30 * 24 * 3600 * 1000,
            max_bytes: 256 * 1024 * 1024,
        }
    }
}

/// What staff "retry" did to a dead letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revived {
    /// Sent again by the delivery actor.
    Pending,
    /// A ticket or check-in request too old to mean anything: voided instead.
    Voided,
    /// No dead letter with that key.
    NotDead,
}

/// Schema versions, applied in order; `PRAGMA user_version` records how far a file is.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending',
        last_error TEXT,
        answer TEXT
     );
     CREATE INDEX outbox_state ON outbox(state, id);
     CREATE TABLE tickets (
        key TEXT PRIMARY KEY,
        ticket_no TEXT NOT NULL,
        category TEXT NOT NULL,
        offline INTEGER NOT NULL,
        answer TEXT NOT NULL,
        created_at INTEGER NOT NULL
     );
     CREATE TABLE blocks (
        block_id TEXT NOT NULL,
        category TEXT NOT NULL,
        number TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (block_id, number)
     );
     CREATE TABLE catalog (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        etag TEXT,
        body TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
     );",
    // 2: the nonces of single-use staff codes, kept until the code would have expired.
    "CREATE TABLE used_nonces (
        nonce TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
     );",
    // 3: small states the kiosk keeps across restarts (the staff PIN gate's count).
    "CREATE TABLE kiosk_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
     );",
    // 4: payment orders, one per action, committed before the order is sent (its key is
    // the Idempotency-Key); `body` never holds the paycode.
    "CREATE TABLE payments (
        key TEXT PRIMARY KEY,
        created_ms INTEGER NOT NULL,
        ref TEXT NOT NULL,
        amount_fen INTEGER NOT NULL,
        method TEXT NOT NULL,
        body TEXT NOT NULL,
        payment_no TEXT,
        status TEXT NOT NULL DEFAULT 'creating',
        expires_at TEXT,
        paid_at TEXT,
        einvoice_url TEXT,
        qr_url TEXT,
        shown INTEGER NOT NULL DEFAULT 0,
        printed INTEGER NOT NULL DEFAULT 0,
        updated_ms INTEGER NOT NULL
     );
     CREATE INDEX payments_status ON payments(status);",
];

/// The schema version this build writes and reads (`PRAGMA user_version` once migrated).
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused an operation (disk full, I/O error, locked beyond the timeout).
    #[error("local store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database file could not be moved aside or created.
    #[error("local store {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is corrupt even after it was set aside and a fresh one made.
    #[error("local store is corrupt: {0}")]
    Corrupt(String),
    /// The file's schema is newer than this build's (the other A/B slot's newer kiosk wrote
    /// it) or not a schema version at all: opening it would misread or damage it.
    #[error("local store {}: schema version {found}, this build knows 0 to {known}; start the kiosk version that wrote it, or move the file aside after its entries were delivered", path.display())]
    Schema {
        path: PathBuf,
        found: i64,
        known: u32,
    },
    /// A store operation run off the async workers panicked, or the runtime shut down
    /// before it ran. Its transaction, if it had opened one, was rolled back, so the caller
    /// must not promise anything; the store itself stays usable.
    #[error("local store operation failed: {0}")]
    Task(String),
}

/// Why [`Store::open_checked`] did not give a connection.
enum Refusal {
    /// SQLite says the file is damaged: set it aside.
    Corrupt(String),
    /// Anything else: the file may be fine, so it is left alone.
    Error(StoreError),
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Refusal {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match e.sqlite_error_code() {
            Some(DatabaseCorrupt | NotADatabase) => Refusal::Corrupt(e.to_string()),
            _ => Refusal::Error(StoreError::Sqlite(e)),
        }
    }
}

/// Moves a corrupt database and its side files to `<name>.corrupt-<UTC time>[-wal|-shm]`
/// (a new name if that is taken) and returns the database's new name.
fn set_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let base = (0..)
        .map(|n| {
            let tag = if n == 0 {
                format!("corrupt-{stamp}")
            } else {
                format!("corrupt-{stamp}-{n}")
            };
            side_file(path, &format!(".{tag}"))
        })
        .find(|p| !p.exists() && !side_file(p, "-wal").exists())
        .expect("some name is free");
    for suffix in ["-wal", "-shm", ""] {
        let from = side_file(path, suffix);
        if from.exists() {
            std::fs::rename(&from, side_file(&base, suffix)).map_err(|e| StoreError::File {
                path: from,
                source: e,
            })?;
        }
    }
    Ok(base)
}

/// The flags of a payment order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentFlag {
    Shown,
    Printed,
}

/// What opening found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenReport {
    Ok,
    /// The file failed its integrity check; it was kept aside under this name and a fresh
    /// one made. Staff must be told: unsent entries are in the old file.
    Recreated {
        kept_as: PathBuf,
        reason: String,
    },
}

/// Where a payment order stands on the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayStatus {
    /// Committed on the kiosk, sent (or about to be), no answer yet: the backend may or may
    /// not have the order. Resolved by sending the same key again, never by a new order.
    Creating,
    Pending,
    Paid,
    Failed,
    Expired,
    Cancelled,
    /// The backend never made the order (refused it, or a resumed paycode order it never
    /// had): the citizen was not charged.
    NotCreated,
}

impl PayStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PayStatus::Creating => "creating",
            PayStatus::Pending => "pending",
            PayStatus::Paid => "paid",
            PayStatus::Failed => "failed",
            PayStatus::Expired => "expired",
            PayStatus::Cancelled => "cancelled",
            PayStatus::NotCreated => "not_created",
        }
    }

    pub fn parse(s: &str) -> PayStatus {
        match s {
            "pending" => PayStatus::Pending,
            "paid" => PayStatus::Paid,
            "failed" => PayStatus::Failed,
            "expired" => PayStatus::Expired,
            "cancelled" => PayStatus::Cancelled,
            "not_created" => PayStatus::NotCreated,
            _ => PayStatus::Creating,
        }
    }

    /// No answer can change it any more.
    pub fn is_final(self) -> bool {
        !matches!(self, PayStatus::Creating | PayStatus::Pending)
    }
}

impl From<crate::api::PaymentStatus> for PayStatus {
    fn from(s: crate::api::PaymentStatus) -> PayStatus {
        use crate::api::PaymentStatus as A;
        match s {
            A::Pending => PayStatus::Pending,
            A::Paid => PayStatus::Paid,
            A::Failed => PayStatus::Failed,
            A::Expired => PayStatus::Expired,
            A::Cancelled => PayStatus::Cancelled,
        }
    }
}

/// A payment order the kiosk made (see [`crate::HallLink::pay_create`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The Idempotency-Key of POST /payments: one order per key.
    pub key: Uuid,
    pub payment_no: Option<String>,
    pub status: PayStatus,
    pub amount_fen: u64,
    pub reference: crate::api::PaymentRef,
    pub method: crate::api::PayMethod,
    pub qr_url: Option<String>,
    pub expires_at: Option<String>,
    pub paid_at: Option<String>,
    pub einvoice_url: Option<String>,
    /// The citizen saw the result on the screen.
    pub shown: bool,
    /// Its receipt was printed (for the citizen or for staff).
    pub printed: bool,
    /// Unix ms it was committed.
    pub created_ms: i64,
}

/// What an answer says of an order (None: unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentUpdate {
    pub payment_no: Option<String>,
    pub status: Option<PayStatus>,
    pub qr_url: Option<String>,
    pub expires_at: Option<String>,
    pub paid_at: Option<String>,
    pub einvoice_url: Option<String>,
}

const PAYMENT_COLUMNS: &str = "key, payment_no, status, amount_fen, ref, method, qr_url, expires_at, paid_at, einvoice_url, shown, printed, created_ms";

fn payment_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Payment> {
    let key: String = r.get(0)?;
    let status: String = r.get(2)?;
    let reference: String = r.get(4)?;
    let method: String = r.get(5)?;
    Ok(Payment {
        key: Uuid::parse_str(&key).unwrap_or_default(),
        payment_no: r.get(1)?,
        status: PayStatus::parse(&status),
        amount_fen: r.get::<_, i64>(3)?.max(0) as u64,
        reference: serde_json::from_str(&reference)
            .unwrap_or(crate::api::PaymentRef::ItemCode(String::new())),
        method: serde_json::from_value(serde_json::Value::String(method))
            .unwrap_or(crate::api::PayMethod::Qr),
        qr_url: r.get(6)?,
        expires_at: r.get(7)?,
        paid_at: r.get(8)?,
        einvoice_url: r.get(9)?,
        shown: r.get(10)?,
        printed: r.get(11)?,
        created_ms: r.get(12)?,
    })
}

/// One outbox entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub kind: String,
    pub key: Uuid,
    pub path: String,
    pub body: serde_json::Value,
    pub attempts: u32,
    pub last_error: Option<String>,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Reads an outbox row selected as (id, kind, key, path, body, attempts, last_error).
fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let key: String = r.get(2)?;
    let body: String = r.get(4)?;
    Ok(Entry {
        id: r.get(0)?,
        kind: r.get(1)?,
        key: Uuid::parse_str(&key).unwrap_or_default(),
        path: r.get(3)?,
        body: serde_json::from_str(&body).unwrap_or_default(),
        attempts: r.get::<_, i64>(5)? as u32,
        last_error: r.get(6)?,
    })
}

/// The trusted now (Unix ms) every stored time is written and compared in.
pub use crate::clock::now_ms;

/// The `version` field of a cached catalog body, if it has one.
pub(crate) fn catalog_version(body: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()?
        .get("version")?
        .as_str()
        .map(str::to_string)
}

/// The reading queries, on a bare connection, so that [`Store`] (the kiosk, read-write) and
/// [`StoreReader`] (tools, read-only) cannot drift apart: one place per query.
mod query {
    use super::*;

    pub(super) fn schema_version(conn: &Connection) -> rusqlite::Result<u32> {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
    }

    /// "ok", or the first problem SQLite found.
    pub(super) fn integrity(conn: &Connection) -> rusqlite::Result<String> {
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
    }

    pub(super) fn counts(conn: &Connection) -> rusqlite::Result<crate::api::OutboxFigures> {
        let count = |state: &str| -> rusqlite::Result<u64> {
            Ok(conn.query_row(
                "SELECT COUNT(*) FROM outbox WHERE state = ?1",
                params![state],
                |r| r.get::<_, i64>(0),
            )? as u64)
        };
        Ok(crate::api::OutboxFigures {
            pending: count("pending")?,
            dead: count("dead")?,
        })
    }

    pub(super) fn oldest_pending_ms(conn: &Connection) -> rusqlite::Result<Option<i64>> {
        conn.query_row(
            "SELECT MIN(created_at) FROM outbox WHERE state IN ('pending', 'inflight')",
            [],
            |r| r.get(0),
        )
    }

    pub(super) fn entries(conn: &Connection, state: &str) -> rusqlite::Result<Vec<Entry>> {
        let mut stmt = conn.prepare(
            "SELECT id, kind, key, path, body, attempts, last_error FROM outbox WHERE state = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![state], entry_row)?;
        rows.collect()
    }

    pub(super) fn offline_left(conn: &Connection) -> rusqlite::Result<Vec<(String, u32)>> {
        let mut stmt = conn.prepare(
            "SELECT category, COUNT(*) FROM blocks WHERE used = 0 AND expires_at > ?1 GROUP BY category ORDER BY category",
        )?;
        let rows = stmt.query_map(params![now_ms()], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u32))
        })?;
        rows.collect()
    }

    /// (etag, body, fetched_at ms)
    pub(super) fn catalog(
        conn: &Connection,
    ) -> rusqlite::Result<Option<(Option<String>, String, i64)>> {
        conn.query_row(
            "SELECT etag, body, fetched_at FROM catalog WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
    }

    pub(super) fn size_bytes(conn: &Connection) -> rusqlite::Result<u64> {
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok((pages.max(0) as u64).saturating_mul(size.max(0) as u64))
    }

    /// (online, offline)
    pub(super) fn tickets_issued(conn: &Connection) -> rusqlite::Result<(u64, u64)> {
        let count = |offline: bool| -> rusqlite::Result<u64> {
            Ok(conn.query_row(
                "SELECT COUNT(*) FROM tickets WHERE offline = ?1",
                params![offline],
                |r| r.get::<_, i64>(0),
            )? as u64)
        };
        Ok((count(false)?, count(true)?))
    }
}

impl Store {
    /// Opens (or creates) the store, checking its integrity first.
    ///
    /// Only a file SQLite itself calls corrupt (`SQLITE_CORRUPT`, `SQLITE_NOTADB`, or a
    /// failing `integrity_check`) is set aside, with its `-wal` and `-shm`, under a dated
    /// name, and a fresh one made ([`OpenReport::Recreated`]); nothing is ever deleted, since
    /// committed entries may live only in the `-wal`. Every other failure (permissions, a
    /// lock held elsewhere, I/O, a full disk, a schema from a newer build) is an error and
    /// leaves the files as they were: the kiosk goes out of service and says why.
    pub fn open(path: &Path) -> Result<(Store, OpenReport), StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::File {
                path: dir.to_owned(),
                source: e,
            })?;
        }
        let mut report = OpenReport::Ok;
        let conn = match Self::open_checked(path) {
            Ok(c) => c,
            Err(Refusal::Error(e)) => return Err(e),
            Err(Refusal::Corrupt(reason)) => {
                let kept_as = set_aside(path)?;
                tracing::error!(target: "alert", message_id = crate::journal::ALERT, kept_as = %kept_as.display(), "local store was corrupt: {reason}; it was kept aside and a fresh one made");
                report = OpenReport::Recreated { kept_as, reason };
                Self::open_checked(path).map_err(|r| match r {
                    Refusal::Error(e) => e,
                    Refusal::Corrupt(why) => StoreError::Corrupt(why),
                })?
            }
        };
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found < 0 || found > i64::from(SCHEMA_VERSION) {
            return Err(StoreError::Schema {
                path: path.to_owned(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        store.migrate()?;
        store.settle_inflight()?;
        Ok((store, report))
    }

    fn open_checked(path: &Path) -> Result<Connection, Refusal> {
        let conn = Connection::open(path)?;
        // A file that fails its check must not be checkpointed when this connection
        // closes: that would fold (or drop) the `-wal` the set-aside copy needs.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // WAL with FULL sync: a commit survives power loss the moment it returns.
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if mode != "wal" {
            return Err(Refusal::Error(StoreError::Sqlite(
                rusqlite::Error::InvalidParameterName(format!("journal mode {mode}, not wal")),
            )));
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        let check = query::integrity(&conn)?;
        if check != "ok" {
            return Err(Refusal::Corrupt(check));
        }
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
        Ok(conn)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version = query::schema_version(&self.conn)? as usize;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// A ticket request that was in flight when the kiosk stopped was never shown to a
    /// citizen: whatever number the backend may have issued for it is voided.
    fn settle_inflight(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let inflight: Vec<String> = tx
            .prepare("SELECT key FROM outbox WHERE state = 'inflight'")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for key in &inflight {
            if let Ok(key) = Uuid::parse_str(key) {
                Self::void_request(&tx, key)?;
            }
        }
        tx.commit()?;
        if !inflight.is_empty() {
            tracing::warn!(
                n = inflight.len(),
                "ticket request(s) interrupted by a restart will be voided at the backend"
            );
        }
        Ok(())
    }

    /// The one way a request the citizen was never told the answer to is settled: a void
    /// notice with a key of its own (the backend refuses a reused key with another body as
    /// `key_reused`, which would leave its number a ghost) naming the voided key, and the
    /// request itself marked `voided`, never sent again. Runs inside the caller's
    /// transaction; returns the notice's key.
    fn void_request(tx: &rusqlite::Transaction<'_>, voided: Uuid) -> Result<Uuid, StoreError> {
        let notice = Uuid::new_v4();
        let body = serde_json::json!({ "idempotency_key": voided.to_string() });
        tx.execute(
            "INSERT INTO outbox (kind, key, path, body, created_at) VALUES ('ticket_void', ?1, '/tickets/void', ?2, ?3)",
            params![notice.to_string(), body.to_string(), now_ms()],
        )?;
        tx.execute(
            &format!("UPDATE outbox SET state = 'voided', body = {STRIP_PERSONAL}, last_error = 'unanswered; voided by ' || ?2 WHERE key = ?1"),
            params![voided.to_string(), notice.to_string()],
        )?;
        Ok(notice)
    }

    /// [`Store::void_request`] in a transaction of its own (a check-in nobody answered).
    pub fn void(&mut self, voided: Uuid) -> Result<Uuid, StoreError> {
        let tx = self.conn.transaction()?;
        let notice = Self::void_request(&tx, voided)?;
        tx.commit()?;
        Ok(notice)
    }

    /// Commits a payment order before it is sent (status `creating`). `body` is the request
    /// without its paycode, which is never stored.
    pub fn begin_payment(
        &mut self,
        key: Uuid,
        request: &crate::api::PaymentRequest,
    ) -> Result<(), StoreError> {
        let mut stored = request.clone();
        stored.paycode = None;
        let body = serde_json::to_value(&stored).map_err(|e| StoreError::Task(e.to_string()))?;
        let reference = serde_json::to_string(&request.reference)
            .map_err(|e| StoreError::Task(e.to_string()))?;
        let method = match request.method {
            crate::api::PayMethod::Qr => "qr",
            crate::api::PayMethod::Paycode => "paycode",
        };
        let now = now_ms();
        self.conn.execute(
            "INSERT INTO payments (key, created_ms, ref, amount_fen, method, body, status, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'creating', ?2)",
            params![
                key.to_string(),
                now,
                reference,
                i64::try_from(request.amount_fen).unwrap_or(i64::MAX),
                method,
                body.to_string(),
            ],
        )?;
        Ok(())
    }

    /// Records what an answer said of an order. A final status is never changed back to an
    /// open one (an answer overtaken by a later one).
    pub fn update_payment(&mut self, key: Uuid, u: &PaymentUpdate) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let current: Option<String> = tx
            .query_row(
                "SELECT status FROM payments WHERE key = ?1",
                params![key.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(current) = current else {
            return Ok(());
        };
        let status = match u.status {
            Some(new) if !PayStatus::parse(&current).is_final() || new == PayStatus::Paid => {
                new.as_str().to_string()
            }
            _ => current,
        };
        tx.execute(
            "UPDATE payments SET status = ?2, payment_no = COALESCE(?3, payment_no), qr_url = COALESCE(?4, qr_url), expires_at = COALESCE(?5, expires_at), paid_at = COALESCE(?6, paid_at), einvoice_url = COALESCE(?7, einvoice_url), updated_ms = ?8 WHERE key = ?1",
            params![
                key.to_string(),
                status,
                u.payment_no,
                u.qr_url,
                u.expires_at,
                u.paid_at,
                u.einvoice_url,
                now_ms()
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets `shown` or `printed` of an order.
    pub fn payment_flag(&mut self, key: Uuid, flag: PaymentFlag) -> Result<(), StoreError> {
        let column = match flag {
            PaymentFlag::Shown => "shown",
            PaymentFlag::Printed => "printed",
        };
        self.conn.execute(
            &format!("UPDATE payments SET {column} = 1, updated_ms = ?2 WHERE key = ?1"),
            params![key.to_string(), now_ms()],
        )?;
        Ok(())
    }

    pub fn payment(&self, key: Uuid) -> Result<Option<Payment>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE key = ?1"),
                params![key.to_string()],
                payment_row,
            )
            .optional()?)
    }

    /// The request of an order as it was committed (without the paycode).
    pub fn payment_body(&self, key: Uuid) -> Result<Option<serde_json::Value>, StoreError> {
        let body: Option<String> = self
            .conn
            .query_row(
                "SELECT body FROM payments WHERE key = ?1",
                params![key.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    /// Orders not final yet (creating or pending), oldest first.
    pub fn payments_open(&self) -> Result<Vec<Payment>, StoreError> {
        self.payments_where("status IN ('creating', 'pending')")
    }

    /// Orders paid whose citizen was not shown it and whose receipt was not printed: for
    /// staff to print and hand over.
    pub fn payments_paid_unshown(&self) -> Result<Vec<Payment>, StoreError> {
        self.payments_where("status = 'paid' AND shown = 0 AND printed = 0")
    }

    fn payments_where(&self, condition: &str) -> Result<Vec<Payment>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE {condition} ORDER BY created_ms, key"
        ))?;
        let rows = stmt.query_map([], payment_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// [`Store::begin_request`] with a kind of its own (e.g. "booking"): settled the same
    /// way (voided) when no answer came or the kiosk stopped before one.
    pub fn begin_request_as(
        &mut self,
        kind: &str,
        key: Uuid,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO outbox (kind, key, path, body, created_at, state) VALUES (?1, ?2, ?3, ?4, ?5, 'inflight')",
            params![kind, key.to_string(), path, body.to_string(), now_ms()],
        )?;
        Ok(())
    }

    /// Records a ticket request before it is sent, so that an answer lost with the kiosk
    /// (crash, power cut) is settled later instead of leaving a ghost number.
    pub fn begin_request(
        &mut self,
        key: Uuid,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO outbox (kind, key, path, body, created_at, state) VALUES ('ticket_request', ?1, ?2, ?3, ?4, 'inflight')",
            params![key.to_string(), path, body.to_string(), now_ms()],
        )?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds an outbox entry on its own (ratings, complaints, help calls...).
    pub fn enqueue(
        &mut self,
        kind: &str,
        path: &str,
        key: Uuid,
        body: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO outbox (kind, key, path, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kind, key.to_string(), path, body.to_string(), now_ms()],
        )?;
        Ok(())
    }

    /// Records a ticket the backend issued (online), and closes its request entry.
    pub fn record_online_ticket(
        &mut self,
        key: Uuid,
        ticket_no: &str,
        category: &str,
        answer: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO tickets (key, ticket_no, category, offline, answer, created_at) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
            params![key.to_string(), ticket_no, category, answer.to_string(), now_ms()],
        )?;
        Self::finish(&tx, key, answer)?;
        tx.commit()?;
        Ok(())
    }

    /// Takes the next unused offline number of a category and, in the same transaction,
    /// records the ticket and its report to the backend, and turns the unanswered online
    /// request (if any) into a void notice so its number is never a ghost.
    #[allow(clippy::too_many_arguments)]
    pub fn issue_offline(
        &mut self,
        category: &str,
        report_key: Uuid,
        make_report: impl FnOnce(&str, &str) -> serde_json::Value,
        make_answer: impl FnOnce(&str) -> serde_json::Value,
        unanswered: Option<Uuid>,
    ) -> Result<Option<String>, StoreError> {
        let tx = self.conn.transaction()?;
        let next: Option<(String, String)> = tx
            .query_row(
                "SELECT block_id, number FROM blocks WHERE category = ?1 AND used = 0 AND expires_at > ?2 ORDER BY expires_at, number LIMIT 1",
                params![category, now_ms()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((block_id, number)) = next else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE blocks SET used = 1 WHERE block_id = ?1 AND number = ?2",
            params![block_id, number],
        )?;
        let answer = make_answer(&number);
        tx.execute(
            "INSERT INTO tickets (key, ticket_no, category, offline, answer, created_at) VALUES (?1, ?2, ?3, 1, ?4, ?5)",
            params![report_key.to_string(), number, category, answer.to_string(), now_ms()],
        )?;
        let report = make_report(&block_id, &number);
        tx.execute(
            "INSERT INTO outbox (kind, key, path, body, created_at) VALUES ('ticket_offline', ?1, '/tickets/offline', ?2, ?3)",
            params![report_key.to_string(), report.to_string(), now_ms()],
        )?;
        if let Some(k) = unanswered {
            Self::void_request(&tx, k)?;
        }
        tx.commit()?;
        Ok(Some(number))
    }

    /// Stores a block of reserved numbers; expired blocks are dropped.
    pub fn add_block(
        &mut self,
        block_id: &str,
        category: &str,
        numbers: &[String],
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM blocks WHERE expires_at <= ?1",
            params![now_ms()],
        )?;
        for n in numbers {
            tx.execute(
                "INSERT OR IGNORE INTO blocks (block_id, category, number, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![block_id, category, n, expires_at_ms],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A kept state (JSON text), if any.
    pub fn state(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM kiosk_state WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keeps a state (committed before this returns).
    pub fn set_state(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO kiosk_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Uses a single-use code's nonce: true when it had not been seen, false for a replay.
    /// Kept until `expires_at_ms`, after which the code is refused as expired anyway.
    pub fn use_nonce(&mut self, nonce: &str, expires_at_ms: i64) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM used_nonces WHERE expires_at <= ?1",
            params![now_ms()],
        )?;
        let fresh = tx.execute(
            "INSERT OR IGNORE INTO used_nonces (nonce, expires_at) VALUES (?1, ?2)",
            params![nonce, expires_at_ms],
        )? == 1;
        tx.commit()?;
        Ok(fresh)
    }

    /// Unused, unexpired offline numbers per category.
    pub fn offline_left(&self) -> Result<Vec<(String, u32)>, StoreError> {
        Ok(query::offline_left(&self.conn)?)
    }

    /// The oldest deliverable entries (pending, due), oldest first. A retry time further
    /// ahead than any wait the kiosk sets ([`crate::headers::RETRY_AFTER_CAP`]) can only
    /// come from a clock that jumped back since it was written: such an entry is due.
    pub fn due(&self, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, key, path, body, attempts, last_error FROM outbox WHERE state = 'pending' AND (next_attempt <= ?1 OR next_attempt > ?2) ORDER BY id LIMIT ?3",
        )?;
        let now = now_ms();
        let horizon =
            now.saturating_add(crate::headers::RETRY_AFTER_CAP.as_millis() as i64 + 60_000);
        let rows = stmt
            .query_map(params![now, horizon, limit as i64], entry_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn finish(
        tx: &rusqlite::Transaction<'_>,
        key: Uuid,
        answer: &serde_json::Value,
    ) -> Result<(), StoreError> {
        // Personal data leaves the store once the backend has it: keep only what staff
        // statistics need (kind, time, answer without applicant).
        tx.execute(
            &format!("UPDATE outbox SET state = 'done', body = {STRIP_PERSONAL}, answer = ?2, last_error = NULL WHERE key = ?1"),
            params![key.to_string(), answer.to_string()],
        )?;
        Ok(())
    }

    /// The backend applied the entry.
    pub fn delivered(&mut self, key: Uuid, answer: &serde_json::Value) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        Self::finish(&tx, key, answer)?;
        tx.commit()?;
        Ok(())
    }

    /// A temporary failure: try again at `next_attempt_ms`.
    pub fn retry_later(
        &mut self,
        key: Uuid,
        error: &str,
        next_attempt_ms: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt = ?3 WHERE key = ?1",
            params![key.to_string(), error, next_attempt_ms],
        )?;
        Ok(())
    }

    /// The backend refused the entry for good: kept for staff (what it was, when, why),
    /// never retried by itself, and without the citizen's personal data, which must not
    /// stay on a kiosk indefinitely.
    pub fn dead(&mut self, key: Uuid, error: &str) -> Result<(), StoreError> {
        self.conn.execute(
            &format!("UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?2, body = {STRIP_PERSONAL} WHERE key = ?1"),
            params![key.to_string(), error],
        )?;
        Ok(())
    }

    /// Staff retry a dead letter. A ticket or check-in request older than
    /// [`REQUEST_MEANING_MS`] is voided instead: its citizen left long ago with another
    /// answer, and a number issued now would be called for nobody.
    pub fn revive(&mut self, key: Uuid) -> Result<Revived, StoreError> {
        let tx = self.conn.transaction()?;
        let row: Option<(String, i64)> = tx
            .query_row(
                "SELECT kind, created_at FROM outbox WHERE key = ?1 AND state = 'dead'",
                params![key.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let revived = match row {
            None => Revived::NotDead,
            Some((kind, created))
                if EXPIRING_KINDS.contains(&kind.as_str())
                    && now_ms() - created > REQUEST_MEANING_MS =>
            {
                Self::void_request(&tx, key)?;
                Revived::Voided
            }
            Some(_) => {
                tx.execute(
                    "UPDATE outbox SET state = 'pending', next_attempt = 0 WHERE key = ?1",
                    params![key.to_string()],
                )?;
                Revived::Pending
            }
        };
        tx.commit()?;
        Ok(revived)
    }

    /// Removes what the store no longer needs (see [`Retention`]): delivered, voided and
    /// discarded entries and tickets older than `keep_done_ms`, and expired offline
    /// numbers. Pending and dead entries stay whatever their age. Returns the rows removed.
    pub fn prune(&mut self, keep_done_ms: i64) -> Result<usize, StoreError> {
        let cutoff = now_ms().saturating_sub(keep_done_ms);
        let tx = self.conn.transaction()?;
        let mut n = tx.execute(
            "DELETE FROM outbox WHERE state IN ('done', 'voided', 'discarded') AND created_at < ?1",
            params![cutoff],
        )?;
        n += tx.execute("DELETE FROM tickets WHERE created_at < ?1", params![cutoff])?;
        // Final orders nobody needs any more: a paid one only once shown or printed.
        n += tx.execute(
            "DELETE FROM payments WHERE created_ms < ?1 AND status NOT IN ('creating', 'pending') AND (status != 'paid' OR shown = 1 OR printed = 1)",
            params![cutoff],
        )?;
        n += tx.execute(
            "DELETE FROM blocks WHERE expires_at <= ?1",
            params![now_ms()],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// Caps the file at `bytes` (SQLite's `max_page_count`): a commit that would grow it
    /// further fails with "database or disk is full".
    pub fn limit_size(&mut self, bytes: u64) -> Result<(), StoreError> {
        let page: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let pages = (bytes / page.max(512) as u64).max(1);
        let pages = i64::try_from(pages).unwrap_or(i64::MAX);
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }

    /// The file's size in use (pages times page size; free pages count too), for the
    /// size alert before the cap or the partition is reached.
    pub fn size_bytes(&self) -> Result<u64, StoreError> {
        Ok(query::size_bytes(&self.conn)?)
    }

    /// Staff discard a dead letter: it is never sent, and stays in the store (state
    /// "discarded", personal data removed) as the audit of what was given up.
    pub fn discard(&mut self, key: Uuid) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            &format!("UPDATE outbox SET state = 'discarded', body = {STRIP_PERSONAL}, last_error = COALESCE(last_error, '') || ' (discarded by staff at ' || ?2 || ')' WHERE key = ?1 AND state = 'dead'"),
            params![key.to_string(), now_ms()],
        )?;
        Ok(n == 1)
    }

    /// Entries in a state ("pending", "dead").
    pub fn entries(&self, state: &str) -> Result<Vec<Entry>, StoreError> {
        Ok(query::entries(&self.conn, state)?)
    }

    pub fn counts(&self) -> Result<crate::api::OutboxFigures, StoreError> {
        Ok(query::counts(&self.conn)?)
    }

    /// When the oldest entry still waiting to be sent was committed (Unix ms): an outbox
    /// whose oldest entry keeps ageing is stuck, whatever its depth.
    pub fn oldest_pending_ms(&self) -> Result<Option<i64>, StoreError> {
        Ok(query::oldest_pending_ms(&self.conn)?)
    }

    /// The answer stored for a delivered entry.
    pub fn answer(&self, key: Uuid) -> Result<Option<serde_json::Value>, StoreError> {
        let a: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT answer FROM outbox WHERE key = ?1",
                params![key.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(a.flatten().and_then(|s| serde_json::from_str(&s).ok()))
    }

    pub fn save_catalog(&mut self, etag: Option<&str>, body: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO catalog (id, etag, body, fetched_at) VALUES (1, ?1, ?2, ?3)",
            params![etag, body, now_ms()],
        )?;
        Ok(())
    }

    /// (etag, body, fetched_at ms)
    pub fn catalog(&self) -> Result<Option<(Option<String>, String, i64)>, StoreError> {
        Ok(query::catalog(&self.conn)?)
    }

    pub fn touch_catalog(&mut self) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE catalog SET fetched_at = ?1 WHERE id = 1",
            params![now_ms()],
        )?;
        Ok(())
    }

    /// (online, offline)
    pub fn tickets_issued(&self) -> Result<(u64, u64), StoreError> {
        Ok(query::tickets_issued(&self.conn)?)
    }
}
