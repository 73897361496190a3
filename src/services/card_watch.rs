//! The ID-card reader's loop: cards placed and taken go to the UI as the flows see them;
//! the board and metrics follow the reader. Logs name what happened, never whose card.

use std::time::Duration;

use kiosk_drivers::idcard::{self, CardEvent, WatchHandle};

use super::Wiring;
use crate::domain::AppEvent;
use crate::health::board::DeviceState;
use crate::platform::config::{fitted, Config};
use crate::platform::liveness::Liveness;

/// Starts the card watch and its loop; None when the config has no reader.
pub fn start(config: &Config, wiring: &Wiring, liveness: &mut Liveness) -> Option<WatchHandle> {
    let (tasks, tx, health, metrics) = (
        wiring.tasks,
        wiring.tx.clone(),
        wiring.health.clone(),
        wiring.metrics.clone(),
    );
    let port = config.devices.idcard.port.clone();
    if !fitted(&port) {
        return None;
    }
    let mut cfg = idcard::WatchConfig::new(port);
    cfg.baud = config.devices.idcard.baud;
    let (mut rx, handle) = idcard::spawn_card_watch(cfg);
    let beat = handle.beat();
    liveness.watch("card watch", Duration::from_secs(30), move || {
        Some(beat.age())
    });
    let stop = tasks.stop_signal();
    tasks.spawn(async move {
        loop {
            let ev = tokio::select! {
                _ = stop.cancelled() => return,
                ev = rx.recv() => match ev { Some(ev) => ev, None => return },
            };
            health.set_reader(match &ev {
                CardEvent::ReaderOffline(why) => DeviceState::Offline(why.to_string()),
                _ => DeviceState::Ready,
            });
            let event = match ev {
                CardEvent::Presented(card) => {
                    health.card_read(hall_link::store::now_ms());
                    metrics.count_card_read(true);
                    tracing::info!(card_type = ?card.card_type, "card presented");
                    AppEvent::CardPresented(card.as_ref().into())
                }
                CardEvent::ReadFailed(e) => {
                    metrics.count_card_read(false);
                    AppEvent::CardUnreadable(e.kind().to_string())
                }
                CardEvent::Removed => AppEvent::CardRemoved,
                CardEvent::ReaderOffline(why) => {
                    tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "ID-card reader offline: {why}");
                    AppEvent::ReaderOffline
                }
                CardEvent::ReaderBack => AppEvent::ReaderBack,
            };
            tx.send(event);
        }
    });
    Some(handle)
}
