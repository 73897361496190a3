//! The kiosk's services on tokio: the hall link, the devices and (in the demo) their
//! simulators and the built-in hall backend. [`LiveDesk`] is what the UI controllers call;
//! answers return to the UI thread as [`AppEvent`]s.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hall_link::api::{self, CheckInRequest, TicketRequest};
use hall_link::{HallLink, LinkSettings, Posted};
use kiosk_drivers::gpio::{Gpio, Input, Output, PinMap, RpiGpio, SimGpio, SimGpioHandle};
use kiosk_drivers::idcard::{self, CardEvent, Validity};
use kiosk_drivers::printer::{
    self as printer_driver, sim::PrinterSimulator, EscPosPrinter, PortSpec,
};
use kiosk_drivers::scanner::payload::{self, KioskCode, SchemeContext};
use kiosk_drivers::scanner::{self, ScannerConfig, ScannerEvent};
use serde_json::json;

use crate::app::events::{self, EventSender};
use crate::app::services::{
    AppEvent, CheckinFailure, CheckinKey, ComplaintOrder, Desk, IssuedTicket, PrintOutcome,
    ProgressFound, ProgressKey, QueueFigures, RatingOrder, RatingResult, ScannedCode, ServiceRef,
    Source, SubmissionOrder, SubmitReceipt, TicketFailure, TicketOrder,
};

/// How often an open help call is checked at the backend.
const HELP_POLL: Duration = Duration::from_secs(3);
use crate::live_staff::{LiveStaff, SharedHealth};
use crate::metrics::Metrics;
use crate::monitor::Monitor;
use crate::platform::config::Config;
use crate::platform::liveness::Liveness;
use crate::printing::PrintService;
use kiosk_drivers::alive::Beat;

/// Why the services could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(#[from] crate::platform::config::ConfigError),
    #[error("cannot start the background runtime: {0}")]
    Runtime(std::io::Error),
    #[error("hall link: {0}")]
    Link(#[from] hall_link::LinkError),
    #[error("demo: {0}")]
    Demo(String),
}

/// The demo's simulated world.
pub struct DemoWorld {
    pub hall: Arc<hall_link::sim::HallSim>,
    pub reader: Arc<idcard::sim::ReaderSimulator>,
    pub scanner: Arc<scanner::sim::ScannerSimulator>,
    pub printer: Arc<PrinterSimulator>,
    pub gpio: SimGpioHandle,
}

/// A handle on the scanner simulator for the demo keys.
#[derive(Clone)]
pub struct ScannerPort(Arc<scanner::sim::ScannerSimulator>);

impl ScannerPort {
    pub fn scan(&self, payload: &[u8]) -> std::io::Result<()> {
        self.0.scan(payload)
    }
}

/// A handle on hall-sim for the demo keys.
#[derive(Clone)]
pub struct HallPort {
    hall: Arc<hall_link::sim::HallSim>,
    down: Arc<std::sync::atomic::AtomicBool>,
}

impl HallPort {
    /// Cuts or restores the link; returns true when it is now cut.
    pub fn toggle_down(&self) -> bool {
        let down = !self
            .down
            .fetch_xor(true, std::sync::atomic::Ordering::SeqCst);
        self.hall.set_fault(if down {
            hall_link::sim::Fault::Down
        } else {
            hall_link::sim::Fault::None
        });
        down
    }
}

impl DemoWorld {
    pub fn scanner_handle(&self) -> ScannerPort {
        ScannerPort(self.scanner.clone())
    }
    pub fn hall_handle(&self) -> HallPort {
        HallPort {
            hall: self.hall.clone(),
            down: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        }
    }
}

/// Everything that runs beside the UI. Dropping it stops the tasks and the simulators.
pub struct Services {
    pub runtime: tokio::runtime::Runtime,
    pub link: HallLink,
    pub desk: LiveDesk,
    pub events: std::sync::mpsc::Receiver<AppEvent>,
    pub demo: Option<DemoWorld>,
    pub health: SharedHealth,
    pub metrics: Arc<Metrics>,
    /// The background tasks the systemd watchdog waits on.
    pub liveness: Arc<Liveness>,
    monitor: Arc<Monitor>,
    kiosk_id: String,
    _scanner: Option<scanner::ScannerHandle>,
    _reader: Option<idcard::WatchHandle>,
}

impl Services {
    /// Starts the services for a device (`demo_dir` None) or for the demo.
    pub fn start(config: &Config, demo_dir: Option<&Path>) -> Result<Services, StartError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("kiosk-io")
            .build()
            .map_err(StartError::Runtime)?;
        let (tx, rx) = events::channel::<AppEvent>();
        let health = SharedHealth::default();
        let metrics = Metrics::new();
        if let Some(addr) = config.metrics.listen {
            if let Err(e) = runtime.block_on(crate::metrics::serve(addr, metrics.clone())) {
                tracing::warn!(target: "alert", %addr, "metrics endpoint not started: {e}");
            }
        }

