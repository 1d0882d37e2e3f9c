//! Parsing of `X-RateLimit-*` and `Retry-After`.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// The three windows as reported by one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ReportedWindows {
    pub(crate) limit: [Option<u64>; 3],
    pub(crate) remaining: [Option<i64>; 3],
    pub(crate) reset: [Option<u64>; 3],
}

impl ReportedWindows {
    /// Whether window `i` has the two values needed to update it.
    pub(crate) fn has(&self, i: usize) -> bool {
        self.remaining[i].is_some() && self.reset[i].is_some()
    }

    pub(crate) fn any(&self) -> bool {
        (0..3).any(|i| self.has(i))
    }
}

/// Splits `"287/2950/-1"` into up to three values; a value that does not parse is `None`.
fn split3<T: std::str::FromStr>(value: Option<&str>) -> [Option<T>; 3] {
    let mut out = [None, None, None];
    if let Some(v) = value {
        for (slot, part) in out.iter_mut().zip(v.split('/')) {
            *slot = part.trim().parse().ok();
        }
    }
    out
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Reads `X-RateLimit-Limit/Remaining/Reset` (header names are case-insensitive).
pub(crate) fn parse_rate_headers(headers: &HeaderMap) -> ReportedWindows {
    ReportedWindows {
        limit: split3(header(headers, "x-ratelimit-limit")),
        remaining: split3(header(headers, "x-ratelimit-remaining")),
        reset: split3(header(headers, "x-ratelimit-reset")),
    }
}

/// Reads `Retry-After` as delta seconds or an HTTP date (relative to `now`).
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = header(headers, "retry-after")?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn parses_three_windows_with_negative_remaining() {
        let h = headers(&[
            ("X-RateLimit-Limit", "300/3000/12000"),
            ("X-RateLimit-Remaining", "-1/2950/11800"),
            ("X-RateLimit-Reset", "263/2063/23663"),
        ]);
        let r = parse_rate_headers(&h);
        assert_eq!(r.limit, [Some(300), Some(3000), Some(12_000)]);
        assert_eq!(r.remaining, [Some(-1), Some(2950), Some(11_800)]);
        assert_eq!(r.reset, [Some(263), Some(2063), Some(23_663)]);
        assert!(r.has(0) && r.has(2));
    }

    #[test]
    fn missing_or_garbage_headers_report_nothing() {
        assert!(!parse_rate_headers(&HeaderMap::new()).any());
        let h = headers(&[
            ("x-ratelimit-remaining", "a/b"),
            ("x-ratelimit-reset", "1/2/3"),
        ]);
        assert!(!parse_rate_headers(&h).any());
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&headers(&[("retry-after", &past)]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after(&headers(&[("retry-after", "soon")]), now),
            None
        );
    }
}
