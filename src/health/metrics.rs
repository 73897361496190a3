//! Counters and gauges for hall IT, in the Prometheus / OpenMetrics text format on a local
//! address (`[metrics] listen`, off by default). Only counts: no citizen's data is ever a
//! label.

use std::net::SocketAddr;
use std::sync::Arc;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::domain::PrintOutcome;

type Labels = Vec<(&'static str, &'static str)>;

pub struct Metrics {
    registry: Registry,
    /// mode: online | offline
    pub tickets: Family<Labels, Counter>,
    /// mode: online | provisional | refused
    pub submissions: Family<Labels, Counter>,
    pub ratings: Counter,
    pub complaints: Counter,
    pub help_calls: Counter,
    /// kind: ticket | checklist | receipt | complaint; outcome: printed | paper_low | paper_out | failed
    pub prints: Family<Labels, Counter>,
    /// result: ok | failed
    pub card_reads: Family<Labels, Counter>,
    pub scans: Counter,
    pub outbox_pending: Gauge,
    pub outbox_dead: Gauge,
    /// Seconds since the oldest entry still waiting was committed (0 when none waits).
    pub outbox_oldest_seconds: Gauge,
    /// The store file's size, and its cap (`retention.max_store_mb`), in bytes.
    pub store_bytes: Gauge,
    pub store_max_bytes: Gauge,
    /// Seconds each request to the hall backend took; result: answered | failed
    pub backend_seconds: Family<Labels, Histogram>,
    /// Seconds the backend took to issue a ticket (the citizen's wait at the screen).
    pub ticket_seconds: Histogram,
    /// device: printer | idcard | scanner | backend; 1 up, 0 down
    pub device_up: Family<Labels, Gauge>,
    /// 0 green, 1 yellow, 2 red
    pub lamp: Gauge,
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("hall_kiosk");
        let m = Metrics {
            tickets: Family::default(),
            submissions: Family::default(),
            ratings: Counter::default(),
            complaints: Counter::default(),
            help_calls: Counter::default(),
            prints: Family::default(),
            card_reads: Family::default(),
            scans: Counter::default(),
            outbox_pending: Gauge::default(),
            outbox_dead: Gauge::default(),
            outbox_oldest_seconds: Gauge::default(),
            store_bytes: Gauge::default(),
            store_max_bytes: Gauge::default(),
            backend_seconds: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.005, 2.0, 12))
            }),
            ticket_seconds: Histogram::new(exponential_buckets(0.01, 2.0, 10)),
            device_up: Family::default(),
            lamp: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register("tickets", "Queue tickets issued", m.tickets.clone());
        registry.register(
            "submissions",
            "Self-service submissions",
            m.submissions.clone(),
        );
        registry.register("ratings", "Ratings given", m.ratings.clone());
        registry.register("complaints", "Complaints filed", m.complaints.clone());
        registry.register("help_calls", "Help calls", m.help_calls.clone());
        registry.register("prints", "Print jobs by kind and outcome", m.prints.clone());
        registry.register("card_reads", "ID-card reads", m.card_reads.clone());
        registry.register("scans", "QR codes scanned", m.scans.clone());
        registry.register(
            "outbox_pending",
            "Outbox entries waiting",
            m.outbox_pending.clone(),
        );
        registry.register(
            "outbox_dead",
            "Dead letters for staff",
            m.outbox_dead.clone(),
        );
        registry.register(
            "outbox_oldest_seconds",
            "Age of the oldest entry waiting to be sent",
            m.outbox_oldest_seconds.clone(),
        );
        registry.register(
            "store_bytes",
            "Size of the kiosk's local store",
            m.store_bytes.clone(),
        );
        registry.register(
            "store_max_bytes",
            "The local store's size cap; commits fail past it",
            m.store_max_bytes.clone(),
        );
        registry.register(
            "backend_request_seconds",
            "Time of each request to the hall backend",
            m.backend_seconds.clone(),
        );
        registry.register(
            "ticket_seconds",
            "Time to issue a ticket",
            m.ticket_seconds.clone(),
        );
        registry.register("device_up", "Device state (1 up)", m.device_up.clone());
        registry.register(
            "lamp",
            "Status lamp: 0 green, 1 yellow, 2 red",
            m.lamp.clone(),
        );
        Arc::new(Metrics { registry, ..m })
    }

    /// The metrics in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let _ = encode(&mut out, &self.registry);
        out
    }

    pub fn count_print(&self, kind: &'static str, outcome: PrintOutcome) {
        let outcome = match outcome {
            PrintOutcome::Printed => "printed",
            PrintOutcome::PrintedPaperLow => "paper_low",
            PrintOutcome::PaperOut => "paper_out",
            PrintOutcome::PrinterOffline => "failed",
        };
        self.prints
            .get_or_create(&vec![("kind", kind), ("outcome", outcome)])
            .inc();
    }

    pub fn count_card_read(&self, ok: bool) {
        self.card_reads
            .get_or_create(&vec![("result", if ok { "ok" } else { "failed" })])
            .inc();
    }
}

/// Binds the metrics endpoint; a port in use is reported at start-up, not later.
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

/// Serves GET /metrics on `listener` until `stop` is cancelled.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    stop: tokio_util::sync::CancellationToken,
) {
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/metrics",
        get(move || {
            let m = metrics.clone();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    m.encode(),
                )
            }
        }),
    );
    if let Ok(bound) = listener.local_addr() {
        tracing::info!(%bound, "metrics endpoint");
    }
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stop.cancelled_owned())
        .await
    {
        tracing::warn!("metrics endpoint stopped: {e}");
    }
}
