//! Results and device events reach the UI thread through one channel: tokio tasks send
//! an [`AppEvent`] and wake the Slint event loop, which drains the channel on the UI thread
//! ([`Kiosk::pump`](super::Kiosk::pump)). Headless tests drain it themselves, so the same
//! path runs with and without an event loop.

use std::sync::mpsc;

/// Sends events to the UI thread from any thread.
#[derive(Clone)]
pub struct EventSender<E> {
    tx: mpsc::Sender<E>,
}

impl<E: Send + 'static> EventSender<E> {
    /// Queues an event and wakes the UI event loop (if one runs) to handle it.
    pub fn send(&self, event: E) {
        if self.tx.send(event).is_ok() {
            // No event loop (headless tests) is fine: the test pumps the queue itself.
            let _ = slint::invoke_from_event_loop(|| {
                super::with_current(|k| {
                    k.pump();
                })
            });
        }
    }
}

pub fn channel<E>() -> (EventSender<E>, mpsc::Receiver<E>) {
    let (tx, rx) = mpsc::channel();
    (EventSender { tx }, rx)
}
