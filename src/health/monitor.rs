//! The monitor: every few seconds it assesses the kiosk ([`super::assess`]), lights the
//! status lamp, updates the metrics, and sends a heartbeat at once when anything changed.

use std::sync::{Arc, Mutex};

use hall_link::HallLink;
use kiosk_drivers::gpio::{Gpio, Output};

use super::assess::{assess, Assessment, Lamp};
use super::board::HealthBoard;
use super::metrics::Metrics;
use crate::printing::PrintService;

/// Applies assessments: lamps, and the heartbeat's device section.
pub struct Monitor {
    pub link: HallLink,
    pub printer: Option<PrintService>,
    pub health: HealthBoard,
    pub gpio: Arc<Mutex<Box<dyn Gpio>>>,
    pub metrics: Arc<Metrics>,
    pub last: Mutex<Option<Assessment>>,
}

impl Monitor {
    /// One round: assess, light the lamp, and send a heartbeat at once if anything changed.
    pub async fn tick(&self) -> Assessment {
        let health = self.health.snapshot();
        // The link's status reads the store, which may wait behind a commit's fsync: on the
        // blocking pool, not on one of the runtime's two workers.
        let link = {
            let link = self.link.clone();
            tokio::task::spawn_blocking(move || link.status())
                .await
                .unwrap_or_default()
        };
        let now = hall_link::store::now_ms();
        let a = assess(
            self.printer.as_ref().map(PrintService::known),
            &health,
            &link,
            now,
        );
        let m = &self.metrics;
        m.outbox_pending.set(link.outbox.pending as i64);
        m.store_bytes
            .set(i64::try_from(link.store_bytes).unwrap_or(i64::MAX));
        m.store_max_bytes
            .set(i64::try_from(link.store_max_bytes).unwrap_or(i64::MAX));
        m.outbox_oldest_seconds.set(
            link.oldest_pending_ms
                .map_or(0, |t| (now - t).max(0) / 1000),
        );
        m.outbox_dead.set(link.outbox.dead as i64);
        m.lamp.set(match a.lamp {
            Lamp::Green => 0,
            Lamp::Yellow => 1,
            Lamp::Red => 2,
        });
        let up = |device: &'static str, on: bool| {
            m.device_up
                .get_or_create(&vec![("device", device)])
                .set(i64::from(on));
        };
        up(
            "printer",
            a.devices["printer"] == "ready" || a.devices["printer"] == "paper_near_end",
        );
        up("idcard", a.devices["idcard"] != "offline");
        up("scanner", a.devices["scanner"] != "offline");
        up("backend", link.online && !link.auth_failed);
        {
            let mut gpio = self.gpio.lock().unwrap_or_else(|p| p.into_inner());
            gpio.set(Output::LampGreen, a.lamp == Lamp::Green);
            gpio.set(Output::LampYellow, a.lamp == Lamp::Yellow);
            gpio.set(Output::LampRed, a.lamp == Lamp::Red);
        }
        let changed = {
            let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            let changed = last.as_ref() != Some(&a);
            *last = Some(a.clone());
            changed
        };
        if changed {
            if !a.alerts.is_empty() {
                tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, lamp = ?a.lamp, alerts = ?a.alerts, "kiosk needs attention");
            }
            self.link.set_devices(a.devices.clone());
            let _ = self.link.heartbeat().await;
        }
        a
    }
}
