//! A clock tests can set and advance.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use super::lock;
use crate::traits::Clock;

/// A settable, advanceable [`Clock`]. Clones share the same time. The default starts at
/// 2024-01-01T00:00:00Z.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(at)),
        }
    }

    /// Set the time.
    pub fn set(&self, at: DateTime<Utc>) {
        *lock(&self.now) = at;
    }

    /// Move the time forward by `by` (saturating at the largest representable time).
    pub fn advance(&self, by: Duration) {
        let mut now = lock(&self.now);
        let delta = chrono::TimeDelta::from_std(by).unwrap_or(chrono::TimeDelta::MAX);
        *now = now
            .checked_add_signed(delta)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new(
            Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
        )
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *lock(&self.now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_and_advance_are_shared_by_clones() {
        let clock = ManualClock::default();
        let other = clock.clone();
        let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(3600));
        assert_eq!(other.now(), start + chrono::TimeDelta::hours(1));
        other.set(start);
        assert_eq!(clock.now(), start);
    }
}