        let (settings, demo_hall) = match demo_dir {
            Some(dir) => {
                let hall = runtime
                    .block_on(hall_link::sim::HallSim::spawn(
                        hall_link::sim::SimOptions::default(),
                    ))
                    .map_err(|e| StartError::Demo(format!("hall-sim: {e}")))?;
                let mut s = LinkSettings::new(
                    &config.kiosk.id,
                    &hall.url(),
                    "demo-token",
                    dir.to_path_buf(),
                );
                s.hall_utc_offset = config.utc_offset();
                (s, Some(hall))
            }
            None => {
                let token = config.read_token()?;
                let mut s = LinkSettings::new(
                    &config.kiosk.id,
                    &config.backend.url,
                    &token,
                    config.kiosk.data_dir.clone(),
                );
                s.timeout = Duration::from_millis(config.backend.timeout_ms);
                s.ca_file = config.backend.ca_file.clone();
                if let (Some(c), Some(k)) =
                    (&config.backend.client_cert, &config.backend.client_key)
                {
                    s.client_cert = Some((c.clone(), k.clone()));
                }
                s.hall_utc_offset = config.utc_offset();
                (s, None)
            }
        };
        let link = HallLink::open(settings)?;
        health
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .out_of_service = crate::live_staff::kept_out_of_service(&link).is_some();
        {
            let m = metrics.clone();
            link.observe_latency(move |took, answered| {
                let result = if answered { "answered" } else { "failed" };
                m.backend_seconds
                    .get_or_create(&vec![("result", result)])
                    .observe(took.as_secs_f64());
            });
        }
        {
            let _guard = runtime.enter();
            link.start();
        }
        let mut liveness = Liveness::default();
        {
            // One delivery pass may wait out a few backend timeouts; minutes of silence
            // mean the actor is hung, and a restart resumes delivery from the store.
            let link = link.clone();
            liveness.watch("outbox delivery", Duration::from_secs(180), move || {
                link.actor_age()
            });
        }
        // The first sync (catalog, offline blocks) runs in the background: the home screen
        // comes up at once from the cached catalog.
        {
            let link = link.clone();
            let tx = tx.clone();
            runtime.spawn(async move {
                if let Err(e) = link.sync().await {
                    tracing::warn!("first sync with the hall backend failed: {e}");
                }
                if let Some(c) = link.catalog() {
                    tx.send(AppEvent::Catalog(c));
                }
            });
        }

        let (mut gpio, gpio_handle): (Box<dyn Gpio>, Option<SimGpioHandle>) =
            match (demo_dir, config.devices.gpio.enabled) {
                (None, true) => match RpiGpio::open(&pin_map(&config.devices.gpio)) {
                    Ok(g) => (Box::new(g), None),
                    Err(e) => {
                        // Lamps and the help button are a convenience: the kiosk serves
                        // without them, and staff see why in the log.
                        tracing::warn!(target: "alert", "GPIO unavailable: {e}");
                        (Box::new(SimGpio::new().0), None)
                    }
                },
                _ => {
                    let (sim, handle) = SimGpio::new();
                    (Box::new(sim), Some(handle))
                }
            };
        if let Some(mut inputs) = gpio.events() {
            let tx = tx.clone();
            let health = health.clone();
            runtime.spawn(async move {
                while let Some(ev) = inputs.recv().await {
                    match (ev.input, ev.active) {
                        (Input::HelpButton, true) => tx.send(AppEvent::HelpButton),
                        (Input::Presence, true) => tx.send(AppEvent::Presence),
                        (Input::PaperLow, low) => {
                            if low {
                                tracing::warn!(target: "alert", "paper-low sensor: change the roll soon");
                            }
                            health
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .paper_low_sensor = low;
                        }
                        _ => {}
                    }
                }
            });
        }

