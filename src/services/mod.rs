//! The kiosk's services on tokio, beside the UI thread: the hall link and its outbox, the
//! devices' loops, the monitor, and (in the demo) the simulated world. [`Services::start`]
//! starts them from a config; [`Services::shutdown`] stops every task and waits for it.
//! The touch screen, `kiosk demo`, the CLI and the tests all start these same services.
//!
//! - [`desk`]: what the flows ask of the hall and the printer, one file per business;
//! - [`card_watch`], [`scanner`], [`gpio`], [`printer`]: the devices' loops;
//! - [`convert`]: to and from the hall interface's and the drivers' types;
//! - [`link_settings()`]: the one builder of the link's settings;
//! - [`events`]: the channel to the UI thread; [`demo`]: the simulated world.

pub mod card_watch;
pub mod convert;
pub mod demo;
pub mod desk;
pub mod events;
pub mod gpio;
pub mod link_settings;
pub mod printer;
pub mod scanner;
pub mod staff_key;
pub mod voice;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hall_link::HallLink;

pub use desk::LiveDesk;
pub use link_settings::link_settings;

use self::demo::{DemoWorld, Simulators};
use self::events::{EventReceiver, EventSender};
use crate::health::{HealthBoard, LiveStaff, Metrics, Monitor};
use crate::platform::config::Config;
use crate::platform::liveness::Liveness;
use crate::printing::PrintService;
use crate::tasks::Tasks;

/// How long shutdown waits for tasks to finish their unit of work.
const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(3);
/// How often the monitor assesses the kiosk (lamps, heartbeat on change, metrics).
const MONITOR_EVERY: Duration = Duration::from_secs(5);
/// How often orders paid after their citizen left are looked for (the link settles them
/// within a minute of their expiry).
const LATE_PAYMENTS_EVERY: Duration = Duration::from_secs(10);

/// Where the kiosk's world comes from.
#[derive(Debug, Clone)]
pub enum World {
    /// The devices and backend of the config.
    Device,
    /// hall-sim and the device simulators, with the demo's data in this directory.
    Demo(PathBuf),
}

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

/// What every device loop reports to: the tasks it runs on, the UI's event channel, the
/// status board and the metrics.
pub struct Wiring<'a> {
    pub tasks: &'a Tasks,
    pub tx: &'a EventSender,
    pub health: &'a HealthBoard,
    pub metrics: &'a Arc<Metrics>,
}

/// Everything that runs beside the UI.
pub struct Services {
    runtime: tokio::runtime::Runtime,
    tasks: Tasks,
    pub link: HallLink,
    pub desk: LiveDesk,
    events: Option<EventReceiver>,
    pub demo: Option<Arc<DemoWorld>>,
    pub health: HealthBoard,
    pub metrics: Arc<Metrics>,
    /// The background tasks the systemd watchdog waits on.
    pub liveness: Arc<Liveness>,
    /// The config the services run with (for the demo: rewritten to its world).
    pub config: Config,
    monitor: Arc<Monitor>,
    printer: Option<PrintService>,
    /// Device workers on their own threads; dropping them stops them.
    devices: Vec<Box<dyn Send>>,
    /// The voice prompts' player (silent when `[audio] voice = "off"`).
    pub voice: voice::Voice,
}

