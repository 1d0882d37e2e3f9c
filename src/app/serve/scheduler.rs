//! The background tasks on a clock: each flow's schedule and the daily purge of old activity payloads.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sync_core::error::ErrorKind;
use sync_core::flows::RunRequest;
use sync_core::state::StateStore;
use sync_core::traits::Clock;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use super::runner::{FlowRunner, Trigger};

/// How often the activity log is purged.
pub const PURGE_EVERY: Duration = Duration::from_secs(24 * 3600);

/// Call `tick` at once and then every `every` until `stop` is set. A tick in progress is never
/// interrupted: stopping waits for it (graceful shutdown lets in-flight runs finish). A tick that
/// overruns the interval delays the next one rather than bunching them up.
pub async fn every<F, Fut>(every: Duration, mut stop: watch::Receiver<bool>, mut tick: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            biased;
            _ = stop.wait_for(|s| *s) => break,
            _ = ticks.tick() => {}
        }
        tick().await;
    }
}

/// Poll a connection's order flow on its schedule. A run another process holds the lease of is
/// skipped: the next tick tries again.
pub async fn poll_on_schedule(
    runner: Arc<FlowRunner>,
    interval: Duration,
    stop: watch::Receiver<bool>,
) {
    tracing::info!(connection = runner.name(), every = ?interval, "orders flow scheduled");
    every(interval, stop, || {
        let runner = runner.clone();
        async move {
            if let Err(e) = runner.run(RunRequest::poll(), Trigger::Schedule).await
                && e.kind() == ErrorKind::Conflict
            {
                tracing::info!(
                    connection = runner.name(),
                    "another worker is running the orders flow; waiting for the next tick"
                );
            }
        }
    })
    .await;
}

/// Run a connection's stock flow on its schedule (lease conflicts wait for the next tick).
pub async fn stock_on_schedule(
    runner: Arc<FlowRunner>,
    interval: Duration,
    stop: watch::Receiver<bool>,
) {
    tracing::info!(connection = runner.name(), every = ?interval, "stock flow scheduled");
    every(interval, stop, || {
        let runner = runner.clone();
        async move {
            if let Err(e) = runner.run_stock(Trigger::Schedule).await
                && e.kind() == ErrorKind::Conflict
            {
                tracing::info!(
                    connection = runner.name(),
                    "another worker is running the stock flow; waiting for the next tick"
                );
            }
        }
    })
    .await;
}

/// Delete activity entries older than `retention`, at once and then daily.
pub async fn purge_daily(
    state: Arc<dyn StateStore>,
    clock: Arc<dyn Clock>,
    retention: Duration,
    stop: watch::Receiver<bool>,
) {
    every(PURGE_EVERY, stop, || {
        let state = state.clone();
        let clock = clock.clone();
        async move {
            let Ok(retention) = chrono::Duration::from_std(retention) else {
                tracing::warn!("[state] retention is too long to purge anything");
                return;
            };
            let cutoff = clock.now() - retention;
            match state.purge_activity(cutoff).await {
                Ok(purged) => tracing::info!(purged, %cutoff, "purged old activity entries"),
                Err(e) => tracing::warn!(error = %e, "could not purge the activity log"),
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use sync_core::state::{ActivityEntry, ActivityFilter, MemoryStateStore};
    use sync_core::traits::SystemClock;

    #[tokio::test(start_paused = true)]
    async fn ticks_at_start_then_every_interval_until_stopped() {
        let (tx, rx) = watch::channel(false);
        let count = Arc::new(AtomicU32::new(0));
        let task = tokio::spawn({
            let count = count.clone();
            every(Duration::from_secs(300), rx, move || {
                let count = count.clone();
                async move {
                    count.fetch_add(1, Ordering::SeqCst);
                }
            })
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(count.load(Ordering::SeqCst), 1, "the first run is at start");
        tokio::time::sleep(Duration::from_secs(300 * 3)).await;
        assert_eq!(count.load(Ordering::SeqCst), 4);
        tx.send(true).unwrap();
        task.await.unwrap();
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(count.load(Ordering::SeqCst), 4, "nothing after the stop");
    }

    #[tokio::test(start_paused = true)]
    async fn stopping_waits_for_the_tick_in_progress() {
        let (tx, rx) = watch::channel(false);
        let finished = Arc::new(AtomicU32::new(0));
        let task = tokio::spawn({
            let finished = finished.clone();
            every(Duration::from_secs(60), rx, move || {
                let finished = finished.clone();
                async move {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    finished.fetch_add(1, Ordering::SeqCst);
                }
            })
        });
        tokio::time::sleep(Duration::from_secs(5)).await;
        tx.send(true).unwrap();
        task.await.unwrap();
        assert_eq!(
            finished.load(Ordering::SeqCst),
            1,
            "the run in flight finished"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_purge_removes_entries_older_than_the_retention() {
        let state: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
        let now = chrono::Utc::now();
        for (key, age_days) in [("old", 40), ("new", 1)] {
            state
                .log_activity(&ActivityEntry {
                    run_id: None,
                    connection: "c".into(),
                    flow: "orders".into(),
                    record_key: Some(key.into()),
                    stage: "write".into(),
                    direction: "shop→ledger".into(),
                    received: None,
                    sent: None,
                    answer: None,
                    outcome: "created".into(),
                    message: None,
                    at: now - chrono::Duration::days(age_days),
                })
                .await
                .unwrap();
        }
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(purge_daily(
            state.clone(),
            Arc::new(SystemClock),
            Duration::from_secs(30 * 86_400),
            rx,
        ));
        tokio::time::sleep(Duration::from_secs(1)).await;
        tx.send(true).unwrap();
        task.await.unwrap();
        let left = state
            .list_activity(&ActivityFilter::default())
            .await
            .unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].entry.record_key.as_deref(), Some("new"));
    }
}
