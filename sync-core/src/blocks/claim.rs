//! Claims on single records: the fencing protocol every flow follows before it writes a record to
//! a target that has no idempotency keys.
//!
//! 1. [`RecordClaim::acquire`] claims the record's key in the state store. A claim that went stale
//!    (its owner crashed, or parked it after an ambiguous write and the time is up) is taken over,
//!    always with a new fencing token; the caller then looks the record up in the target before it
//!    writes anything.
//! 2. While the record is processed, [`RecordClaim::heartbeat`] renews the claim well within the
//!    store's stale age, so a live worker's claim never looks abandoned, however slow the target.
//! 3. Right before the write, [`RecordClaim::fence`] renews the claim once more, synchronously, with
//!    its token: a claim that was taken over (this worker stalled past the stale age, or its
//!    renewals failed) stops the write; so does a record that took longer than its deadline, which
//!    is shorter than the stale age. After a successful fence the claim is fresh for a whole stale
//!    age, far longer than one request to the target may take.
//! 4. [`RecordClaim::confirm`] (after the target acknowledged) and [`RecordClaim::release`] (after a
//!    failure that certainly wrote nothing) name the token too, so they never touch a claim another
//!    worker holds now. After a write whose outcome is unknown and that a lookup cannot find yet,
//!    [`RecordClaim::park`] keeps the claim for a while instead of releasing it, so nobody books the
//!    record again before the target has had time to show the first write.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::{Instant, MissedTickBehavior};

use crate::error::{ErrorKind, SyncError};
use crate::state::{ClaimOutcome, ClaimStore, ClaimToken};
use crate::traits::Clock;

/// What claiming a record found.
#[derive(Debug)]
pub enum Claimed<'a> {
    /// This worker holds the claim now.
    Held(RecordClaim<'a>),
    /// The record was done before; the target knows it as `target_id`.
    Done {
        /// The id the target gave the record.
        target_id: String,
    },
    /// Another worker holds a live claim (or parked it after an ambiguous write).
    Busy {
        /// Who holds it.
        owner: String,
        /// Until when the claim is safe from take-over unless renewed.
        stale_at: DateTime<Utc>,
    },
}

/// Why a record may not be written after all.
#[derive(Debug)]
pub enum Fence {
    /// Another worker took the claim over: it finishes the record.
    Lost,
    /// The record took longer than its deadline before its write; it is left for a later run.
    Deadline(Duration),
    /// The state store could not be asked.
    Store(SyncError),
}

/// A claim held on one record. See the [module docs](self).
pub struct RecordClaim<'a> {
    state: &'a dyn ClaimStore,
    clock: &'a Arc<dyn Clock>,
    connection: &'a str,
    key: String,
    token: ClaimToken,
    stale_after: Duration,
    deadline: Duration,
    claimed_at: Instant,
    lost: AtomicBool,
}

impl std::fmt::Debug for RecordClaim<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordClaim")
            .field("key", &self.key)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// The time a record may take from its claim to its write: the configured deadline, but never more
/// than half the stale age (the rest is the margin for the write itself and for clock drift).
pub fn record_deadline(configured: Duration, stale_after: Duration) -> Duration {
    configured.min(stale_after / 2)
}

/// How often a claim in progress is renewed: four times per stale age, at least once a second.
fn renew_every(stale_after: Duration) -> Duration {
    (stale_after / 4).max(Duration::from_secs(1))
}

