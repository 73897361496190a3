//! The receipt printer from the config, and its status poll.

use std::time::Duration;

use kiosk_drivers::alive::Beat;
use kiosk_drivers::printer::{EscPosPrinter, PaperWidth, PortSpec, Profile};

use crate::platform::config::{fitted, Config};
use crate::platform::liveness::Liveness;
use crate::printing::PrintService;
use crate::tasks::Tasks;

/// How often the printer is asked how it is, so staff hear of paper running low before a
/// citizen meets it.
const POLL: Duration = Duration::from_secs(30);

/// The configured printer; None when the config has none (`port = "none"`).
pub fn open(config: &Config) -> Option<PrintService> {
    let pc = &config.devices.printer;
    if !fitted(&pc.port) {
        return None;
    }
    let profile = Profile {
        width: PaperWidth::from_mm(pc.width_mm).unwrap_or_default(),
        encoding: pc.encoding.parse().unwrap_or_default(),
        ..Profile::default()
    };
    Some(PrintService::new(
        Box::new(EscPosPrinter::new(PortSpec::parse(&pc.port, pc.baud))),
        profile,
        config.kiosk.hall_name.clone(),
        config.utc_offset(),
        config.kiosk.public_url.trim_end_matches('/').to_string(),
    ))
}

/// Polls the printer's status every [`POLL`]. A poll that never returns (a USB printer
/// wedged in a write) stops the beat, and the watchdog restarts the kiosk.
pub fn poll(printer: PrintService, tasks: &Tasks, liveness: &mut Liveness) {
    let beat = Beat::new();
    let b = beat.clone();
    liveness.watch("printer status", Duration::from_secs(120), move || {
        Some(b.age())
    });
    tasks.every(POLL, move || {
        let p = printer.clone();
        let beat = beat.clone();
        async move {
            let _ = tokio::task::spawn_blocking(move || p.poll()).await;
            beat.beat();
        }
    });
}
