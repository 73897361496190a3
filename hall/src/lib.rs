//! The kiosk's link to the hall backend, interface v1 (docs/hall-api.yaml).
//!
//! - [`api`]: request and answer bodies.
//! - [`client`]: the HTTP client (reqwest, rustls): headers, timeouts, error classes.
//! - [`store`]: SQLite (WAL, synchronous=FULL): outbox, tickets, offline blocks, catalog.
//! - [`link`]: [`HallLink`]: tickets online or offline, check-in, the delivery actor.
//! - [`sim`]: hall-sim, the reference hall backend (axum), with fault injection.

// SQLite commits fsync; a std lock held across an await would park a runtime worker on
// them (store calls from async fns go through `HallLink::with_store`).
#![warn(clippy::await_holding_lock)]

use std::path::PathBuf;
use std::time::Duration;

pub mod api;
pub mod client;
pub mod clock;
pub mod form;
pub mod headers;
pub mod journal;
pub mod link;
pub mod sim;
pub mod sim_cli;
pub mod store;
pub mod tls;

pub use link::{
    pay_poll_delay, provisional_receipt_no, BookingError, CheckInError, HallLink, IssuedCheckIn,
    IssuedTicket, LinkError, LinkStatus, PayError, PayStatus, Payment, Posted, Progress,
    SubmitError, Submitted, TicketError,
};
pub use store::{Retention, Revived};

/// What the link needs to know; the app builds it from the kiosk's config.
#[derive(Clone)]
pub struct LinkSettings {
    pub kiosk_id: String,
    /// e.g. `https://hall.example.gov.cn/kiosk/v1`
    pub base_url: String,
    /// The hall's public site, for track URLs of offline tickets.
    pub public_base: String,
    pub token: String,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// The budget for a ticket before the offline block is used.
    pub ticket_timeout: Duration,
    pub ca_file: Option<PathBuf>,
    /// Trust only `ca_file`, not the public web roots: the hall's own PKI.
    pub ca_only: bool,
    /// The SHA-256 of the backend's public key (SubjectPublicKeyInfo): any other key is
    /// refused, whatever CA signed its certificate.
    pub pin_sha256: Option<[u8; 32]>,
    pub client_cert: Option<(PathBuf, PathBuf)>,
    pub data_dir: PathBuf,
    pub hall_utc_offset: time::UtcOffset,
    /// How long the store keeps what it no longer needs, and how large it may grow.
    pub retention: store::Retention,
}

impl std::fmt::Debug for LinkSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkSettings")
            .field("kiosk_id", &self.kiosk_id)
            .field("base_url", &self.base_url)
            .field("token", &"***")
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

impl LinkSettings {
    /// Settings with the usual timeouts (5 s requests, 2 s connect, 3 s ticket budget).
    pub fn new(kiosk_id: &str, base_url: &str, token: &str, data_dir: PathBuf) -> LinkSettings {
        LinkSettings {
            kiosk_id: kiosk_id.into(),
            base_url: base_url.into(),
            public_base: "https://hall.example.gov.cn".into(),
            token: token.into(),
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            ticket_timeout: Duration::from_secs(3),
            ca_file: None,
            ca_only: false,
            pin_sha256: None,
            client_cert: None,
            data_dir,
            hall_utc_offset: time::UtcOffset::from_hms(8, 0, 0).expect("valid offset"),
            retention: store::Retention::default(),
        }
    }
}
