//! Lightspeed's rate limits: three fixed windows (5 minutes, hour, day) plus a per-second cap.
//!
//! Windows are fixed and aligned to the simulator's start (the real API aligns them to the
//! clock). Every window, including the per-second one, is divided by the time scale, and every
//! `reset` is reported in real seconds, so a benchmark with `time_scale(60)` sees a five-minute
//! window of five seconds.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::clock::ls_time;
use crate::config::RateLimits;

#[derive(Debug, Clone)]
struct Window {
    len: Duration,
    limit: u32,
    index: u128,
    used: u32,
}

impl Window {
    fn new(base: Duration, scale: u32, limit: u32) -> Self {
        let len = (base / scale.max(1)).max(Duration::from_millis(1));
        Self {
            len,
            limit,
            index: 0,
            used: 0,
        }
    }

    fn roll(&mut self, elapsed: Duration) {
        let index = elapsed.as_nanos() / self.len.as_nanos().max(1);
        if index != self.index {
            self.index = index;
            self.used = 0;
        }
    }

    /// Whole real seconds until the window ends (at least 1 while it runs).
    fn reset_secs(&self, elapsed: Duration) -> u64 {
        let end = self.len.as_nanos() * (self.index + 1);
        let left = end.saturating_sub(elapsed.as_nanos());
        left.div_ceil(1_000_000_000) as u64
    }

    fn exhausted(&self) -> bool {
        self.used >= self.limit
    }
}

/// The three `X-RateLimit-*` header values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RateHeaders {
    pub(crate) limit: String,
    pub(crate) remaining: String,
    pub(crate) reset: String,
}

/// The limiter of one API key.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    started: Instant,
    windows: [Window; 3],
    second: Window,
}

impl RateLimiter {
    pub(crate) fn new(limits: RateLimits, scale: u32) -> Self {
        Self {
            started: Instant::now(),
            windows: [
                Window::new(Duration::from_secs(300), scale, limits.five_min),
                Window::new(Duration::from_secs(3600), scale, limits.hour),
                Window::new(Duration::from_secs(86_400), scale, limits.day),
            ],
            second: Window::new(Duration::from_secs(1), scale, limits.per_second),
        }
    }

    fn roll(&mut self) -> Duration {
        let elapsed = self.started.elapsed();
        for w in &mut self.windows {
            w.roll(elapsed);
        }
        self.second.roll(elapsed);
        elapsed
    }

    fn headers_at(&self, elapsed: Duration, mark_exhausted: bool) -> RateHeaders {
        let join = |f: &dyn Fn(&Window) -> String| {
            self.windows.iter().map(f).collect::<Vec<_>>().join("/")
        };
        RateHeaders {
            limit: join(&|w| w.limit.to_string()),
            remaining: join(&|w| {
                if mark_exhausted && w.exhausted() {
                    "-1".to_owned()
                } else {
                    w.limit.saturating_sub(w.used).to_string()
                }
            }),
            reset: join(&|w| w.reset_secs(elapsed).to_string()),
        }
    }

    /// Counts one request, or refuses it (the refused request is not counted).
    pub(crate) fn acquire(&mut self) -> Result<RateHeaders, RateHeaders> {
        let elapsed = self.roll();
        if self.windows.iter().any(Window::exhausted) || self.second.exhausted() {
            return Err(self.headers_at(elapsed, true));
        }
        for w in &mut self.windows {
            w.used += 1;
        }
        self.second.used += 1;
        Ok(self.headers_at(elapsed, false))
    }

    /// The headers without counting anything.
    pub(crate) fn peek(&mut self) -> RateHeaders {
        let elapsed = self.roll();
        self.headers_at(elapsed, false)
    }

    /// Headers of a "429 storm": every window shown as exhausted.
    pub(crate) fn storm(&mut self) -> RateHeaders {
        let elapsed = self.roll();
        let mut h = self.headers_at(elapsed, false);
        h.remaining = "-1/-1/-1".into();
        h
    }

    /// `GET account/ratelimit` body.
    pub(crate) fn account_json(&mut self, now: DateTime<Utc>) -> Value {
        let elapsed = self.roll();
        let w = |w: &Window| {
            let reset = w.reset_secs(elapsed);
            json!({
                "limit": w.limit,
                "remaining": w.limit.saturating_sub(w.used),
                "reset": reset,
                "resetTime": ls_time(now + chrono::Duration::seconds(reset as i64)),
            })
        };
        json!({ "accountRatelimit": {
            "limit5Min": w(&self.windows[0]),
            "limitHour": w(&self.windows[1]),
            "limitDay": w(&self.windows[2]),
        }})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_when_a_window_is_full_and_marks_it() {
        let mut r = RateLimiter::new(
            RateLimits {
                five_min: 2,
                hour: 10,
                day: 100,
                per_second: 100,
            },
            1,
        );
        let first = r.acquire().unwrap();
        assert_eq!(first.limit, "2/10/100");
        assert_eq!(first.remaining, "1/9/99");
        assert_eq!(r.acquire().unwrap().remaining, "0/8/98");
        let refused = r.acquire().unwrap_err();
        assert_eq!(refused.remaining, "-1/8/98");
        let resets: Vec<u64> = refused
            .reset
            .split('/')
            .map(|s| s.parse().unwrap())
            .collect();
        assert!(resets[0] <= 300 && resets[1] <= 3600 && resets[2] <= 86_400);
    }

    #[test]
    fn time_scale_shrinks_windows() {
        let mut r = RateLimiter::new(RateLimits::default(), 300);
        let h = r.peek();
        let resets: Vec<u64> = h.reset.split('/').map(|s| s.parse().unwrap()).collect();
        assert_eq!(resets[0], 1);
        assert_eq!(resets[1], 12);
        assert_eq!(resets[2], 288);
    }
}
