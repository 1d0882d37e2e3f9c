//! The run protocol every flow follows around its work: hold the (connection, flow) lease so two workers never
//! run the same flow at once — renewed by a heartbeat while the run goes on, so a short lease is
//! enough and a crashed worker's lease frees quickly — record the run in the state store, count the
//! connectors' API usage, and store the finished report.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::{Instant, MissedTickBehavior};

use crate::error::{ErrorKind, SyncError};
use crate::report::{ApiStats, RunRecorder, RunReport};
use crate::state::{LeaseStore, RunFinish, RunId, RunLog, RunStart};
use crate::traits::Clock;

/// The default lease time: short, because it is renewed three times per period while a run goes on,
/// and a worker that died without releasing it blocks the flow at most this long (on stores that
/// cannot tell a dead holder at once).
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(60);

/// Whether the run still holds its lease. Flows look before each record and stop when it is lost
/// (another worker may be running the flow now).
#[derive(Debug, Clone, Default)]
pub struct LeaseWatch {
    lost: Arc<AtomicBool>,
}

impl LeaseWatch {
    /// Whether the lease was lost.
    pub fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// The error a flow stops with when the lease is lost.
    pub fn error(flow: &str) -> SyncError {
        SyncError::retryable(
            ErrorKind::Conflict,
            format!(
                "the {flow} flow lost its lease (its renewals failed for longer than the lease \
                 lasts); stopped so that two workers never run it at once"
            ),
        )
    }
}

/// The identity of a flow's runs — where they are recorded and who holds the lease — and the
/// whole-run protocol every flow follows ([`run`](Self::run)).
pub struct RunScope<'a> {
    /// Where runs are recorded.
    pub runs: &'a dyn RunLog,
    /// Where the flow's lease is held.
    pub leases: &'a dyn LeaseStore,
    /// The clock runs and leases are timed by.
    pub clock: &'a Arc<dyn Clock>,
    /// The connection.
    pub connection: &'a str,
    /// The flow's name.
    pub flow: &'a str,
    /// This worker's id (it holds the lease).
    pub worker: &'a str,
    /// How long the lease lasts without a renewal ([`DEFAULT_LEASE_TTL`]).
    pub lease_ttl: Duration,
}

