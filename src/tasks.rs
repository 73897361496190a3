//! Background work, one way: every task the kiosk starts is tracked, and every loop listens
//! to one stop signal, so shutdown waits for them to finish their unit of work (as tokio's
//! mini-redis does) instead of cutting them off when the runtime drops.

use std::future::Future;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Clone)]
pub struct Tasks {
    handle: Handle,
    tracker: TaskTracker,
    stop: CancellationToken,
}

impl Tasks {
    pub fn new(handle: Handle) -> Tasks {
        Tasks {
            handle,
            tracker: TaskTracker::new(),
            stop: CancellationToken::new(),
        }
    }

    /// Runs a task on the kiosk's runtime; shutdown waits for it.
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tracker.spawn_on(task, &self.handle);
    }

    /// Runs blocking work (a print job, a fsync) on the blocking pool, never on the async
    /// workers or the UI thread; shutdown waits for it.
    pub fn spawn_blocking<F>(&self, work: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.tracker.spawn_blocking_on(work, &self.handle);
    }

    /// Runs `tick` every `period` until shutdown; a tick in progress is finished first.
    pub fn every<F, Fut>(&self, period: Duration, mut tick: F)
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let stop = self.stop.clone();
        self.spawn(async move {
            loop {
                tick().await;
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tokio::time::sleep(period) => {}
                }
            }
        });
    }

    /// The stop signal, for loops that wait on something else too.
    pub fn stop_signal(&self) -> CancellationToken {
        self.stop.clone()
    }

    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Signals every task to stop and waits up to `deadline` for them; returns false when
    /// some were still running at the deadline (they are then cut off with the runtime).
    pub async fn shutdown(&self, deadline: Duration) -> bool {
        self.stop.cancel();
        self.tracker.close();
        tokio::time::timeout(deadline, self.tracker.wait())
            .await
            .is_ok()
    }

    /// How many tasks are running (for tests and diagnostics).
    pub fn running(&self) -> usize {
        self.tracker.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn shutdown_stops_every_loop_and_waits_for_blocking_work() {
        let tasks = Tasks::new(Handle::current());
        let ticks = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let t = ticks.clone();
        tasks.every(Duration::from_secs(5), move || {
            let t = t.clone();
            async move {
                t.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        });
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let d = done.clone();
        tasks.spawn_blocking(move || d.store(true, std::sync::atomic::Ordering::SeqCst));
        tokio::time::sleep(Duration::from_secs(12)).await;
        assert_eq!(ticks.load(std::sync::atomic::Ordering::SeqCst), 3);
        assert!(tasks.shutdown(Duration::from_secs(1)).await);
        assert_eq!(tasks.running(), 0);
        assert!(done.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_ignores_the_signal_is_reported_at_the_deadline() {
        let tasks = Tasks::new(Handle::current());
        tasks.spawn(async { tokio::time::sleep(Duration::from_secs(3600)).await });
        assert!(!tasks.shutdown(Duration::from_secs(2)).await);
    }
}