impl<'a> RecordClaim<'a> {
    /// Claim `key` for `worker`, taking over a stale claim.
    pub async fn acquire(
        state: &'a dyn ClaimStore,
        clock: &'a Arc<dyn Clock>,
        connection: &'a str,
        key: String,
        worker: &str,
        deadline: Duration,
    ) -> Result<Claimed<'a>, SyncError> {
        let mut outcome = state
            .try_claim(connection, &key, worker, clock.now())
            .await?;
        if let ClaimOutcome::Stale { owner, since } = &outcome {
            // Its owner crashed (or parked it and the time is up). The caller looks the record up in
            // the target before it writes, so taking over is safe whether or not that owner got through.
            tracing::info!(record = %key, previous = %owner, %since, "taking over a stale claim");
            outcome = state
                .take_over_claim(connection, &key, worker, clock.now())
                .await?;
        }
        let stale_after = state.claim_stale_after();
        Ok(match outcome {
            ClaimOutcome::Claimed { token } => Claimed::Held(RecordClaim {
                state,
                clock,
                connection,
                key,
                token,
                stale_after,
                deadline: record_deadline(deadline, stale_after),
                claimed_at: Instant::now(),
                lost: AtomicBool::new(false),
            }),
            ClaimOutcome::AlreadyDone { target_id } => Claimed::Done { target_id },
            ClaimOutcome::InFlight {
                owner, stale_at, ..
            } => Claimed::Busy { owner, stale_at },
            // Another worker took it over in between: its claim is fresh.
            ClaimOutcome::Stale { owner, since } => Claimed::Busy {
                owner,
                stale_at: since,
            },
        })
    }

    /// How long is left of the record's deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_sub(self.claimed_at.elapsed())
    }

    /// The record's deadline.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    async fn renew(&self, hold: Duration) -> Result<bool, SyncError> {
        let held = self
            .state
            .renew_claim(
                self.connection,
                &self.key,
                self.token,
                hold,
                self.clock.now(),
            )
            .await?;
        if !held {
            self.lost.store(true, Ordering::SeqCst);
        }
        Ok(held)
    }

    /// Run `work` while renewing the claim in the background of the same task. A renewal that finds
    /// the claim gone marks it lost (the next [`fence`](Self::fence) stops the write); a renewal the
    /// store cannot answer is retried at the next tick (the fence renews synchronously anyway).
    pub async fn heartbeat<F: Future>(&self, work: F) -> F::Output {
        let every = renew_every(self.stale_after);
        let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        tokio::pin!(work);
        loop {
            tokio::select! {
                biased;
                output = &mut work => return output,
                _ = ticks.tick() => {
                    match self.renew(self.stale_after).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(record = %self.key, "the claim was taken over while this worker processed the record"),
                        Err(e) => tracing::warn!(record = %self.key, error = %e, "could not renew the claim"),
                    }
                }
            }
        }
    }

    /// The gate before a write: the claim is still this worker's (renewed now, with its token, so
    /// it stays fresh for a whole stale age) and the record is within its deadline.
    pub async fn fence(&self) -> Result<(), Fence> {
        if self.lost.load(Ordering::SeqCst) {
            return Err(Fence::Lost);
        }
        match self.renew(self.stale_after).await {
            Ok(true) => {}
            Ok(false) => return Err(Fence::Lost),
            Err(e) => return Err(Fence::Store(e)),
        }
        if self.claimed_at.elapsed() > self.deadline {
            return Err(Fence::Deadline(self.deadline));
        }
        Ok(())
    }

    /// Mark the record done with the id the target gave it. `false` when the claim was lost meanwhile
    /// (the record is written; the new owner finds it by its reference).
    pub async fn confirm(&self, target_id: &str) -> Result<bool, SyncError> {
        let confirmed = self
            .state
            .confirm_claim(self.connection, &self.key, self.token, target_id)
            .await?;
        if !confirmed {
            tracing::warn!(record = %self.key, target_id, "the claim was taken over before it could be confirmed; the new owner finds the record by its reference");
        }
        Ok(confirmed)
    }

    /// Give the claim up after a failure that certainly wrote nothing.
    pub async fn release(&self) -> Result<(), SyncError> {
        self.state
            .release_claim(self.connection, &self.key, self.token)
            .await?;
        Ok(())
    }

    /// Keep the claim, without renewing it, for `hold`: after a write whose outcome is unknown, so no
    /// worker writes the record again before the target had time to show the first write. Then the
    /// claim is stale: whoever meets the record looks it up before writing.
    pub async fn park(&self, hold: Duration) -> Result<(), SyncError> {
        self.renew(hold).await?;
        Ok(())
    }
}