        let (scanner_port, scanner_sim) = match demo_dir {
            Some(_) => {
                let sim =
                    scanner::sim::ScannerSimulator::spawn(scanner::sim::SimOptions::default())
                        .map_err(|e| StartError::Demo(format!("scanner simulator: {e}")))?;
                (sim.path().display().to_string(), Some(sim))
            }
            None => (config.devices.scanner.port.clone(), None),
        };
        let scanner_handle = if scanner_port == "sim" {
            None
        } else {
            let mut cfg = ScannerConfig::new(scanner_port);
            cfg.baud = config.devices.scanner.baud;
            let _guard = runtime.enter();
            let (mut rx_scan, handle) = scanner::spawn_scanner(cfg);
            let tx = tx.clone();
            let health = health.clone();
            let metrics = metrics.clone();
            let ctx = SchemeContext {
                hall_id: "hezuo".into(),
                hall_hosts: vec![config.public_host()],
                verifier: staff_verifier(config, demo_dir.is_some()),
            };
            runtime.spawn(async move {
                while let Some(ev) = rx_scan.recv().await {
                    let state = match &ev {
                        ScannerEvent::Offline(why) => Some(Err(why.to_string())),
                        ScannerEvent::Back | ScannerEvent::Scanned(_) => Some(Ok(())),
                        ScannerEvent::Rejected(_) => None,
                    };
                    if let Some(state) = state {
                        health.lock().unwrap_or_else(|p| p.into_inner()).scanner = Some(state);
                    }
                    match ev {
                        ScannerEvent::Scanned(s) => {
                            metrics.scans.inc();
                            health
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .last_scan_ms = Some(hall_link::store::now_ms());
                            let code = payload::parse(&s.payload, &ctx);
                            tracing::info!("scanned a code: {}", code_kind(&code));
                            tx.send(AppEvent::Scanned(scanned_code(code)));
                        }
                        ScannerEvent::Offline(why) => {
                            tracing::warn!(target: "alert", "scanner offline: {why}")
                        }
                        ScannerEvent::Back => tracing::info!("scanner ready"),
                        ScannerEvent::Rejected(r) => {
                            tracing::debug!("scanner input rejected: {r:?}")
                        }
                    }
                }
            });
            let beat = handle.beat();
            let running = handle.running_flag();
            liveness.watch("scanner", Duration::from_secs(30), move || {
                running().then(|| beat.age())
            });
            Some(handle)
        };

        let (reader_port, reader_sim) = match demo_dir {
            Some(_) => {
                let sim = idcard::sim::ReaderSimulator::spawn(idcard::sim::builtin_identities())
                    .map_err(|e| StartError::Demo(format!("ID-card reader simulator: {e}")))?;
                (sim.path(), Some(sim))
            }
            None => (config.devices.idcard.port.clone(), None),
        };
        let reader_handle = if reader_port == "sim" {
            None
        } else {
            let mut cfg = idcard::WatchConfig::new(reader_port);
            cfg.baud = config.devices.idcard.baud;
            let (mut rx_card, handle) = idcard::spawn_card_watch(cfg);
            let beat = handle.beat();
            liveness.watch("card watch", Duration::from_secs(30), move || {
                Some(beat.age())
            });
            let tx = tx.clone();
            let health = health.clone();
            let metrics = metrics.clone();
            runtime.spawn(async move {
                while let Some(ev) = rx_card.recv().await {
                    health.lock().unwrap_or_else(|p| p.into_inner()).reader = Some(match &ev {
                        CardEvent::ReaderOffline(why) => Err(why.to_string()),
                        _ => Ok(()),
                    });
                    match &ev {
                        CardEvent::Presented(_) => {
                            health
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .last_read_ms = Some(hall_link::store::now_ms());
                            metrics
                                .card_reads
                                .get_or_create(&vec![("result", "ok")])
                                .inc();
                        }
                        CardEvent::ReadFailed(_) => {
                            metrics
                                .card_reads
                                .get_or_create(&vec![("result", "failed")])
                                .inc();
                        }
                        _ => {}
                    }
                    let event = match ev {
                        CardEvent::Presented(card) => {
                            tracing::info!(card = ?card, "card presented");
                            AppEvent::CardPresented(card_holder(&card))
                        }
                        CardEvent::ReadFailed(e) => AppEvent::CardUnreadable(e.kind().to_string()),
                        CardEvent::Removed => AppEvent::CardRemoved,
                        CardEvent::ReaderOffline(why) => {
                            tracing::warn!(target: "alert", "ID-card reader offline: {why}");
                            AppEvent::ReaderOffline
                        }
                        CardEvent::ReaderBack => AppEvent::ReaderBack,
                    };
                    tx.send(event);
                }
            });
            Some(handle)
        };

        let pc = &config.devices.printer;
        let profile = printer_driver::Profile {
            width: printer_driver::PaperWidth::from_mm(pc.width_mm).unwrap_or_default(),
            encoding: pc.encoding.parse().unwrap_or_default(),
            ..printer_driver::Profile::default()
        };
        let (printer_port, printer_sim) = match demo_dir {
            Some(dir) => {
                // Every page the demo prints is saved where a person can look at it.
                let sim = PrinterSimulator::spawn(profile.width, Some(dir.join("printed")))
                    .map_err(|e| StartError::Demo(format!("printer simulator: {e}")))?;
                tracing::info!(pages = %dir.join("printed").display(), "demo printer: pages are saved as PNG");
                (sim.path(), Some(sim))
            }
            None => (pc.port.clone(), None),
        };
        let printer = (printer_port != "sim").then(|| {
            PrintService::new(
                Box::new(EscPosPrinter::new(PortSpec::parse(&printer_port, pc.baud))),
                profile,
                config.kiosk.hall_name.clone(),
                config.utc_offset(),
                config.kiosk.public_url.trim_end_matches('/').to_string(),
            )
        });
        if let Some(p) = printer.clone() {
            // Staff hear of paper running low before a citizen meets it. A poll that never
            // returns (a USB printer wedged in a write) stops the beat.
            let beat = Beat::new();
            let b = beat.clone();
            liveness.watch("printer status", Duration::from_secs(120), move || {
                Some(b.age())
            });
            runtime.spawn(async move {
                loop {
                    let p = p.clone();
                    let _ = tokio::task::spawn_blocking(move || p.poll()).await;
                    beat.beat();
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }
            });
        }

