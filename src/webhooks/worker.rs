//! The inbox worker: books what webhooks announced, until told to stop.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sync_core::error::{ErrorKind, SyncError};
use sync_core::flows::orders::FLOW as ORDERS;
use sync_core::report::RunReport;
use sync_core::state::{DeadLetterStore, InboxStore};

use super::Doorbell;

/// How long the worker waits before trying again when another process holds the flow's lease.
const CONFLICT_RETRY: Duration = Duration::from_secs(5);

/// How often an idle worker looks whether anything waits (announcements a crash left, or due
/// dead letters when it replays them).
const IDLE_CHECK: Duration = Duration::from_secs(60);

/// The first and the longest wait between attempts while announced orders cannot be worked off
/// (the ledger is away, another worker holds some of them).
const BACKOFF: (Duration, Duration) = (Duration::from_secs(5), Duration::from_secs(5 * 60));

/// What [`work_inbox`] watches for one connection.
#[derive(Clone)]
#[non_exhaustive]
pub struct InboxWork {
    /// The connection's name.
    pub connection: String,
    /// Where the announced order ids wait.
    pub inbox: Arc<dyn InboxStore>,
    /// Rung by the [`WebhookReceiver`](super::WebhookReceiver).
    pub doorbell: Arc<Doorbell>,
    /// When set, due dead letters are also a reason to run (for a connection without a poll
    /// schedule, whose runs otherwise come only from webhooks).
    pub dead_letters: Option<Arc<dyn DeadLetterStore>>,
}

impl std::fmt::Debug for InboxWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboxWork")
            .field("connection", &self.connection)
            .field("replays_dead_letters", &self.dead_letters.is_some())
            .finish_non_exhaustive()
    }
}

impl InboxWork {
    /// Watch `inbox` for `connection`, woken by `doorbell`.
    pub fn new(
        connection: impl Into<String>,
        inbox: Arc<dyn InboxStore>,
        doorbell: Arc<Doorbell>,
    ) -> Self {
        Self {
            connection: connection.into(),
            inbox,
            doorbell,
            dead_letters: None,
        }
    }

    /// Also run when dead letters are due (see [`dead_letters`](Self::dead_letters)).
    #[must_use]
    pub fn replaying(mut self, dead_letters: Arc<dyn DeadLetterStore>) -> Self {
        self.dead_letters = Some(dead_letters);
        self
    }

    async fn has_work(&self) -> bool {
        if self.waiting().await {
            return true;
        }
        match &self.dead_letters {
            Some(letters) => letters
                .due_dead_letters(&self.connection, ORDERS, chrono::Utc::now())
                .await
                .map_or(true, |due| !due.is_empty()),
            None => false,
        }
    }

    /// Whether announcements wait (an inbox that does not answer counts as yes: trying again is
    /// the safe side).
    async fn waiting(&self) -> bool {
        self.inbox
            .pending_inbox(&self.connection, ORDERS, 1)
            .await
            .map_or(true, |items| !items.is_empty())
    }
}

/// Run the orders flow on the inbox whenever the doorbell rings (and at start, when announcements
/// a crash left are waiting), until `stop` completes. `run` runs the flow once with
/// [`Intake::Inbox`](sync_core::flows::Intake::Inbox). An order leaves the inbox only once it is
/// done (booked, already booked, skipped or dead-lettered); while some cannot be done the worker
/// tries again with a growing pause, and when another process holds the flow it waits a moment.
/// A run in progress is never interrupted: `stop` is looked at between runs.
pub async fn work_inbox<R, F>(work: InboxWork, stop: impl Future<Output = ()>, mut run: R)
where
    R: FnMut() -> F,
    F: Future<Output = Result<RunReport, SyncError>>,
{
    let name = work.connection.as_str();
    tokio::pin!(stop);
    let mut backoff: Option<Duration> = None;
    // At start only what is waiting counts (announcements a crash left, due dead letters).
    let mut rang = false;
    loop {
        let stopped = tokio::select! {
            biased;
            () = &mut stop => true,
            () = std::future::ready(()) => false,
        };
        if stopped {
            break;
        }
        if rang || work.has_work().await {
            let result = run().await;
            backoff = match result {
                Err(e) if e.kind() == ErrorKind::Conflict => Some(CONFLICT_RETRY),
                _ if work.waiting().await => {
                    Some(backoff.map_or(BACKOFF.0, |b| (b * 2).min(BACKOFF.1)))
                }
                _ => None,
            };
        }
        rang = false;
        match backoff {
            // Backing off: a new delivery does not shorten the pause (the flow is busy or away).
            Some(pause) => {
                tracing::debug!(
                    connection = name,
                    ?pause,
                    "announced orders are waiting; trying again"
                );
                tokio::select! {
                    biased;
                    () = &mut stop => break,
                    () = tokio::time::sleep(pause) => {}
                }
            }
            None => tokio::select! {
                biased;
                () = &mut stop => break,
                () = work.doorbell.notified() => rang = true,
                () = tokio::time::sleep(IDLE_CHECK) => {}
            },
        }
    }
    if let Ok(items) = work.inbox.pending_inbox(name, ORDERS, 1).await
        && !items.is_empty()
    {
        tracing::info!(
            connection = name,
            "stopping with announced orders waiting; they stay in the inbox for the next start"
        );
    }
}
