//! Next free debtor numbers: one scan of `SUB_NR`, then numbers handed out from memory.
//!
//! The number after the highest one is handed out while it fits in the range; once it does not (a
//! collective debtor such as 19999 at the top of the range, which many administrations have, or a
//! range filled up to its end), the lowest free number of the range is, and so on: the range is used
//! up only when every number in it is taken.

use std::collections::BTreeSet;

use sync_core::error::SyncError;
use sync_core::traits::DebtorNumberRange;

/// What the connector remembers between calls for one range: the numbers in it that are taken
/// (found by the scan or handed out since) and the ones it handed out itself.
#[derive(Debug, Clone)]
pub(super) struct NumberCache {
    range: DebtorNumberRange,
    taken: BTreeSet<u64>,
    issued: BTreeSet<u64>,
    /// No number below this one is free (the gap search starts here).
    lowest_maybe_free: u64,
}

impl NumberCache {
    /// The cache for `range` after a scan that found `existing` debtor numbers (numbers outside the
    /// range and non-numeric ones are ignored).
    pub(super) fn new<'a>(
        range: DebtorNumberRange,
        existing: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let taken = existing
            .into_iter()
            .filter_map(|n| n.trim().parse::<u64>().ok())
            .filter(|n| range.contains(*n))
            .collect();
        Self {
            range,
            taken,
            issued: BTreeSet::new(),
            lowest_maybe_free: range.from,
        }
    }

    /// The range this cache is for.
    pub(super) fn range(&self) -> &DebtorNumberRange {
        &self.range
    }

    /// Whether `number` was handed out by [`take`](Self::take).
    pub(super) fn issued(&self, number: &str) -> bool {
        number
            .trim()
            .parse::<u64>()
            .is_ok_and(|n| self.issued.contains(&n))
    }

    /// Everything this cache knows is taken, for a fresh scan to start from (a number handed out
    /// may not show in the scan yet).
    pub(super) fn taken(&self) -> impl Iterator<Item = u64> + '_ {
        self.taken.iter().copied()
    }

    /// Marks a number taken (e.g. AccountView said it exists).
    pub(super) fn mark_taken(&mut self, number: u64) {
        if self.range.contains(number) {
            self.taken.insert(number);
        }
    }

    /// Hands out the next number: the highest taken + 1 while it fits in the range, else the lowest
    /// free one. A fatal configuration error when every number of the range is taken.
    pub(super) fn take(&mut self) -> Result<u64, SyncError> {
        let after_highest = match self.taken.last() {
            None => (self.range.from <= self.range.to).then_some(self.range.from),
            Some(h) => h.checked_add(1).filter(|n| *n <= self.range.to),
        };
        let Some(number) = after_highest.or_else(|| self.lowest_free()) else {
            return Err(SyncError::config(format!(
                "the debtor number range {}..={} is used up: widen `orders.debtor_numbering` or \
                 choose another numbering",
                self.range.from, self.range.to
            )));
        };
        self.taken.insert(number);
        self.issued.insert(number);
        Ok(number)
    }

    /// The lowest number of the range that is not taken.
    fn lowest_free(&mut self) -> Option<u64> {
        let mut candidate = self.lowest_maybe_free.max(self.range.from);
        for &taken in self.taken.range(candidate..) {
            if taken != candidate {
                break;
            }
            candidate = candidate.checked_add(1)?;
        }
        self.lowest_maybe_free = candidate;
        (candidate <= self.range.to).then_some(candidate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANGE: DebtorNumberRange = DebtorNumberRange {
        from: 10_000,
        to: 10_005,
    };

    fn take_all(cache: &mut NumberCache) -> Vec<u64> {
        std::iter::from_fn(|| cache.take().ok()).collect()
    }

    #[test]
    fn ignores_numbers_outside_the_range_and_text() {
        let mut cache = NumberCache::new(RANGE, ["10023", "9999", "10002  ", "ABC", "20000", ""]);
        assert_eq!(cache.take().unwrap(), 10_003);
        assert_eq!(NumberCache::new(RANGE, []).take().unwrap(), 10_000);
    }

    #[test]
    fn hands_out_after_the_highest_then_the_free_numbers_below_it_until_used_up() {
        let mut cache = NumberCache::new(RANGE, ["10001", "10003"]);
        assert_eq!(take_all(&mut cache), [10_004, 10_005, 10_000, 10_002]);
        let err = cache.take().unwrap_err();
        assert!(err.stops_run());
        assert!(err.message().contains("10000..=10005 is used up"));
        assert!(cache.issued("10002") && !cache.issued("10001"));
    }

    #[test]
    fn a_collective_debtor_at_the_top_leaves_the_range_usable() {
        let range = DebtorNumberRange {
            from: 10_000,
            to: 19_999,
        };
        let mut cache = NumberCache::new(range, ["10000", "10001", "10002", "10004", "19999"]);
        assert_eq!(cache.take().unwrap(), 10_003);
        assert_eq!(cache.take().unwrap(), 10_005);
        assert_eq!(cache.take().unwrap(), 10_006);
        cache.mark_taken(10_007);
        assert_eq!(cache.take().unwrap(), 10_008);
    }

    #[test]
    fn edges_of_the_number_space() {
        let top = DebtorNumberRange {
            from: u64::MAX - 1,
            to: u64::MAX,
        };
        let mut cache = NumberCache::new(top, [u64::MAX.to_string().as_str()]);
        assert_eq!(cache.take().unwrap(), u64::MAX - 1);
        assert!(cache.take().is_err());
        let empty = DebtorNumberRange { from: 5, to: 4 };
        assert!(NumberCache::new(empty, []).take().is_err());
        assert!(
            NumberCache::new(RANGE, ["10005"]).take().is_ok(),
            "10000 is free"
        );
    }
}