        let gpio = Arc::new(Mutex::new(gpio));
        let monitor = Arc::new(Monitor {
            link: link.clone(),
            printer: printer.clone(),
            health: health.clone(),
            gpio: gpio.clone(),
            metrics: metrics.clone(),
            last: Mutex::new(None),
        });
        {
            // The monitor's loop also proves the tokio runtime itself is not wedged.
            let monitor = monitor.clone();
            let beat = Beat::new();
            let b = beat.clone();
            liveness.watch("monitor", Duration::from_secs(60), move || Some(b.age()));
            runtime.spawn(async move {
                loop {
                    monitor.tick().await;
                    beat.beat();
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            });
        }

        let desk = LiveDesk {
            handle: runtime.handle().clone(),
            link: link.clone(),
            tx,
            gpio,
            help_no: Arc::new(Mutex::new(None)),
            printer,
            health: health.clone(),
            public_url: config.kiosk.public_url.trim_end_matches('/').to_string(),
            metrics: metrics.clone(),
        };
        let demo = match (demo_hall, scanner_sim, gpio_handle, reader_sim, printer_sim) {
            (Some(hall), Some(scanner), Some(gpio), Some(reader), Some(printer)) => {
                Some(DemoWorld {
                    hall: Arc::new(hall),
                    reader: Arc::new(reader),
                    scanner: Arc::new(scanner),
                    printer: Arc::new(printer),
                    gpio,
                })
            }
            _ => None,
        };
        Ok(Services {
            runtime,
            link,
            desk,
            events: rx,
            demo,
            health,
            metrics,
            liveness: Arc::new(liveness),
            monitor,
            kiosk_id: config.kiosk.id.clone(),
            _scanner: scanner_handle,
            _reader: reader_handle,
        })
    }

    /// The lamp and heartbeat monitor (its loop runs every 5 s; tests call `tick`).
    pub fn monitor(&self) -> Arc<Monitor> {
        self.monitor.clone()
    }

    /// What the staff screen shows and does.
    pub fn staff(&self) -> LiveStaff {
        LiveStaff {
            link: self.link.clone(),
            printer: self.desk.printer.clone(),
            health: self.health.clone(),
            handle: self.runtime.handle().clone(),
            kiosk_id: self.kiosk_id.clone(),
        }
    }

    /// The catalog the kiosk starts with: the cached one, or (demo, first start) the sample.
    pub fn initial_catalog(&self) -> Option<serde_json::Value> {
        self.link.catalog().or_else(|| {
            self.demo
                .as_ref()
                .and_then(|_| serde_json::from_str(hall_link::sim::SAMPLE_CATALOG).ok())
        })
    }
}

/// What the flows need of a card.
pub fn card_holder(card: &idcard::IdCard) -> crate::app::services::CardHolder {
    crate::app::services::CardHolder {
        name: if card.name.is_empty() {
            card.english_name.clone()
        } else {
            card.name.clone()
        },
        id_number: card.id_number.clone(),
        birth: card.birth_date,
        valid_until: match card.valid_until {
            Some(Validity::Until(d)) => Some(d),
            _ => None,
        },
        usable: true,
        address: card.address.clone(),
    }
}

fn code_kind(code: &KioskCode) -> &'static str {
    match code {
        KioskCode::Appointment { .. } => "appointment",
        KioskCode::OtherHallAppointment { .. } => "appointment of another hall",
        KioskCode::Ticket { .. } => "ticket",
        KioskCode::Receipt { .. } | KioskCode::ProvisionalReceipt { .. } => "receipt",
        KioskCode::Staff { .. } => "staff",
        KioskCode::HallUrl(_) => "hall url",
        KioskCode::BadSignature => "bad signature",
        KioskCode::Unknown(_) => "unknown",
    }
}

fn scanned_code(code: KioskCode) -> ScannedCode {
    match code {
        KioskCode::Appointment { code } => ScannedCode::Appointment(code),
        KioskCode::OtherHallAppointment { .. } => ScannedCode::OtherHallAppointment,
        KioskCode::Ticket { date, ticket_no } => ScannedCode::Ticket {
            date: format!(
                "{:04}{:02}{:02}",
                date.year(),
                date.month() as u8,
                date.day()
            ),
            ticket_no,
        },
        KioskCode::Receipt { receipt_no } => ScannedCode::Receipt(receipt_no),
        KioskCode::ProvisionalReceipt { key } => ScannedCode::Receipt(key.to_string()),
        KioskCode::Staff { staff_id, expires } => ScannedCode::Staff {
            staff_id,
            expires: expires.unix_timestamp(),
        },
        KioskCode::BadSignature => ScannedCode::BadSignature,
        KioskCode::HallUrl(_) | KioskCode::Unknown(_) => ScannedCode::Unknown,
    }
}

