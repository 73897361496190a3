//! Calling staff to the kiosk (帮办代办): help lamp, a short buzz, a request at the backend,
//! and following it until staff clear it at their desk. The open call lives on the health
//! board, the one place the staff screen, the lamp and the heartbeat read it from.

use std::time::Duration;

use hall_link::{HallLink, Posted};
use kiosk_drivers::gpio::Output;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::domain::AppEvent;
use crate::health::HealthBoard;
use crate::services::events::EventSender;
use crate::services::gpio::{self, SharedGpio};

/// How often an open help call is checked at the backend.
const HELP_POLL: Duration = Duration::from_secs(3);
/// Enough to turn heads at the service desk, not to alarm.
const BUZZ: Duration = Duration::from_millis(800);

pub struct HelpDesk<'a> {
    pub link: &'a HallLink,
    pub gpio: &'a SharedGpio,
    pub health: &'a HealthBoard,
    pub tx: &'a EventSender,
    pub stop: &'a CancellationToken,
}

impl HelpDesk<'_> {
    /// Registers the call and follows it until staff clear it, the citizen ends it, a newer
    /// call replaces it, or the kiosk stops.
    pub async fn call(&self, request: u64, screen: &str) {
        gpio::set(self.gpio, Output::Buzzer, true);
        tokio::time::sleep(BUZZ).await;
        gpio::set(self.gpio, Output::Buzzer, false);
        let body = json!({"screen": screen, "reason": "citizen pressed help"});
        let no = match self
            .link
            .post_or_queue("help", "/help-requests", body)
            .await
        {
            Ok(Posted::Answered(a)) => a["request_no"].as_str().map(str::to_string),
            _ => None,
        };
        if let Some(no) = &no {
            self.health.help_numbered(no);
        }
        self.tx.send(AppEvent::Help {
            request,
            request_no: no.clone(),
            cleared: false,
        });
        let Some(no) = no else { return };
        loop {
            tokio::select! {
                _ = self.stop.cancelled() => return,
                _ = tokio::time::sleep(HELP_POLL) => {}
            }
            let ours = self
                .health
                .help()
                .and_then(|h| h.request_no)
                .is_some_and(|n| n == no);
            if !ours {
                return;
            }
            if let Ok(false) = self.link.help_open(&no).await {
                if self.health.help_cleared(&no) {
                    gpio::set(self.gpio, Output::HelpLamp, false);
                    tracing::info!(request = %no, "help call cleared by staff");
                    self.tx.send(AppEvent::Help {
                        request,
                        request_no: Some(no),
                        cleared: true,
                    });
                }
                return;
            }
        }
    }

    /// The citizen ended the call: the backend hears of it (through the outbox).
    pub async fn close(&self, request_no: Option<String>) {
        let Some(no) = request_no else { return };
        let _ = self
            .link
            .post_or_queue(
                "help_close",
                &format!("/help-requests/{no}/close"),
                json!({}),
            )
            .await;
    }
}
