//! Next free debtor numbers: one scan of `SUB_NR`, then numbers handed out from memory.

use sync_core::error::SyncError;
use sync_core::traits::DebtorNumberRange;

/// What the connector remembers between calls: the range it scanned and the next number to hand out
/// (`None` once the range is used up).
pub(super) type NumberCache = Option<(DebtorNumberRange, Option<u64>)>;

/// The first free number of `range` after the highest existing numeric debtor number inside it
/// (numbers outside the range and non-numeric ones are ignored); `None` when the range is full.
pub(super) fn first_free<'a>(
    existing: impl IntoIterator<Item = &'a str>,
    range: &DebtorNumberRange,
) -> Option<u64> {
    let highest = existing
        .into_iter()
        .filter_map(|n| n.trim().parse::<u64>().ok())
        .filter(|n| range.contains(*n))
        .max();
    match highest {
        None => (range.from <= range.to).then_some(range.from),
        Some(h) => h.checked_add(1).filter(|n| *n <= range.to),
    }
}

/// Takes the next number from the cache (which must hold `range`), advancing it.
pub(super) fn take(cache: &mut NumberCache, range: &DebtorNumberRange) -> Result<u64, SyncError> {
    let next = match cache {
        Some((cached, next)) if cached == range => next,
        _ => {
            return Err(SyncError::fatal(
                sync_core::error::ErrorKind::Internal,
                "debtor number cache not filled for this range",
            ));
        }
    };
    let Some(number) = *next else {
        return Err(SyncError::config(format!(
            "the debtor number range {}..={} is used up: widen `orders.debtor_numbering` or choose \
             another numbering",
            range.from, range.to
        )));
    };
    *next = number.checked_add(1).filter(|n| *n <= range.to);
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANGE: DebtorNumberRange = DebtorNumberRange {
        from: 10_000,
        to: 10_005,
    };

    #[test]
    fn first_free_ignores_numbers_outside_the_range_and_text() {
        let existing = ["10023", "9999", "10002  ", "ABC", "20000", ""];
        assert_eq!(first_free(existing, &RANGE), Some(10_003));
        assert_eq!(first_free([], &RANGE), Some(10_000));
        assert_eq!(first_free(["10005"], &RANGE), None);
        let top = DebtorNumberRange {
            from: 1,
            to: u64::MAX,
        };
        assert_eq!(first_free([u64::MAX.to_string().as_str()], &top), None);
    }

    #[test]
    fn take_hands_out_increasing_numbers_until_the_range_is_used_up() {
        let mut cache: NumberCache = Some((RANGE, first_free(["10003"], &RANGE)));
        assert_eq!(take(&mut cache, &RANGE).unwrap(), 10_004);
        assert_eq!(take(&mut cache, &RANGE).unwrap(), 10_005);
        let err = take(&mut cache, &RANGE).unwrap_err();
        assert!(err.stops_run());
        assert!(err.message().contains("10000..=10005 is used up"));
        let other = DebtorNumberRange { from: 1, to: 2 };
        assert!(take(&mut cache, &other).is_err());
    }
}