/// The desk the UI controllers call: each call runs on tokio and answers with an event.
#[derive(Clone)]
pub struct LiveDesk {
    handle: tokio::runtime::Handle,
    link: HallLink,
    tx: EventSender<AppEvent>,
    gpio: Arc<Mutex<Box<dyn Gpio>>>,
    help_no: Arc<Mutex<Option<String>>>,
    /// None on a kiosk configured without a printer (`port = "sim"` outside the demo).
    printer: Option<PrintService>,
    health: SharedHealth,
    public_url: String,
    metrics: Arc<Metrics>,
}

impl LiveDesk {
    fn set(&self, output: Output, on: bool) {
        self.gpio
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .set(output, on);
    }
}

fn parse_time(s: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
}

fn issued(t: &api::Ticket, offline: bool, appointment: Option<(String, String)>) -> IssuedTicket {
    IssuedTicket {
        ticket_no: t.ticket_no.clone(),
        category: t.category.clone(),
        waiting_ahead: t.waiting_ahead,
        est_wait_min: t.est_wait_min,
        issued_at: parse_time(&t.issued_at),
        track_url: t.track_url.clone(),
        offline,
        appointment,
    }
}

fn api_ref(r: &ServiceRef) -> api::ServiceRef {
    match r {
        ServiceRef::Ticket { ticket_no, .. } => api::ServiceRef::Ticket {
            ticket_no: ticket_no.clone(),
        },
        ServiceRef::Receipt(no) => api::ServiceRef::Receipt {
            receipt_no: no.clone(),
        },
    }
}

impl Desk for LiveDesk {
    fn take_ticket(&self, request: u64, order: TicketOrder) {
        let link = self.link.clone();
        let tx = self.tx.clone();
        let metrics = self.metrics.clone();
        self.handle.spawn(async move {
            let started = std::time::Instant::now();
            let req = TicketRequest {
                category: order.category,
                source: match order.source {
                    Source::WalkIn => api::Source::WalkIn,
                    Source::IdCard => api::Source::IdCard,
                    Source::Appointment => api::Source::Appointment,
                },
                priority: order.priority.map(|p| match p {
                    crate::flows::ticket::Priority::Elderly => api::Priority::Elderly,
                    crate::flows::ticket::Priority::Disabled => api::Priority::Disabled,
                    crate::flows::ticket::Priority::Pregnant => api::Priority::Pregnant,
                    crate::flows::ticket::Priority::Other => api::Priority::Other,
                }),
                applicant: order.applicant.map(|h| api::Applicant {
                    name: h.name,
                    id_number: h.id_number,
                }),
            };
            let result = match link.take_ticket(req).await {
                Ok(t) => {
                    tracing::info!(ticket = %t.ticket.ticket_no, offline = t.offline, "ticket issued");
                    metrics.ticket_seconds.observe(started.elapsed().as_secs_f64());
                    metrics
                        .tickets
                        .get_or_create(&vec![("mode", if t.offline { "offline" } else { "online" })])
                        .inc();
                    Ok(issued(&t.ticket, t.offline, None))
                }
                Err(hall_link::TicketError::NoOfflineNumbers(_)) => Err(TicketFailure::NoOfflineNumbers),
                Err(hall_link::TicketError::Refused(why)) => Err(TicketFailure::Refused(why)),
                Err(e) => Err(TicketFailure::Unavailable(e.to_string())),
            };
            tx.send(AppEvent::Ticket { request, result });
        });
    }

    fn check_in(
        &self,
        request: u64,
        key: CheckinKey,
        _holder: Option<crate::app::services::CardHolder>,
    ) {
        let link = self.link.clone();
        let tx = self.tx.clone();
        self.handle.spawn(async move {
            let req = match key {
                CheckinKey::Code(code) => CheckInRequest::Code { code },
                CheckinKey::IdNumber(id_number) => CheckInRequest::IdNumber { id_number },
            };
            let result = match link.check_in(req).await {
                Ok(c) => Ok(issued(
                    &c.answer.ticket,
                    false,
                    Some((c.answer.appointment.item, c.answer.appointment.slot)),
                )),
                Err(hall_link::CheckInError::NotFound) => Err(CheckinFailure::NotFound),
                Err(hall_link::CheckInError::AlreadyUsed) => Err(CheckinFailure::AlreadyUsed),
                Err(hall_link::CheckInError::OtherHall) => Err(CheckinFailure::OtherHall),
                Err(_) => Err(CheckinFailure::Offline),
            };
            tx.send(AppEvent::Checkin { request, result });
        });
    }

