//! Results and device events reach the UI thread through one channel: tasks send an
//! [`AppEvent`] and wake the UI, which drains the channel on its own thread. The waker is
//! the app's (it knows the event loop); without one (headless tests) the receiver drains
//! the queue itself, so the same path runs with and without an event loop.

use std::sync::mpsc;
use std::sync::{Arc, OnceLock};

use crate::domain::AppEvent;

type Waker = Arc<dyn Fn() + Send + Sync>;

/// Sends events to the UI thread from any thread.
#[derive(Clone)]
pub struct EventSender {
    tx: mpsc::Sender<AppEvent>,
    waker: Arc<OnceLock<Waker>>,
}

impl EventSender {
    /// Queues an event and wakes the UI to handle it.
    pub fn send(&self, event: AppEvent) {
        if self.tx.send(event).is_ok() {
            if let Some(wake) = self.waker.get() {
                wake();
            }
        }
    }
}

/// The receiving end, taken once by the UI.
pub struct EventReceiver {
    pub rx: mpsc::Receiver<AppEvent>,
    waker: Arc<OnceLock<Waker>>,
}

impl EventReceiver {
    /// Sets how the UI is woken after each event; only the first call counts.
    pub fn set_waker(&self, wake: impl Fn() + Send + Sync + 'static) {
        let _ = self.waker.set(Arc::new(wake));
    }

    pub fn try_recv(&self) -> Option<AppEvent> {
        self.rx.try_recv().ok()
    }
}

pub fn channel() -> (EventSender, EventReceiver) {
    let (tx, rx) = mpsc::channel();
    let waker = Arc::new(OnceLock::new());
    (
        EventSender {
            tx,
            waker: waker.clone(),
        },
        EventReceiver { rx, waker },
    )
}
