//! Retries: capped exponential backoff with full jitter, only where repeating is safe.
//!
//! | failure                                   | GET / PUT / DELETE | POST |
//! |-------------------------------------------|--------------------|------|
//! | connect error (request certainly not sent) | retry              | retry |
//! | other transport error, timeout             | retry              | no   |
//! | 5xx                                        | retry              | no   |
//! | 429                                        | wait, retry        | wait, retry (rejected unprocessed) |
//! | other 4xx                                  | no                 | no   |
//!
//! A `POST` that may have reached the server is never repeated: neither Lightspeed nor
//! AccountView has idempotency keys, so the caller decides (usually by looking the record up).

use std::time::Duration;

use http::Method;

/// Retry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) base: Duration,
    pub(crate) cap: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, base 200 ms, cap 10 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base: Duration::from_millis(200),
            cap: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The defaults (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry (429s are then returned as [`Error::RateLimited`](crate::Error::RateLimited)).
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a request may be repeated after the first attempt.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The backoff base: the first retry waits up to this long.
    pub fn base(mut self, base: Duration) -> Self {
        self.base = base;
        self
    }

    /// The longest backoff.
    pub fn cap(mut self, cap: Duration) -> Self {
        self.cap = cap;
        self
    }

    /// The upper bound of the wait before retry number `retry` (0-based): `min(cap, base·2^retry)`.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// A random wait in `[0, backoff_ceiling(retry)]` ("full jitter", so that many clients
    /// failing together do not retry in lockstep).
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Methods that may be repeated after the server possibly processed them.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_exponential() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_ceiling(0), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(400));
        assert_eq!(p.backoff_ceiling(3), Duration::from_millis(1600));
        assert_eq!(p.backoff_ceiling(10), Duration::from_secs(10));
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_secs(10));
    }

    #[test]
    fn jitter_stays_within_the_ceiling() {
        let p = RetryPolicy::default();
        for retry in 0..6 {
            for _ in 0..50 {
                assert!(p.backoff(retry) <= p.backoff_ceiling(retry));
            }
        }
    }

    #[test]
    fn idempotent_methods() {
        assert!(is_idempotent(&Method::GET));
        assert!(is_idempotent(&Method::PUT));
        assert!(is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST));
    }
}
