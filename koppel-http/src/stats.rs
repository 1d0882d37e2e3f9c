//! Call statistics of a client, for run reports.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A snapshot of what a client (and all its clones) has done so far.
///
/// Counters only ever grow; subtract two snapshots ([`since`](Self::since)) to measure one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ClientStats {
    /// HTTP requests sent (every attempt counts, token calls too).
    pub requests: u64,
    /// Attempts that were retries (after a transport error, timeout, 5xx, 429 or 401).
    pub retries: u64,
    /// Times a request waited for a rate limit (before sending, or after a 429).
    pub throttled: u64,
    /// Total time spent in those waits.
    pub throttle_wait: Duration,
    /// Successful token refreshes (OAuth clients).
    pub refreshes: u64,
}

impl ClientStats {
    /// The difference `self - earlier`, for measuring one run.
    pub fn since(&self, earlier: &ClientStats) -> ClientStats {
        ClientStats {
            requests: self.requests.saturating_sub(earlier.requests),
            retries: self.retries.saturating_sub(earlier.retries),
            throttled: self.throttled.saturating_sub(earlier.throttled),
            throttle_wait: self.throttle_wait.saturating_sub(earlier.throttle_wait),
            refreshes: self.refreshes.saturating_sub(earlier.refreshes),
        }
    }
}

#[cfg(feature = "sync")]
impl From<ClientStats> for sync_core::report::ApiStats {
    fn from(stats: ClientStats) -> Self {
        sync_core::report::ApiStats {
            requests: stats.requests,
            retries: stats.retries,
            throttled: stats.throttled,
            throttle_wait: stats.throttle_wait,
        }
    }
}

/// The live, lock-free counters behind [`ClientStats`], shared by a client's clones.
#[derive(Debug, Default)]
pub struct StatsCounters {
    requests: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
    throttle_wait_nanos: AtomicU64,
    refreshes: AtomicU64,
}

impl StatsCounters {
    /// Counts a request (an attempt).
    pub fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a retry.
    pub fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a wait for a rate limit, and its length.
    pub fn throttle(&self, wait: Duration) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(wait.as_nanos()).unwrap_or(u64::MAX);
        self.throttle_wait_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Counts a successful token refresh.
    pub fn refresh(&self) {
        self.refreshes.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters now.
    pub fn snapshot(&self) -> ClientStats {
        ClientStats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            throttle_wait: Duration::from_nanos(self.throttle_wait_nanos.load(Ordering::Relaxed)),
            refreshes: self.refreshes.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_differences() {
        let s = StatsCounters::default();
        s.request();
        let before = s.snapshot();
        s.request();
        s.retry();
        s.throttle(Duration::from_millis(1500));
        s.refresh();
        let run = s.snapshot().since(&before);
        assert_eq!(run.requests, 1);
        assert_eq!(run.retries, 1);
        assert_eq!(run.throttled, 1);
        assert_eq!(run.throttle_wait, Duration::from_millis(1500));
        assert_eq!(run.refreshes, 1);
    }
}
