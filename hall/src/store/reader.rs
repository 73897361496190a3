//! A read-only view of the kiosk's store, for tools that look while the kiosk runs
//! (`kiosk doctor`, `kiosk outbox status`).
//!
//! ```no_run
//! # fn main() -> Result<(), hall_link::store::ReadError> {
//! use hall_link::store::{ReadError, StoreReader};
//! let path = std::path::Path::new("/var/lib/hall-kiosk/kiosk.db");
//! let store = match StoreReader::open(path) {
//!     Err(ReadError::Missing { .. }) => return Ok(()), // the kiosk has never started
//!     other => other?,
//! };
//! let s = store.summary()?;
//! println!("pending {}  dead {}", s.outbox.pending, s.outbox.dead);
//! for e in &s.dead_letters {
//!     println!("dead  {}  {}  {}", e.key, e.kind, e.last_error.as_deref().unwrap_or(""));
//! }
//! # Ok(()) }
//! ```
//!
//! Looking must not change what the kiosk relies on, so this never writes: no migration, no
//! settling of in-flight requests, no checkpoint, and the database, its `-wal` and its `-shm`
//! stay byte-identical (hall/tests/store_reader.rs checks this from a second process).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::{catalog_version, query, Entry, SCHEMA_VERSION};
use crate::api::OutboxFigures;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// There is no database at that path; none was created.
    #[error("local store {}: not found (the kiosk creates it on its first start)", path.display())]
    Missing { path: PathBuf },
    /// A newer kiosk wrote the file: this build does not know its tables.
    #[error("local store {}: schema version {found}, newer than this build knows ({known})", path.display())]
    NewerSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    /// The file predates this build's schema (or is not a kiosk store yet); the kiosk
    /// migrates it on its next start, which a reader must not do.
    #[error("local store {}: schema version {found}, this build expects {known} (the kiosk migrates it on its next start)", path.display())]
    OlderSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    /// SQLite refused to open or read (not a database, permissions, I/O, busy).
    #[error("local store: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// The catalog the kiosk last fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedCatalog {
    /// The catalog's own `version` field, if it has one.
    pub version: Option<String>,
    pub etag: Option<String>,
    /// Unix ms the kiosk last confirmed it with the backend.
    pub fetched_ms: i64,
}

/// Everything `kiosk outbox status` shows, read in one snapshot: the counts and the list of
/// dead letters agree even while the kiosk delivers.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreSummary {
    pub schema_version: u32,
    pub outbox: OutboxFigures,
    /// Unix ms the oldest entry still waiting to be sent (pending or in flight) was committed.
    pub oldest_pending_ms: Option<i64>,
    /// Entries the backend refused for good, oldest first; staff revive or discard them.
    pub dead_letters: Vec<Entry>,
    /// Unused, unexpired offline ticket numbers per category.
    pub offline_left: Vec<(String, u32)>,
    pub catalog: Option<CachedCatalog>,
}

/// A read-only connection to the kiosk's store. See the module documentation.
pub struct StoreReader {
    conn: Connection,
    path: PathBuf,
    schema_version: u32,
}

/// `path` followed by `suffix`, as SQLite names its side files (`kiosk.db-wal`).
pub(super) fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut s: OsString = path.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

/// A `file:` URI for `path`: the query parameters below can only be given that way, and a
/// path holding `?`, `#` or `%` must not be read as one.
fn file_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::from(if path.is_absolute() {
        "file://"
    } else {
        "file:"
    });
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

