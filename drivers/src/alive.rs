//! Liveness beats. A device worker stamps its beat each time round its loop (and while it
//! sleeps between polls), so the app's watchdog can tell a worker that is hung (stuck in a
//! driver call, or blocked on a channel nobody reads) from one that is merely idle.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A shared stamp of the last time a worker showed it was alive. Clones share the stamp.
#[derive(Debug, Clone)]
pub struct Beat(Arc<AtomicU64>);

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl Beat {
    /// A beat stamped now.
    pub fn new() -> Beat {
        let b = Beat(Arc::new(AtomicU64::new(0)));
        b.beat();
        b
    }

    /// The worker is alive now.
    pub fn beat(&self) {
        self.0
            .store(epoch().elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// How long since the last beat.
    pub fn age(&self) -> Duration {
        epoch()
            .elapsed()
            .saturating_sub(Duration::from_millis(self.0.load(Ordering::Relaxed)))
    }
}

impl Default for Beat {
    fn default() -> Self {
        Beat::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_grows_until_the_next_beat() {
        let b = Beat::new();
        let c = b.clone();
        std::thread::sleep(Duration::from_millis(30));
        assert!(b.age() >= Duration::from_millis(25));
        c.beat();
        assert!(
            b.age() < Duration::from_millis(25),
            "clones share the stamp"
        );
    }
}