    fn print_ticket(
        &self,
        request: u64,
        ticket: &IssuedTicket,
        category_name: &str,
        windows: &str,
    ) {
        let tx = self.tx.clone();
        let Some(printer) = self.printer.clone() else {
            tx.send(AppEvent::Printed {
                request,
                outcome: PrintOutcome::PrinterOffline,
            });
            return;
        };
        let (ticket, category, windows) = (
            ticket.clone(),
            category_name.to_string(),
            windows.to_string(),
        );
        let metrics = self.metrics.clone();
        self.handle.spawn_blocking(move || {
            let outcome = printer.ticket(&ticket, &category, &windows);
            metrics.count_print("ticket", outcome);
            tx.send(AppEvent::Printed { request, outcome });
        });
    }

    fn submit(&self, request: u64, order: SubmissionOrder) {
        let public_url = self.public_url.clone();
        let metrics = self.metrics.clone();
        let link = self.link.clone();
        let tx = self.tx.clone();
        let printer = self.printer.clone();
        self.handle.spawn(async move {
            let req = api::SubmissionRequest {
                item_code: order.item_code.clone(),
                applicant: api::SubmissionApplicant {
                    name: order.holder.name.clone(),
                    id_number: order.holder.id_number.clone(),
                    phone: order.phone.clone(),
                },
                form: order
                    .form
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect(),
                materials: order
                    .materials
                    .iter()
                    .map(|(name, status)| api::SubmittedMaterial {
                        name: name.clone(),
                        status: match status.as_str() {
                            "provided" => api::MaterialStatus::Provided,
                            "shared" => api::MaterialStatus::Shared,
                            "commitment" => api::MaterialStatus::Commitment,
                            _ => api::MaterialStatus::Missing,
                        },
                    })
                    .collect(),
                commitment_accepted: order.commitment_accepted,
                delivery: api::Delivery {
                    method: if order.mail_to.is_some() {
                        api::DeliveryMethod::Mail
                    } else {
                        api::DeliveryMethod::Pickup
                    },
                    address: order.mail_to.clone(),
                },
            };
            let result = match link.submit(&req).await {
                Ok(s) => {
                    tracing::info!(receipt = %s.receipt_no, provisional = s.provisional, "submission committed");
                    metrics
                        .submissions
                        .get_or_create(&vec![(
                            "mode",
                            if s.provisional { "provisional" } else { "online" },
                        )])
                        .inc();
                    // The receipt's QR finds the case: by number, or by the key the backend
                    // will know once a provisional submission is delivered.
                    let qr = s
                        .track_url
                        .clone()
                        .unwrap_or_else(|| format!("{public_url}/track/k/{}", s.key));
                    let printed = match printer {
                        Some(p) => {
                            let (no, item, masked, provisional) = (
                                s.receipt_no.clone(),
                                order.item_name.clone(),
                                crate::flows::privacy::mask_name(&order.holder.name),
                                s.provisional,
                            );
                            tokio::task::spawn_blocking(move || {
                                p.submission(&no, &item, &masked, &qr, provisional)
                            })
                            .await
                            .unwrap_or(PrintOutcome::PrinterOffline)
                        }
                        None => PrintOutcome::PrinterOffline,
                    };
                    metrics.count_print("receipt", printed);
                    Ok(SubmitReceipt {
                        receipt_no: s.receipt_no,
                        provisional: s.provisional,
                        promised_date: s.promised_date,
                        printed,
                    })
                }
                Err(e) => {
                    tracing::warn!("submission not taken: {e}");
                    metrics
                        .submissions
                        .get_or_create(&vec![("mode", "refused")])
                        .inc();
                    Err(match e {
                        hall_link::SubmitError::Refused(code) => code,
                        hall_link::SubmitError::Store(_) => "store".into(),
                    })
                }
            };
            tx.send(AppEvent::Submitted { request, result });
        });
    }

    fn progress(&self, request: u64, key: ProgressKey) {
        let link = self.link.clone();
        let tx = self.tx.clone();
        self.handle.spawn(async move {
            let query = match key {
                ProgressKey::IdNumber(id_number) => api::ProgressQuery::IdNumber { id_number },
                ProgressKey::Receipt(r) if uuid::Uuid::try_parse(&r).is_ok() => {
                    api::ProgressQuery::Key { key: r }
                }
                ProgressKey::Receipt(receipt_no) => api::ProgressQuery::Receipt { receipt_no },
            };
            let result = match link.progress(&query).await {
                Ok(p) if p.offline && p.cases.is_empty() => Err("offline".to_string()),
                Ok(p) => Ok(ProgressFound {
                    cases: p.cases,
                    offline: p.offline,
                }),
                Err(e) => {
                    tracing::warn!("progress query failed: {e}");
                    Err("failed".to_string())
                }
            };
            tx.send(AppEvent::Progress { request, result });
        });
    }