impl Services {
    /// Starts the services. The process environment must be set before this (it starts
    /// the runtime's threads; see `main`).
    pub fn start(config: &Config, world: World) -> Result<Services, StartError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("kiosk-io")
            .build()
            .map_err(StartError::Runtime)?;
        let tasks = Tasks::new(runtime.handle().clone());
        let (config, sims) = match &world {
            World::Device => (config.clone(), None),
            World::Demo(dir) => {
                let (sims, c) = runtime.block_on(Simulators::spawn(config, dir))?;
                (c, Some(sims))
            }
        };
        let (tx, rx) = events::channel();
        let health = HealthBoard::new(&config.kiosk.data_dir);
        health.set_insecure_backend(config.backend.url.starts_with("http://"));
        let metrics = Metrics::new();
        if let Some(addr) = config.metrics.listen {
            // Hall IT's figures are not worth a kiosk that serves nobody: a port in use is
            // an alert, not a failed start.
            match runtime.block_on(crate::health::metrics::bind(addr)) {
                Ok(listener) => tasks.spawn(crate::health::metrics::serve(
                    listener,
                    metrics.clone(),
                    tasks.stop_signal(),
                )),
                Err(e) => {
                    tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, %addr, "metrics endpoint not started: {e}")
                }
            }
        }
        let link = HallLink::open(link_settings(&config)?)?;
        {
            let m = metrics.clone();
            link.observe_latency(move |took, answered| {
                let result = if answered { "answered" } else { "failed" };
                m.backend_seconds
                    .get_or_create(&vec![("result", result)])
                    .observe(took.as_secs_f64());
            });
        }
        let mut liveness = Liveness::default();
        start_link(&link, &tasks, &tx, &mut liveness);

        let wiring = Wiring {
            tasks: &tasks,
            tx: &tx,
            health: &health,
            metrics: &metrics,
        };
        let (mut gpio_device, gpio_handle) = gpio::open(&config.devices.gpio);
        gpio::watch_inputs(gpio_device.as_mut(), &wiring);
        let mut devices: Vec<Box<dyn Send>> = Vec::new();
        if let Some(h) = scanner::start(&config, &wiring, &link, &mut liveness) {
            devices.push(Box::new(h));
        }
        if let Some(h) = card_watch::start(&config, &wiring, &mut liveness) {
            devices.push(Box::new(h));
        }
        let printer = printer::open(&config);
        if let Some(p) = &printer {
            printer::poll(p.clone(), &tasks, &mut liveness);
        }
        let gpio: gpio::SharedGpio = Arc::new(Mutex::new(gpio_device));
        let monitor = Arc::new(Monitor {
            link: link.clone(),
            printer: printer.clone(),
            health: health.clone(),
            gpio: gpio.clone(),
            metrics: metrics.clone(),
            last: Mutex::new(None),
        });
        start_monitor(&monitor, &tasks, &mut liveness);
        start_late_payments(&link, printer.clone(), metrics.clone(), &tasks);

        let desk = LiveDesk {
            tasks: tasks.clone(),
            link: link.clone(),
            tx,
            gpio,
            printer: printer.clone(),
            health: health.clone(),
            public_url: config.kiosk.public_url.trim_end_matches('/').to_string(),
            hall_id: config.kiosk.hall_id.clone(),
            metrics: metrics.clone(),
        };
        let voice = voice::Voice::start(voice::VoiceSettings::from_config(&config));
        Ok(Services {
            runtime,
            tasks,
            link,
            desk,
            events: Some(rx),
            demo: sims.map(|s| Arc::new(s.into_world(gpio_handle))),
            health,
            metrics,
            liveness: Arc::new(liveness),
            config,
            monitor,
            printer,
            devices,
            voice,
        })
    }

    /// The receiving end of the events for the UI; taken once.
    pub fn take_events(&mut self) -> Option<EventReceiver> {
        self.events.take()
    }

    /// The lamp and heartbeat monitor (its loop runs every 5 s; tests call `tick`).
    pub fn monitor(&self) -> Arc<Monitor> {
        self.monitor.clone()
    }

    /// What the staff screen shows and does.
    pub fn staff(&self) -> LiveStaff {
        LiveStaff {
            link: self.link.clone(),
            printer: self.printer.clone(),
            health: self.health.clone(),
            tasks: self.tasks.clone(),
            kiosk_id: self.config.kiosk.id.clone(),
            data_dir: self.config.kiosk.data_dir.clone(),
        }
    }

    /// The configured printer, if any.
    pub fn printer(&self) -> Option<&PrintService> {
        self.printer.as_ref()
    }

    /// The catalog the kiosk starts with: the cached one, or (demo, first start) the sample.
    pub fn initial_catalog(&self) -> Option<serde_json::Value> {
        self.link.catalog().or_else(|| {
            self.demo
                .as_ref()
                .and_then(|_| serde_json::from_str(hall_link::sim::SAMPLE_CATALOG).ok())
        })
    }

    /// Runs a future on the services' runtime from a thread outside it (the UI thread,
    /// the CLI, tests).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    pub fn tasks(&self) -> &Tasks {
        &self.tasks
    }

    /// Stops every task and device worker, waiting up to a few seconds for them to finish
    /// what they are doing (a delivery in flight completes; nothing is cut mid-commit).
    /// Returns false when some task was still running at the deadline.
    pub fn shutdown(self) -> bool {
        self.link.shutdown();
        let clean = self
            .runtime
            .block_on(self.tasks.shutdown(SHUTDOWN_DEADLINE));
        if !clean {
            tracing::warn!(
                running = self.tasks.running(),
                "tasks still running at the shutdown deadline"
            );
        }
        drop(self.devices);
        drop(self.demo);
        self.runtime.shutdown_timeout(Duration::from_secs(1));
        clean
    }
}