impl StoreReader {
    /// Opens the store at `path` (the kiosk's `data_dir/kiosk.db`) read-only. It is never
    /// created: a missing file is [`ReadError::Missing`]. A schema other than this build's
    /// is refused ([`ReadError::NewerSchema`], [`ReadError::OlderSchema`]) rather than read
    /// with queries that do not fit it.
    pub fn open(path: &Path) -> Result<StoreReader, ReadError> {
        let missing = || ReadError::Missing {
            path: path.to_owned(),
        };
        if matches!(path.try_exists(), Ok(false)) {
            return Err(missing());
        }
        // How to read without writing depends on whether a kiosk has the file open:
        //
        // - No `-wal`: no connection has it open in WAL mode (SQLite keeps the `-wal` for as
        //   long as one does, and the last to close checkpoints everything into the main file
        //   and deletes it). A plain read-only open would create an empty `-wal` and a `-shm`
        //   and leave them behind, so the file is read as immutable: no side files, no locks.
        //   If a kiosk starts meanwhile its commits go to its new `-wal`, and the main file
        //   changes only when it checkpoints (after about 1000 pages), so the snapshot holds.
        // - `-wal` and `-shm`: the kiosk runs (or stopped without closing). `immutable=1`
        //   would be wrong here: it skips locking and the `-wal`, so it would miss recent
        //   commits and could read pages a checkpoint is rewriting. A read-only reader would
        //   still write its read mark into `-shm`; `readonly_shm=1` maps `-shm` read-only so
        //   it never does: it takes a shared lock on an existing read mark instead, which
        //   only holds a checkpoint back to that mark while it reads, and every commit is
        //   still seen. (Inside one process the `-shm` mapping is shared with the kiosk's
        //   connection, so there a reader may still set a read mark.)
        // - `-wal` without `-shm` (a crash, then someone removed it): the WAL cannot be read
        //   without an index, so SQLite builds a `-shm`; the database and `-wal` are untouched.
        let params = if !side_file(path, "-wal").exists() {
            "mode=ro&immutable=1"
        } else if side_file(path, "-shm").exists() {
            "mode=ro&readonly_shm=1"
        } else {
            "mode=ro"
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(format!("{}?{params}", file_uri(path)), flags)
            .map_err(|e| {
                // Removed between the look above and the open.
                if matches!(path.try_exists(), Ok(false)) {
                    missing()
                } else {
                    ReadError::Sqlite(e)
                }
            })?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // Belt and braces: a read-only connection already cannot checkpoint or write, but a
        // future change here must fail loudly rather than write.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        conn.pragma_update(None, "query_only", true)?;
        let found = query::schema_version(&conn)?;
        let known = SCHEMA_VERSION;
        let path = path.to_owned();
        if found > known {
            return Err(ReadError::NewerSchema { path, found, known });
        }
        if found < known {
            return Err(ReadError::OlderSchema { path, found, known });
        }
        Ok(StoreReader {
            conn,
            path,
            schema_version: found,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA user_version`; always [`SCHEMA_VERSION`] once opened.
    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }

    /// Outbox figures, oldest waiting entry, dead letters, offline numbers and the cached
    /// catalog, all from one read transaction.
    pub fn summary(&self) -> Result<StoreSummary, ReadError> {
        // Dropping it rolls back, which for a read transaction only releases the snapshot.
        let tx = self.conn.unchecked_transaction()?;
        Ok(StoreSummary {
            schema_version: self.schema_version,
            outbox: query::counts(&tx)?,
            oldest_pending_ms: query::oldest_pending_ms(&tx)?,
            dead_letters: query::entries(&tx, "dead")?,
            offline_left: query::offline_left(&tx)?,
            catalog: cached_catalog(&tx)?,
        })
    }

    /// Whether a single-use code's nonce was used already (and not yet expired).
    pub fn nonce_used(&self, nonce: &str) -> Result<bool, ReadError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM used_nonces WHERE nonce = ?1 AND expires_at > ?2)",
            rusqlite::params![nonce, crate::clock::now_ms()],
            |r| r.get(0),
        )?)
    }

    /// SQLite's `PRAGMA integrity_check`: "ok", or the first problem found. Reads every
    /// page, so it is for the doctor, not for a status line.
    pub fn integrity_check(&self) -> Result<String, ReadError> {
        Ok(query::integrity(&self.conn)?)
    }

    pub fn counts(&self) -> Result<OutboxFigures, ReadError> {
        Ok(query::counts(&self.conn)?)
    }

    /// The file's size in use (bytes), as [`super::Store::size_bytes`] counts it.
    pub fn size_bytes(&self) -> Result<u64, ReadError> {
        Ok(query::size_bytes(&self.conn)?)
    }

    /// Unix ms the oldest entry still waiting to be sent was committed.
    pub fn oldest_pending_ms(&self) -> Result<Option<i64>, ReadError> {
        Ok(query::oldest_pending_ms(&self.conn)?)
    }

    /// Entries in a state ("pending", "inflight", "done", "dead", "discarded"), oldest first.
    pub fn entries(&self, state: &str) -> Result<Vec<Entry>, ReadError> {
        Ok(query::entries(&self.conn, state)?)
    }

    pub fn dead_letters(&self) -> Result<Vec<Entry>, ReadError> {
        self.entries("dead")
    }

    /// Unused, unexpired offline ticket numbers per category.
    pub fn offline_left(&self) -> Result<Vec<(String, u32)>, ReadError> {
        Ok(query::offline_left(&self.conn)?)
    }

    pub fn catalog(&self) -> Result<Option<CachedCatalog>, ReadError> {
        Ok(cached_catalog(&self.conn)?)
    }

    /// Tickets this kiosk recorded: (issued online, issued from offline blocks).
    pub fn tickets_issued(&self) -> Result<(u64, u64), ReadError> {
        Ok(query::tickets_issued(&self.conn)?)
    }
}

fn cached_catalog(conn: &Connection) -> rusqlite::Result<Option<CachedCatalog>> {
    Ok(
        query::catalog(conn)?.map(|(etag, body, fetched_ms)| CachedCatalog {
            version: catalog_version(&body),
            etag,
            fetched_ms,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uri_keeps_odd_paths_literal() {
        assert_eq!(
            file_uri(Path::new("/var/lib/hall kiosk/k?#%.db")),
            "file:///var/lib/hall%20kiosk/k%3F%23%25.db"
        );
        assert_eq!(file_uri(Path::new("data/kiosk.db")), "file:data/kiosk.db");
    }
}
