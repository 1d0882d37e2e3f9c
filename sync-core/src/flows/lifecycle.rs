//! What every flow run does around its work: hold the (connection, flow) lease so two workers never
//! run the same flow at once, record the run in the state store, count the connectors' API usage,
//! and store the finished report.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::error::{ErrorKind, SyncError};
use crate::report::{ApiStats, RunRecorder, RunReport};
use crate::state::{RunFinish, RunId, RunStart, StateStore};
use crate::traits::Clock;

/// The identity of a flow's runs: where they are recorded and who holds the lease.
pub(crate) struct Lifecycle<'a> {
    pub state: &'a dyn StateStore,
    pub clock: &'a Arc<dyn Clock>,
    pub connection: &'a str,
    pub flow: &'static str,
    pub worker: &'a str,
    pub lease_ttl: Duration,
}

impl Lifecycle<'_> {
    /// Take the lease, or a retryable `conflict` error when another worker holds it.
    pub async fn acquire(&self, now: DateTime<Utc>) -> Result<(), SyncError> {
        let lease = self
            .state
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

    /// Give the lease back; a failure only delays the next run until the lease expires.
    pub async fn release(&self) {
        if let Err(e) = self
            .state
            .release_lease(self.connection, self.flow, self.worker)
            .await
        {
            tracing::warn!(connection = self.connection, flow = self.flow, error = %e, "could not release the lease");
        }
    }

    /// Record the start of a run: its stored id and the recorder the flow counts with.
    pub async fn begin(
        &self,
        started: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<(RunId, RunRecorder), SyncError> {
        let run_id = self
            .state
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
    pub async fn finish(
        &self,
        run_id: RunId,
        mut recorder: RunRecorder,
        api: (ApiStats, ApiStats),
    ) -> Result<RunReport, SyncError> {
        let (before, after) = api;
        recorder.record_api(&after.since(&before));
        let report = recorder.finish();
        self.state
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