    fn print_checklist(&self, request: u64, item: &crate::flows::guide::GuideItem, windows: &str) {
        let tx = self.tx.clone();
        let Some(printer) = self.printer.clone() else {
            tx.send(AppEvent::ChecklistPrinted {
                request,
                outcome: PrintOutcome::PrinterOffline,
            });
            return;
        };
        let (item, windows) = (item.clone(), windows.to_string());
        let metrics = self.metrics.clone();
        self.handle.spawn_blocking(move || {
            let outcome = printer.checklist(&item, &windows);
            metrics.count_print("checklist", outcome);
            tx.send(AppEvent::ChecklistPrinted { request, outcome });
        });
    }

    fn refresh_queue(&self) {
        let link = self.link.clone();
        let tx = self.tx.clone();
        self.handle.spawn(async move {
            if let Ok(q) = link.queue().await {
                tx.send(AppEvent::Queue(
                    q.categories
                        .into_iter()
                        .map(|c| QueueFigures {
                            category: c.code,
                            waiting: c.waiting,
                            est_wait_min: c.est_wait_min,
                        })
                        .collect(),
                ));
            }
        });
    }

    fn call_help(&self, request: u64, screen: &str, on: bool) {
        self.set(Output::HelpLamp, on);
        if on {
            self.metrics.help_calls.inc();
        }
        {
            let mut h = self.health.lock().unwrap_or_else(|p| p.into_inner());
            h.help_open = on;
            h.help_since_ms = on.then(hall_link::store::now_ms);
            h.help_no = None;
        }
        let link = self.link.clone();
        let tx = self.tx.clone();
        let help_no = self.help_no.clone();
        let gpio = self.gpio.clone();
        let health = self.health.clone();
        let screen = screen.to_string();
        self.handle.spawn(async move {
            if on {
                // A short buzz: enough to turn heads at the service desk, not to alarm.
                gpio.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .set(Output::Buzzer, true);
                tokio::time::sleep(Duration::from_millis(800)).await;
                gpio.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .set(Output::Buzzer, false);
                let body = json!({"screen": screen, "reason": "citizen pressed help"});
                let no = match link.post_or_queue("help", "/help-requests", body).await {
                    Ok(Posted::Answered(a)) => a["request_no"].as_str().map(str::to_string),
                    _ => None,
                };
                *help_no.lock().unwrap_or_else(|p| p.into_inner()) = no.clone();
                health.lock().unwrap_or_else(|p| p.into_inner()).help_no = no.clone();
                tx.send(AppEvent::Help {
                    request,
                    request_no: no.clone(),
                    cleared: false,
                });
                // Staff may clear the call at the backend's desk: follow it, so the lamp
                // goes out and the screen lets the citizen go on.
                let Some(no) = no else { return };
                loop {
                    tokio::time::sleep(HELP_POLL).await;
                    let still_ours = help_no.lock().unwrap_or_else(|p| p.into_inner()).as_deref()
                        == Some(no.as_str());
                    if !still_ours {
                        return;
                    }
                    if let Ok(false) = link.help_open(&no).await {
                        help_no.lock().unwrap_or_else(|p| p.into_inner()).take();
                        gpio.lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .set(Output::HelpLamp, false);
                        {
                            let mut h = health.lock().unwrap_or_else(|p| p.into_inner());
                            h.help_open = false;
                            h.help_no = None;
                            h.help_since_ms = None;
                        }
                        tracing::info!(request = %no, "help call cleared by staff");
                        tx.send(AppEvent::Help {
                            request,
                            request_no: Some(no),
                            cleared: true,
                        });
                        return;
                    }
                }
            } else {
                let no = help_no.lock().unwrap_or_else(|p| p.into_inner()).take();
                let Some(no) = no else { return };
                let _ = link
                    .post_or_queue(
                        "help_close",
                        &format!("/help-requests/{no}/close"),
                        json!({}),
                    )
                    .await;
            }
        });
    }

    fn recent_services(&self, request: u64, id_number: String) {
        let link = self.link.clone();
        let tx = self.tx.clone();
        self.handle.spawn(async move {
            let result = match link.recent_services(&id_number).await {
                Ok(list) => Ok(list
                    .into_iter()
                    .map(|s| crate::app::services::RecentService {
                        reference: match s.reference {
                            api::ServiceRef::Ticket { ticket_no } => ServiceRef::Ticket {
                                date: s.date.replace('-', ""),
                                ticket_no,
                            },
                            api::ServiceRef::Receipt { receipt_no } => {
                                ServiceRef::Receipt(receipt_no)
                            }
                        },
                        name: s.name,
                        date: s.date,
                    })
                    .collect()),
                Err(e) => {
                    tracing::warn!("recent services: {e}");
                    Err(e.to_string())
                }
            };
            tx.send(AppEvent::RecentServices { request, result });
        });
    }

