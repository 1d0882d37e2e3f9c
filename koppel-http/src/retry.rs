//! Retries: capped exponential backoff with full jitter, only where repeating is safe.
//!
//! | failure                                    | GET / PUT / DELETE | POST |
//! |--------------------------------------------|--------------------|------|
//! | connect error (request certainly not sent) | retry              | retry |
//! | other transport error, timeout             | retry              | no   |
//! | 5xx, gateway pages                         | retry              | no   |
//! | 429 (rejected unprocessed)                 | wait, retry        | wait, retry |
//! | other 4xx                                  | no                 | no   |
//!
//! A `POST` that may have reached the server is never repeated: neither Lightspeed nor
//! AccountView has idempotency keys, so the caller decides (usually by looking the record up).
//! Which failures are retryable at all is the client's call (it knows its API's errors); the
//! policy says how often, how patiently, and whether the method allows it.
//!
//! Written by hand (a few lines) rather than with a backoff crate: the decision whether to retry
//! depends on the clients' own error classification and on whether the request may have been
//! sent, which a generic crate does not know.

use std::time::Duration;

use http::Method;

/// How often and how patiently requests are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total attempts including the first (1 = no retries).
    pub max_attempts: u32,
    /// The ceiling of the first backoff.
    pub initial_backoff: Duration,
    /// The ceiling of any backoff.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 500 ms initial backoff, 30 s cap.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The defaults (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the total number of attempts (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the ceiling of the first backoff.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the ceiling of any backoff.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Whether another attempt may follow failed attempt number `attempt` (1-based).
    pub fn allows_another(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }

    /// Whether a failed request may be repeated at all: always when it certainly was not sent,
    /// else only when its method is idempotent.
    pub fn may_repeat(method: &Method, may_have_been_sent: bool) -> bool {
        !may_have_been_sent || is_idempotent(method)
    }

    /// The ceiling of the wait after failed attempt `attempt` (1-based):
    /// `initial_backoff · 2^(attempt-1)`, capped at `max_backoff`.
    pub fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(31));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// A random wait in `[0, backoff_ceiling(attempt)]` ("full jitter", so that many clients
    /// failing together do not retry in lockstep).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = u64::try_from(self.backoff_ceiling(attempt).as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=ceiling))
    }
}

/// Methods that may be repeated after the server possibly processed them.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_doubles_and_caps() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_secs(1))
            .max_backoff(Duration::from_secs(5));
        assert_eq!(p.backoff_ceiling(1), Duration::from_secs(1));
        assert_eq!(p.backoff_ceiling(2), Duration::from_secs(2));
        assert_eq!(p.backoff_ceiling(3), Duration::from_secs(4));
        assert_eq!(p.backoff_ceiling(4), Duration::from_secs(5));
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_secs(5));
    }

    #[test]
    fn jitter_stays_within_the_ceiling() {
        let p = RetryPolicy::default();
        for attempt in 1..8 {
            for _ in 0..50 {
                assert!(p.backoff(attempt) <= p.backoff_ceiling(attempt));
            }
        }
    }

    #[test]
    fn attempts_are_counted_from_one() {
        let p = RetryPolicy::default().max_attempts(3);
        assert!(p.allows_another(1));
        assert!(p.allows_another(2));
        assert!(!p.allows_another(3));
        assert!(!RetryPolicy::none().allows_another(1));
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn a_write_is_repeated_only_when_it_was_not_sent() {
        assert!(RetryPolicy::may_repeat(&Method::GET, true));
        assert!(RetryPolicy::may_repeat(&Method::PUT, true));
        assert!(RetryPolicy::may_repeat(&Method::DELETE, true));
        assert!(!RetryPolicy::may_repeat(&Method::POST, true));
        assert!(RetryPolicy::may_repeat(&Method::POST, false));
    }
}