impl RunScope<'_> {
    /// One whole run: take the lease (or a retryable `conflict` error when another worker holds
    /// it), record the start, do `work` while the lease is renewed, store the report, give the lease
    /// back. `work` gets the stored run id, the recorder and the lease watch, and returns the recorder.
    pub async fn run<F, Fut>(
        &self,
        started: DateTime<Utc>,
        dry_run: bool,
        api: impl Fn() -> ApiStats,
        work: F,
    ) -> Result<RunReport, SyncError>
    where
        F: FnOnce(RunId, RunRecorder, LeaseWatch) -> Fut,
        Fut: Future<Output = RunRecorder>,
    {
        self.acquire(started).await?;
        let watch = LeaseWatch::default();
        let result = async {
            let api_before = api();
            let (run_id, recorder) = self.begin(started, dry_run).await?;
            let recorder = self
                .heartbeat(&watch, work(run_id, recorder, watch.clone()))
                .await;
            self.finish(run_id, recorder, (api_before, api())).await
        }
        .await;
        self.release().await;
        result
    }

    /// Take the lease, or a retryable `conflict` error when another worker holds it.
    async fn acquire(&self, now: DateTime<Utc>) -> Result<(), SyncError> {
        let lease = self
            .leases
            .acquire_lease(self.connection, self.flow, self.worker, self.lease_ttl, now)
            .await?;
        if lease.is_none() {
            return Err(SyncError::retryable(
                ErrorKind::Conflict,
                format!(
                    "the {} flow of connection `{}` is running in another worker",
                    self.flow, self.connection
                ),
            ));
        }
        Ok(())
    }

    /// Run `work` while renewing the lease three times per lease period. A renewal that finds the
    /// lease gone, or renewals failing for longer than the lease lasts, mark it lost.
    async fn heartbeat<F: Future>(&self, watch: &LeaseWatch, work: F) -> F::Output {
        let every = (self.lease_ttl / 3).max(Duration::from_millis(100));
        let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last_renewed = Instant::now();
        tokio::pin!(work);
        loop {
            tokio::select! {
                biased;
                output = &mut work => return output,
                _ = ticks.tick() => {
                    let renewed = self.leases.renew_lease(self.connection, self.flow, self.worker, self.lease_ttl, self.clock.now())
                        .await;
                    match renewed {
                        Ok(Some(_)) => last_renewed = Instant::now(),
                        Ok(None) => {
                            tracing::warn!(connection = self.connection, flow = self.flow, "the lease was lost");
                            watch.lost.store(true, Ordering::SeqCst);
                        }
                        Err(e) => {
                            tracing::warn!(connection = self.connection, flow = self.flow, error = %e, "could not renew the lease");
                            if last_renewed.elapsed() >= self.lease_ttl {
                                watch.lost.store(true, Ordering::SeqCst);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Give the lease back; a failure only delays the next run until the lease expires.
    async fn release(&self) {
        if let Err(e) = self
            .leases
            .release_lease(self.connection, self.flow, self.worker)
            .await
        {
            tracing::warn!(connection = self.connection, flow = self.flow, error = %e, "could not release the lease");
        }
    }

    /// Record the start of a run: its stored id and the recorder the flow counts with.
    async fn begin(
        &self,
        started: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<(RunId, RunRecorder), SyncError> {
        let run_id = self
            .runs
            .begin_run(&RunStart {
                connection: self.connection.to_owned(),
                flow: self.flow.to_owned(),
                started_at: started,
                dry_run,
            })
            .await?;
        let recorder =
            RunRecorder::new(self.connection, self.flow, self.clock.clone()).dry_run(dry_run);
        Ok((run_id, recorder))
    }

    /// Close the run: count the API usage between the two snapshots, store and return the report.
    async fn finish(
        &self,
        run_id: RunId,
        mut recorder: RunRecorder,
        api: (ApiStats, ApiStats),
    ) -> Result<RunReport, SyncError> {
        let (before, after) = api;
        recorder.record_api(&after.since(&before));
        let report = recorder.finish();
        self.runs
            .finish_run(
                run_id,
                &RunFinish {
                    finished_at: report.finished_at,
                    outcome: report.outcome.to_string(),
                    report: serde_json::to_value(&report)?,
                },
            )
            .await?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MemoryStateStore;
    use crate::testing::TokioClock;

    fn lifecycle<'a>(
        state: &'a MemoryStateStore,
        clock: &'a Arc<dyn Clock>,
        worker: &'a str,
    ) -> RunScope<'a> {
        RunScope {
            runs: state,
            leases: state,
            clock,
            connection: "c",
            flow: "stock",
            worker,
            lease_ttl: DEFAULT_LEASE_TTL,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_run_keeps_its_short_lease() {
        let state = MemoryStateStore::new();
        let clock: Arc<dyn Clock> = Arc::new(TokioClock::new());
        let a = lifecycle(&state, &clock, "a");
        let b = lifecycle(&state, &clock, "b");
        let report = a
            .run(
                clock.now(),
                false,
                ApiStats::default,
                |_, recorder, watch| {
                    let b = &b;
                    let clock = &clock;
                    async move {
                        // Ten lease periods in, another worker still finds the flow busy.
                        tokio::time::sleep(DEFAULT_LEASE_TTL * 10).await;
                        let busy =
                            b.run(clock.now(), false, ApiStats::default, |_, r, _| async { r });
                        let error = busy.await.unwrap_err();
                        assert_eq!(error.kind(), ErrorKind::Conflict);
                        assert!(!watch.lost());
                        recorder
                    }
                },
            )
            .await
            .unwrap();
        assert_eq!(report.flow, "stock");
        // Released at the end: the other worker runs at once.
        b.run(clock.now(), false, ApiStats::default, |_, r, _| async { r })
            .await
            .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_lease_taken_away_is_noticed() {
        let state = MemoryStateStore::new();
        let clock: Arc<dyn Clock> = Arc::new(TokioClock::new());
        let a = lifecycle(&state, &clock, "a");
        a.run(
            clock.now(),
            false,
            ApiStats::default,
            |_, recorder, watch| {
                let state = &state;
                let clock = &clock;
                async move {
                    state.release_lease("c", "stock", "a").await.unwrap();
                    state
                        .acquire_lease("c", "stock", "intruder", DEFAULT_LEASE_TTL, clock.now())
                        .await
                        .unwrap()
                        .unwrap();
                    tokio::time::sleep(DEFAULT_LEASE_TTL).await;
                    assert!(watch.lost());
                    recorder
                }
            },
        )
        .await
        .unwrap();
    }
}
