//! The card watch: polls the reader, reads each placement once, and reports placements,
//! removals and the reader going and coming back. Blocking serial I/O runs on its own
//! thread; events arrive on a tokio channel.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::alive::Beat;

use super::reader::{CardReader, IdCardError, SerialCardReader};
use super::text::IdCard;

#[derive(Debug, Clone)]
pub struct WatchConfig {
    pub port: String,
    pub baud: u32,
    /// Polls per second while waiting for a card.
    pub poll_hz: f32,
}

impl WatchConfig {
    pub fn new(port: impl Into<String>) -> WatchConfig {
        WatchConfig {
            port: port.into(),
            baud: 115_200,
            poll_hz: 4.0,
        }
    }
}

#[derive(Debug)]
pub enum CardEvent {
    Presented(Box<IdCard>),
    ReadFailed(IdCardError),
    Removed,
    ReaderOffline(String),
    ReaderBack,
}

/// Stops the watch when dropped.
pub struct WatchHandle {
    stop: Arc<AtomicBool>,
    beat: Beat,
}

impl WatchHandle {
    /// Stamped every time round the watch loop and while it sleeps: it stops ageing only
    /// while the thread is stuck (in a reader call, or on a full event channel).
    pub fn beat(&self) -> Beat {
        self.beat.clone()
    }

    pub fn shutdown(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

pub fn spawn_card_watch(cfg: WatchConfig) -> (mpsc::Receiver<CardEvent>, WatchHandle) {
    let (tx, rx) = mpsc::channel(16);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let beat = Beat::new();
    let b = beat.clone();
    std::thread::Builder::new()
        .name("idcard-watch".into())
        .spawn(move || run(&cfg, &tx, &flag, &b))
        .expect("spawning the card watch thread");
    (rx, WatchHandle { stop, beat })
}

fn run(cfg: &WatchConfig, tx: &mpsc::Sender<CardEvent>, stop: &AtomicBool, beat: &Beat) {
    let period = Duration::from_secs_f32(1.0 / cfg.poll_hz.clamp(0.5, 20.0));
    let mut backoff = Duration::from_millis(200);
    let mut offline_said = false;
    let mut ever_open = false;
    while !stop.load(Ordering::SeqCst) {
        let mut reader = match SerialCardReader::open(&cfg.port, cfg.baud) {
            Ok(r) => r,
            Err(e) => {
                if !offline_said {
                    offline_said = true;
                    let _ = tx.blocking_send(CardEvent::ReaderOffline(e.to_string()));
                }
                sleep(stop, backoff, beat);
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        if offline_said || ever_open {
            let _ = tx.blocking_send(CardEvent::ReaderBack);
        }
        ever_open = true;
        offline_said = false;
        backoff = Duration::from_millis(200);
        let err = watch_open(&mut reader, tx, stop, period, beat);
        if let Some(e) = err {
            offline_said = true;
            let _ = tx.blocking_send(CardEvent::ReaderOffline(e.to_string()));
        }
    }
}

/// Runs until the reader fails (Some) or the watch stops (None).
fn watch_open(
    reader: &mut SerialCardReader,
    tx: &mpsc::Sender<CardEvent>,
    stop: &AtomicBool,
    period: Duration,
    beat: &Beat,
) -> Option<IdCardError> {
    let mut holding = false;
    while !stop.load(Ordering::SeqCst) {
        let step = if holding {
            // After a read, find fails until the card leaves; select tells whether it is
            // still there.
            reader.select().map(|present| {
                if !present {
                    holding = false;
                    let _ = tx.blocking_send(CardEvent::Removed);
                }
            })
        } else {
            reader.find().and_then(|found| {
                if found {
                    match reader.read() {
                        Ok(card) => {
                            holding = true;
                            let _ = tx.blocking_send(CardEvent::Presented(Box::new(card)));
                        }
                        Err(e) if e.is_offline() => return Err(e),
                        Err(e) => {
                            let _ = tx.blocking_send(CardEvent::ReadFailed(e));
                        }
                    }
                }
                Ok(())
            })
        };
        match step {
            Ok(()) => {}
            Err(e) if e.is_offline() => return Some(e),
            Err(e) => tracing::debug!("card reader: {e}"),
        }
        sleep(stop, period, beat);
    }
    None
}

fn sleep(stop: &AtomicBool, d: Duration, beat: &Beat) {
    let step = Duration::from_millis(20);
    let mut left = d;
    while !left.is_zero() && !stop.load(Ordering::SeqCst) {
        beat.beat();
        let s = left.min(step);
        std::thread::sleep(s);
        left -= s;
    }
}
