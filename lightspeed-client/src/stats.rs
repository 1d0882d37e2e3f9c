//! Call statistics of a client, for run reports.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A snapshot of a client's counters ([`LightspeedClient::stats`](crate::LightspeedClient::stats)).
///
/// Counters are shared by clones of the client and only ever grow; subtract two snapshots to
/// measure one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientStats {
    /// HTTP requests sent (every attempt counts).
    pub requests: u64,
    /// Attempts that were retries (after a transport error, timeout, 5xx or 429).
    pub retries: u64,
    /// Times a request waited for the rate limiter or a 429.
    pub throttled: u64,
    /// Total time spent in those waits.
    pub throttle_wait: Duration,
}

impl ClientStats {
    /// The difference `self - earlier`, for measuring one run.
    pub fn since(&self, earlier: &ClientStats) -> ClientStats {
        ClientStats {
            requests: self.requests.saturating_sub(earlier.requests),
            retries: self.retries.saturating_sub(earlier.retries),
            throttled: self.throttled.saturating_sub(earlier.throttled),
            throttle_wait: self.throttle_wait.saturating_sub(earlier.throttle_wait),
        }
    }
}

/// The live counters.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    requests: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
    throttle_wait_nanos: AtomicU64,
}

impl Stats {
    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn throttle(&self, wait: Duration) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(wait.as_nanos()).unwrap_or(u64::MAX);
        self.throttle_wait_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> ClientStats {
        ClientStats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            throttle_wait: Duration::from_nanos(self.throttle_wait_nanos.load(Ordering::Relaxed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_differences() {
        let s = Stats::default();
        s.request();
        let before = s.snapshot();
        s.request();
        s.retry();
        s.throttle(Duration::from_millis(1500));
        let after = s.snapshot();
        let run = after.since(&before);
        assert_eq!(run.requests, 1);
        assert_eq!(run.retries, 1);
        assert_eq!(run.throttled, 1);
        assert_eq!(run.throttle_wait, Duration::from_millis(1500));
    }
}
