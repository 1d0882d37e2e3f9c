//! Behaviour every state store shares: the claim stale age, the dead-letter retry schedule and
//! personal-data redaction. The arithmetic lives here once, so the stores cannot disagree.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::StateError;
use super::records::{ActivityEntry, truncate_to_micros};
use super::redact::redact_personal_data;

/// When automatic retries of a dead letter are due: the first after `initial_delay`, each next one
/// after twice the previous delay, never more than `max_delay` apart, and none after `max_attempts`
/// failures (the letter then stays pending until someone replays or drops it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetrySchedule {
    /// Delay after the first failure.
    pub initial_delay: Duration,
    /// The cap on the delay.
    pub max_delay: Duration,
    /// After this many failures a letter is no longer returned by `due_dead_letters`.
    pub max_attempts: u32,
}

impl RetrySchedule {
    /// A schedule with these limits.
    pub fn new(initial_delay: Duration, max_delay: Duration, max_attempts: u32) -> Self {
        RetrySchedule {
            initial_delay,
            max_delay,
            max_attempts,
        }
    }

    /// The delay after the `attempts`-th failure (1-based): `initial_delay * 2^(attempts-1)`, capped.
    pub fn delay_after(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(31);
        self.initial_delay
            .checked_mul(1u32 << doublings)
            .map_or(self.max_delay, |delay| delay.min(self.max_delay))
    }

    /// When the next automatic retry is due after the `attempts`-th failure at `failed_at`.
    pub fn next_attempt_at(&self, failed_at: DateTime<Utc>, attempts: u32) -> DateTime<Utc> {
        let delay = TimeDelta::from_std(self.delay_after(attempts)).unwrap_or(TimeDelta::MAX);
        truncate_to_micros(
            failed_at
                .checked_add_signed(delay)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    }
}

impl Default for RetrySchedule {
    /// One minute, doubling up to six hours, at most ten automatic attempts.
    fn default() -> Self {
        RetrySchedule::new(Duration::from_secs(60), Duration::from_secs(6 * 3600), 10)
    }
}

/// Options every state store takes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreOptions {
    /// Replace the values of personal keys in activity payloads by `"[redacted]"` when they are
    /// written (see [`redact`](super::redact)). Dead letters keep their payloads: a replay needs them.
    pub redact_personal_data: bool,
    /// A claim older than this without a confirm or release is reported as stale (its owner is
    /// presumed crashed). Default: 15 minutes.
    pub claim_stale_after: Duration,
    /// The dead-letter retry schedule.
    pub dead_letter_retry: RetrySchedule,
    /// Time claims and leases by the database server's clock instead of the `now` the caller
    /// passes (PostgreSQL only; the other stores live on one host, whose clock callers use).
    /// Workers on several hosts then agree on when a claim went stale or a lease expired however
    /// their own clocks drift. Default on; tests that drive time through `now` switch it off.
    pub database_clock: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            redact_personal_data: false,
            claim_stale_after: Duration::from_secs(15 * 60),
            dead_letter_retry: RetrySchedule::default(),
            database_clock: true,
        }
    }
}

impl StoreOptions {
    /// Switches personal-data redaction of activity payloads on or off.
    pub fn with_redact_personal_data(mut self, redact: bool) -> Self {
        self.redact_personal_data = redact;
        self
    }

    /// Sets the age after which an unconfirmed claim is stale.
    pub fn with_claim_stale_after(mut self, age: Duration) -> Self {
        self.claim_stale_after = age;
        self
    }

    /// Sets the dead-letter retry schedule.
    pub fn with_dead_letter_retry(mut self, schedule: RetrySchedule) -> Self {
        self.dead_letter_retry = schedule;
        self
    }

    /// Switches timing claims and leases by the database's clock on or off (PostgreSQL).
    pub fn with_database_clock(mut self, on: bool) -> Self {
        self.database_clock = on;
        self
    }

    /// When a claim taken (or renewed for `hold`) at `now` goes stale.
    pub(crate) fn stale_at(now: DateTime<Utc>, hold: Duration) -> DateTime<Utc> {
        let hold = TimeDelta::from_std(hold).unwrap_or(TimeDelta::MAX);
        truncate_to_micros(
            now.checked_add_signed(hold)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    }

    /// The entry as it must be stored: timestamps truncated, payloads redacted when the option is on.
    /// Returns the entry and whether it was redacted.
    pub(crate) fn prepare_activity(&self, entry: &ActivityEntry) -> (ActivityEntry, bool) {
        let mut entry = entry.clone();
        entry.at = truncate_to_micros(entry.at);
        if self.redact_personal_data {
            redact_payloads(&mut entry);
        }
        (entry, self.redact_personal_data)
    }
}

/// Redacts the three payloads of an activity entry in place.
pub(crate) fn redact_payloads(entry: &mut ActivityEntry) {
    for payload in [&mut entry.received, &mut entry.sent, &mut entry.answer]
        .into_iter()
        .flatten()
    {
        redact_personal_data(payload);
    }
}

/// `now + ttl`, truncated to microseconds; an error when the sum leaves the calendar.
pub(crate) fn expiry(now: DateTime<Utc>, ttl: Duration) -> Result<DateTime<Utc>, StateError> {
    TimeDelta::from_std(ttl)
        .ok()
        .and_then(|ttl| now.checked_add_signed(ttl))
        .map(truncate_to_micros)
        .ok_or_else(|| StateError::InvalidArgument(format!("lease TTL {ttl:?} is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let schedule = RetrySchedule::new(Duration::from_secs(60), Duration::from_secs(300), 5);
        let delays: Vec<u64> = (1..=5).map(|n| schedule.delay_after(n).as_secs()).collect();
        assert_eq!(delays, [60, 120, 240, 300, 300]);
        assert_eq!(schedule.delay_after(0).as_secs(), 60);
        assert_eq!(schedule.delay_after(u32::MAX).as_secs(), 300);
    }

    #[test]
    fn next_attempt_is_after_the_failure() {
        let schedule = RetrySchedule::default();
        let failed: DateTime<Utc> = "2024-05-01T10:00:00Z".parse().unwrap();
        let due = schedule.next_attempt_at(failed, 2);
        assert_eq!(
            due,
            "2024-05-01T10:02:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn claims_go_stale_after_their_hold() {
        let now: DateTime<Utc> = "2024-05-01T10:00:00Z".parse().unwrap();
        assert_eq!(
            StoreOptions::stale_at(now, Duration::from_secs(600)),
            "2024-05-01T10:10:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            StoreOptions::stale_at(now, Duration::from_secs(u64::MAX)),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn absurd_ttl_is_an_error_not_a_panic() {
        let now = Utc::now();
        assert!(expiry(now, Duration::from_secs(u64::MAX)).is_err());
        assert!(expiry(now, Duration::from_secs(30)).is_ok());
    }
}
