//! Which background tasks are alive, for the systemd watchdog. The UI loop feeds the
//! watchdog only while every task here has shown life recently: a UI that still draws
//! while the outbox actor or the card watch hangs must be restarted too, because citizens
//! would be told "accepted" by a kiosk that no longer delivers, or never see their card.

use std::time::Duration;

type Age = Box<dyn Fn() -> Option<Duration> + Send + Sync>;

struct Watched {
    name: &'static str,
    max_silence: Duration,
    age: Age,
}

/// The tasks the watchdog waits on.
#[derive(Default)]
pub struct Liveness {
    watched: Vec<Watched>,
}

impl Liveness {
    /// Watches a task: `age` says how long since it last showed life, or None when it is
    /// not running on purpose (not started yet, or ended because it has nothing to do).
    pub fn watch(
        &mut self,
        name: &'static str,
        max_silence: Duration,
        age: impl Fn() -> Option<Duration> + Send + Sync + 'static,
    ) {
        self.watched.push(Watched {
            name,
            max_silence,
            age: Box::new(age),
        });
    }

    /// Tasks silent for longer than they may be, with how long.
    pub fn stale(&self) -> Vec<(&'static str, Duration)> {
        self.watched
            .iter()
            .filter_map(|w| {
                let age = (w.age)()?;
                (age > w.max_silence).then_some((w.name, age))
            })
            .collect()
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.watched.iter().map(|w| w.name).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_task_silent_past_its_limit_is_stale_and_one_not_running_is_not() {
        let age = Arc::new(AtomicU64::new(1));
        let mut l = Liveness::default();
        let a = age.clone();
        l.watch("outbox", Duration::from_secs(10), move || {
            Some(Duration::from_secs(a.load(Ordering::Relaxed)))
        });
        l.watch("scanner", Duration::from_secs(1), || None);
        assert!(l.stale().is_empty());
        age.store(11, Ordering::Relaxed);
        assert_eq!(l.stale(), [("outbox", Duration::from_secs(11))]);
        age.store(0, Ordering::Relaxed);
        assert!(l.stale().is_empty(), "a beat again clears it");
    }
}