    fn rate(&self, request: u64, order: RatingOrder) {
        let link = self.link.clone();
        let tx = self.tx.clone();
        self.metrics.ratings.inc();
        self.handle.spawn(async move {
            let body = serde_json::to_value(api::RatingRequest {
                reference: api_ref(&order.reference),
                level: order.level,
                reasons: order.reasons,
                comment: order.comment,
            })
            .unwrap_or_default();
            let result = match link.post_or_queue("rating", "/ratings", body).await {
                Ok(Posted::Answered(_)) => RatingResult::Accepted,
                Ok(Posted::Refused { code, .. }) if code == "already_rated" => {
                    RatingResult::AlreadyRated
                }
                Ok(Posted::Refused { .. }) => RatingResult::Accepted,
                Ok(Posted::Queued(_)) => RatingResult::Queued,
                Err(e) => {
                    tracing::error!(target: "alert", "rating could not be stored: {e}");
                    RatingResult::Queued
                }
            };
            tx.send(AppEvent::Rated { request, result });
        });
    }

    fn complain(&self, request: u64, order: ComplaintOrder) {
        let link = self.link.clone();
        let tx = self.tx.clone();
        let printer = self.printer.clone();
        let metrics = self.metrics.clone();
        self.handle.spawn(async move {
            metrics.complaints.inc();
            let kind = order.kind.clone();
            let body = serde_json::to_value(api::ComplaintRequest {
                kind: order.kind,
                text: order.text,
                phone: order.phone,
                reference: order.reference.as_ref().map(api_ref),
            })
            .unwrap_or_default();
            let (no, provisional) = match link.post_or_queue("complaint", "/complaints", body).await
            {
                Ok(Posted::Answered(a)) => {
                    (a["complaint_no"].as_str().unwrap_or("").to_string(), false)
                }
                Ok(Posted::Queued(key)) => {
                    (format!("LS-{}", &key.to_string()[..8].to_uppercase()), true)
                }
                Ok(Posted::Refused { code, .. }) => (format!("-- ({code})"), false),
                Err(e) => {
                    tracing::error!(target: "alert", "complaint could not be stored: {e}");
                    (String::new(), true)
                }
            };
            // The number is stored (sent or queued) before its slip is printed.
            let slip = match printer {
                Some(p) if !no.is_empty() => {
                    let no = no.clone();
                    tokio::task::spawn_blocking(move || p.complaint(&no, &kind, provisional))
                        .await
                        .ok()
                }
                _ => None,
            };
            if let Some(outcome) = slip {
                metrics.count_print("complaint", outcome);
            }
            tx.send(AppEvent::Complained {
                request,
                complaint_no: no,
                provisional,
                slip,
            });
        });
    }
}

/// The HMAC key of staff QR codes from its file (hex, as `staff.qr_key_file` holds it).
pub fn read_staff_key(path: &Path) -> Result<payload::HmacVerifier, String> {
    std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| payload::HmacVerifier::from_hex(&t).map_err(|e| e.to_string()))
}

/// The verifier of signed staff QR codes: the hall's key from `staff.qr_key_file`, or in
/// the demo the published test key. Without one, staff codes are refused.
fn staff_verifier(
    config: &Config,
    demo: bool,
) -> Option<Box<dyn payload::CodeVerifier + Send + Sync>> {
    match &config.staff.qr_key_file {
        Some(path) => match read_staff_key(path) {
            Ok(v) => Some(Box::new(v)),
            Err(e) => {
                tracing::warn!(target: "alert", file = %path.display(), "staff QR key unusable, staff codes refused: {e}");
                None
            }
        },
        None if demo => Some(Box::new(payload::HmacVerifier::new(payload::TEST_KEY))),
        None => None,
    }
}

fn pin_map(c: &crate::platform::config::GpioDevice) -> PinMap {
    let mut m = PinMap::default();
    for (output, pin) in [
        (Output::LampGreen, c.lamp_green),
        (Output::LampYellow, c.lamp_yellow),
        (Output::LampRed, c.lamp_red),
        (Output::HelpLamp, c.help_lamp),
        (Output::Buzzer, c.buzzer),
    ] {
        if let Some(p) = pin {
            m.outputs.insert(output, p);
        }
    }
    for (input, pin) in [
        (Input::HelpButton, c.help_button),
        (Input::Presence, c.presence_sensor),
        (Input::PaperLow, c.paper_low_sensor),
    ] {
        if let Some(p) = pin {
            m.inputs.insert(input, p);
        }
    }
    m
}

/// Writes the demo's token file (mode 0600) if it is missing; returns its path.
pub fn demo_token_file(dir: &Path) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join("token");
    if !path.exists() {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        f.write_all(b"demo-token\n")?;
    }
    Ok(path)
}