/// The link's delivery actor and the first sync (catalog, offline blocks) in the
/// background: the home screen comes up at once from the cached catalog.
fn start_link(link: &HallLink, tasks: &Tasks, tx: &EventSender, liveness: &mut Liveness) {
    let actor = {
        let _guard = tasks.handle().enter();
        link.start()
    };
    tasks.spawn(async move {
        let _ = actor.await;
    });
    {
        // One delivery pass may wait out a few backend timeouts; minutes of silence mean
        // the actor is hung, and a restart resumes delivery from the store.
        let link = link.clone();
        liveness.watch("outbox delivery", Duration::from_secs(180), move || {
            link.actor_age()
        });
    }
    let (link, tx) = (link.clone(), tx.clone());
    tasks.spawn(async move {
        if let Err(e) = link.sync().await {
            tracing::warn!("first sync with the hall backend failed: {e}");
        }
        if let Some(c) = link.catalog() {
            tx.send(crate::domain::AppEvent::Catalog(c));
        }
    });
}

/// Orders paid after their citizen left are printed for staff, once each, as the link's
/// actor finds them settled.
fn start_late_payments(
    link: &HallLink,
    printer: Option<crate::printing::PrintService>,
    metrics: Arc<crate::health::Metrics>,
    tasks: &Tasks,
) {
    let link = link.clone();
    let alerted = Arc::new(Mutex::new(std::collections::HashSet::new()));
    tasks.every(LATE_PAYMENTS_EVERY, move || {
        let (link, printer, metrics) = (link.clone(), printer.clone(), metrics.clone());
        let alerted = alerted.clone();
        async move {
            let _ = tokio::task::spawn_blocking(move || {
                let mut alerted = alerted.lock().unwrap_or_else(|p| p.into_inner());
                desk::payment::print_late_payments(&link, printer.as_ref(), &metrics, &mut alerted)
            })
            .await;
        }
    });
}

/// The monitor's loop also proves the tokio runtime itself is not wedged.
fn start_monitor(monitor: &Arc<Monitor>, tasks: &Tasks, liveness: &mut Liveness) {
    let beat = kiosk_drivers::alive::Beat::new();
    let b = beat.clone();
    liveness.watch("monitor", Duration::from_secs(60), move || Some(b.age()));
    let monitor = monitor.clone();
    tasks.every(MONITOR_EVERY, move || {
        let monitor = monitor.clone();
        let beat = beat.clone();
        async move {
            monitor.tick().await;
            beat.beat();
        }
    });
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Instant;

    use super::*;
    use crate::platform::config::DEMO;

    #[test]
    fn shutdown_stops_every_task_of_a_running_kiosk_before_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::parse(DEMO, Path::new("kiosk.toml")).unwrap();
        let services = Services::start(&config, World::Demo(dir.path().to_path_buf())).unwrap();
        // Let the loops get going: the first sync reaches hall-sim and the monitor ticks.
        let start = Instant::now();
        while !services.link.status().online {
            assert!(start.elapsed() < Duration::from_secs(10), "never online");
            std::thread::sleep(Duration::from_millis(20));
        }
        let running = services.tasks().running();
        assert!(
            running >= 5,
            "the device loops, link, monitor run: {running}"
        );
        let asked = Instant::now();
        assert!(services.shutdown(), "a task ignored the stop signal");
        assert!(asked.elapsed() < SHUTDOWN_DEADLINE + Duration::from_secs(1));
    }
}