impl Fence {
    /// The fence as an error for reports.
    pub fn into_error(self, record: &str) -> SyncError {
        match self {
            Fence::Lost => SyncError::retryable(
                ErrorKind::Conflict,
                format!("{record}: another worker took the claim over; it finishes this record"),
            ),
            Fence::Deadline(deadline) => SyncError::retryable(
                ErrorKind::Timeout,
                format!(
                    "{record} took longer than its deadline ({}s) before it could be written; left \
                     for the next run",
                    deadline.as_secs()
                ),
            ),
            Fence::Store(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MemoryStateStore;
    use crate::state::StoreOptions;
    use crate::testing::TokioClock;

    fn store(stale: u64) -> MemoryStateStore {
        MemoryStateStore::with_options(
            StoreOptions::default().with_claim_stale_after(Duration::from_secs(stale)),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_heartbeat_keeps_a_slow_record_from_going_stale() {
        let state = store(60);
        let clock: Arc<dyn Clock> = Arc::new(TokioClock::new());
        let Claimed::Held(claim) = RecordClaim::acquire(
            &state,
            &clock,
            "c",
            "order:1".into(),
            "a",
            Duration::from_secs(600),
        )
        .await
        .unwrap() else {
            panic!("not claimed")
        };
        assert_eq!(
            claim.deadline(),
            Duration::from_secs(30),
            "half the stale age"
        );
        claim
            .heartbeat(tokio::time::sleep(Duration::from_secs(300)))
            .await;
        let other = state
            .try_claim("c", "order:1", "b", clock.now())
            .await
            .unwrap();
        assert!(matches!(other, ClaimOutcome::InFlight { .. }), "{other:?}");
        assert!(matches!(claim.fence().await, Err(Fence::Deadline(_))));
    }

    #[tokio::test(start_paused = true)]
    async fn a_claim_taken_over_cannot_be_written_confirmed_or_released() {
        let state = store(60);
        let clock: Arc<dyn Clock> = Arc::new(TokioClock::new());
        let Claimed::Held(claim) = RecordClaim::acquire(
            &state,
            &clock,
            "c",
            "order:1".into(),
            "a",
            Duration::from_secs(600),
        )
        .await
        .unwrap() else {
            panic!("not claimed")
        };
        // No heartbeat: the claim goes stale and another worker takes it over.
        tokio::time::advance(Duration::from_secs(61)).await;
        let Claimed::Held(theirs) = RecordClaim::acquire(
            &state,
            &clock,
            "c",
            "order:1".into(),
            "b",
            Duration::from_secs(600),
        )
        .await
        .unwrap() else {
            panic!("not taken over")
        };
        assert!(matches!(claim.fence().await, Err(Fence::Lost)));
        assert!(!claim.confirm("SO1").await.unwrap());
        claim.release().await.unwrap();
        theirs.fence().await.unwrap();
        assert!(theirs.confirm("SO2").await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn a_parked_claim_is_busy_until_its_time_then_stale() {
        let state = store(60);
        let clock: Arc<dyn Clock> = Arc::new(TokioClock::new());
        let Claimed::Held(claim) = RecordClaim::acquire(
            &state,
            &clock,
            "c",
            "order:1".into(),
            "a",
            Duration::from_secs(600),
        )
        .await
        .unwrap() else {
            panic!("not claimed")
        };
        claim.park(Duration::from_secs(600)).await.unwrap();
        tokio::time::advance(Duration::from_secs(599)).await;
        let busy = RecordClaim::acquire(
            &state,
            &clock,
            "c",
            "order:1".into(),
            "b",
            Duration::from_secs(600),
        )
        .await
        .unwrap();
        assert!(matches!(busy, Claimed::Busy { .. }), "{busy:?}");
        tokio::time::advance(Duration::from_secs(1)).await;
        let taken = RecordClaim::acquire(
            &state,
            &clock,
            "c",
            "order:1".into(),
            "b",
            Duration::from_secs(600),
        )
        .await
        .unwrap();
        assert!(matches!(taken, Claimed::Held(_)), "{taken:?}");
    }
}
