//! Request counters for run reports.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of what a client (and all its clones) has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientStats {
    /// HTTP requests sent (every attempt, including token calls).
    pub requests: u64,
    /// Attempts that were retries after a retryable failure or a 401.
    pub retries: u64,
    /// Successful token refreshes (including authorization-code exchanges).
    pub refreshes: u64,
}

/// Shared, lock-free counters behind [`ClientStats`].
#[derive(Debug, Default)]
pub(crate) struct StatsCounters {
    requests: AtomicU64,
    retries: AtomicU64,
    refreshes: AtomicU64,
}

impl StatsCounters {
    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn refresh(&self) {
        self.refreshes.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> ClientStats {
        ClientStats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            refreshes: self.refreshes.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_accumulate() {
        let c = StatsCounters::default();
        c.request();
        c.request();
        c.retry();
        c.refresh();
        assert_eq!(
            c.snapshot(),
            ClientStats {
                requests: 2,
                retries: 1,
                refreshes: 1
            }
        );
    }
}
