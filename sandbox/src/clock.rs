//! The simulated clock and the date formats of both APIs.
//!
//! The sandbox's "now" is the configured instant (or the real clock at start) plus the real time
//! elapsed since start. Lightspeed shows times in Europe/Amsterdam with an explicit offset
//! (`2026-06-02T10:24:43+02:00`); AccountView shows local times without an offset
//! (`2024-05-01T16:40:12`). The Amsterdam offset is computed with the EU summer-time rule (last
//! Sunday of March to last Sunday of October, 01:00 UTC): no timezone database is needed for one
//! zone with a fixed rule, so no extra crate is pulled in for it.

use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, Offset, Utc};

/// The sandbox clock: a base instant that advances with real time.
#[derive(Debug, Clone)]
pub(crate) struct SimClock {
    base: DateTime<Utc>,
    started: Instant,
}

impl SimClock {
    pub(crate) fn new(base: DateTime<Utc>) -> Self {
        Self {
            base,
            started: Instant::now(),
        }
    }

    /// The simulated current time.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let elapsed =
            Duration::from_std(self.started.elapsed()).unwrap_or_else(|_| Duration::zero());
        self.base + elapsed
    }
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    let mut day = first_next.unwrap_or_default() - Duration::days(1);
    while day.weekday() != chrono::Weekday::Sun {
        day -= Duration::days(1);
    }
    day
}

/// The Europe/Amsterdam offset at a UTC instant.
pub(crate) fn amsterdam_offset(t: DateTime<Utc>) -> FixedOffset {
    let year = t.year();
    let start = last_sunday(year, 3)
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let end = last_sunday(year, 10)
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let hours = if t >= start && t < end { 2 } else { 1 };
    FixedOffset::east_opt(hours * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or(Utc.fix()))
}

/// Lightspeed's timestamp form: `2026-06-02T10:24:43+02:00`.
pub(crate) fn ls_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&amsterdam_offset(t))
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// AccountView's datetime form (local time, no offset): `2024-05-01T16:40:12`.
pub(crate) fn av_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&amsterdam_offset(t))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// Parses a Lightspeed timestamp back to UTC.
pub(crate) fn parse_ls_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Parses a Lightspeed list filter value: `YYYY-MM-DD HH:MM:SS` (UTC), `YYYY-MM-DD`, or RFC 3339.
pub(crate) fn parse_ls_filter(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
        return Some(t.and_utc());
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return Some(t.and_utc());
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    parse_ls_time(s)
}

/// Parses the date/datetime forms AccountView clients send or filter with:
/// `2024-05-02T10:20:00.000Z`, `2024-05-02T10:20:00`, `2024-05-02 10:20:00`, `2024-05-02`,
/// `2023-9-7T10:39:05.276Z` (unpadded), and FoxPro literals `{^2024-05-01}` / `{^2024-05-01 13:45:00}`.
/// The result is a naive local datetime, as AccountView stores it.
pub(crate) fn parse_av_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let s = s
        .strip_prefix("{^")
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(s)
        .trim();
    if s.is_empty() {
        return None;
    }
    let s = s.trim_end_matches('Z');
    let s = match s.find('.') {
        Some(dot) if s[..dot].contains(':') => &s[..dot],
        _ => s,
    };
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// Formats a naive AccountView datetime.
pub(crate) fn fmt_av(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn amsterdam_summer_and_winter_offsets() {
        let summer = Utc.with_ymd_and_hms(2026, 6, 2, 8, 24, 43).unwrap();
        assert_eq!(ls_time(summer), "2026-06-02T10:24:43+02:00");
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        assert_eq!(ls_time(winter), "2026-01-15T13:00:00+01:00");
        assert_eq!(av_time(winter), "2026-01-15T13:00:00");
    }

    #[test]
    fn parses_filter_and_accountview_forms() {
        let t = parse_ls_filter("2026-06-02 08:24:43").unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 6, 2, 8, 24, 43).unwrap());
        assert_eq!(parse_ls_time("2026-06-02T10:24:43+02:00"), Some(t));
        let d = parse_av_datetime("{^2024-05-01}").unwrap();
        assert_eq!(fmt_av(d), "2024-05-01T00:00:00");
        let d = parse_av_datetime("{^2024-05-01 13:45:00}").unwrap();
        assert_eq!(fmt_av(d), "2024-05-01T13:45:00");
        let d = parse_av_datetime("2023-9-7T10:39:05.276Z").unwrap();
        assert_eq!(fmt_av(d), "2023-09-07T10:39:05");
        assert!(parse_av_datetime("").is_none());
    }
}
