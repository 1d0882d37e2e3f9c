//! Rate limiting: pace requests *before* Lightspeed rejects them.
//!
//! Lightspeed limits every API key with three fixed windows (by default 300 requests per
//! 5 minutes, 3,000 per hour, 12,000 per day; partner keys get more) plus a cap of 20 requests per
//! second. Every response, 429s included, carries the state of the three windows:
//!
//! ```text
//! X-RateLimit-Limit:     300/3000/12000
//! X-RateLimit-Remaining: 287/2950/11800     (-1 when exhausted)
//! X-RateLimit-Reset:     263/2063/23663     (seconds until each window resets)
//! ```
//!
//! One limiter per client (shared by its clones, and optionally by
//! every client of the same key in the process) tracks the three windows from those headers and
//! the per-second cap from its own send times. Before each request it reserves a slot: when any
//! window's remaining count, minus requests still in flight, is at or below the reserve margin,
//! the request waits for that window's reset. Before the first response it assumes the documented
//! defaults, so even the first burst is paced. A wait longer than [`RateLimitConfig::max_wait`]
//! is returned as [`Error::RateLimited`](crate::Error::RateLimited) instead of slept, so a
//! scheduler can come back later.
//!
//! Written here rather than with `governor`: governor models one rate (GCRA) configured up front,
//! while Lightspeed's limits are three fixed, clock-aligned windows whose state is dictated by
//! response headers and can change per key at any time.

mod headers;
pub(crate) mod limiter;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// One of the limits Lightspeed enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateWindow {
    /// The 5-minute window (first value of the headers).
    FiveMinutes,
    /// The hourly window (second value).
    Hour,
    /// The daily window (third value).
    Day,
    /// The per-second cap (not reported in headers).
    Second,
}

impl RateWindow {
    /// The three header-reported windows, in header order.
    pub const WINDOWS: [RateWindow; 3] =
        [RateWindow::FiveMinutes, RateWindow::Hour, RateWindow::Day];

    /// How long the window lasts.
    pub fn length(self) -> Duration {
        match self {
            RateWindow::FiveMinutes => Duration::from_secs(300),
            RateWindow::Hour => Duration::from_secs(3600),
            RateWindow::Day => Duration::from_secs(86_400),
            RateWindow::Second => Duration::from_secs(1),
        }
    }
}

impl fmt::Display for RateWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RateWindow::FiveMinutes => "5-minute window",
            RateWindow::Hour => "hour window",
            RateWindow::Day => "day window",
            RateWindow::Second => "per-second cap",
        })
    }
}

/// Hooks for metrics. Both methods default to doing nothing.
///
/// Called outside the limiter's lock, from whichever task made the request; keep them quick.
pub trait RateLimitObserver: Send + Sync + 'static {
    /// A request is about to wait `wait` because of `window` (proactive pacing or a 429).
    fn on_throttle(&self, wait: Duration, window: RateWindow) {
        let _ = (wait, window);
    }

    /// A response updated the windows.
    fn on_limit_update(&self, snapshot: &RateLimitSnapshot) {
        let _ = snapshot;
    }
}

/// The state of one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSnapshot {
    /// Which window.
    pub window: RateWindow,
    /// Requests allowed in the window.
    pub limit: u64,
    /// Requests left as last reported (or counted locally), before in-flight requests.
    pub remaining: i64,
    /// Requests sent whose response has not been seen yet.
    pub in_flight: u64,
    /// Time until the window resets.
    pub resets_in: Duration,
    /// Whether the numbers come from response headers (`false`: assumed defaults).
    pub from_headers: bool,
}

/// The limiter's view of all windows ([`LightspeedClient::rate_limit`](crate::LightspeedClient::rate_limit_snapshot)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSnapshot {
    /// The 5-minute window.
    pub five_minutes: WindowSnapshot,
    /// The hourly window.
    pub hour: WindowSnapshot,
    /// The daily window.
    pub day: WindowSnapshot,
    /// Requests sent within the last second.
    pub last_second: u32,
}

impl RateLimitSnapshot {
    /// The three windows in header order.
    pub fn windows(&self) -> [WindowSnapshot; 3] {
        [self.five_minutes, self.hour, self.day]
    }
}

/// Rate-limit settings of a client.
#[derive(Clone)]
pub struct RateLimitConfig {
    pub(crate) enabled: bool,
    pub(crate) reserve: u32,
    pub(crate) per_second: u32,
    pub(crate) max_wait: Duration,
    pub(crate) default_limits: [u64; 3],
    pub(crate) share_by_key: bool,
    pub(crate) observer: Option<Arc<dyn RateLimitObserver>>,
}

impl Default for RateLimitConfig {
    /// Pacing on, reserve 2, 20 requests/second, `max_wait` 60 s, defaults 300/3000/12000,
    /// one limiter per client.
    fn default() -> Self {
        Self {
            enabled: true,
            reserve: 2,
            per_second: 20,
            max_wait: Duration::from_secs(60),
            default_limits: [300, 3000, 12_000],
            share_by_key: false,
            observer: None,
        }
    }
}

impl RateLimitConfig {
    /// The defaults (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// No proactive pacing: requests are only slowed down by 429 answers (which are still
    /// waited for and retried).
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Requests to keep in hand in every window (for other users of the same key). A request waits
    /// when `remaining - in_flight <= reserve`.
    pub fn reserve(mut self, reserve: u32) -> Self {
        self.reserve = reserve;
        self
    }

    /// Requests allowed per second (Lightspeed's cap is 20); `0` disables this cap.
    pub fn per_second(mut self, per_second: u32) -> Self {
        self.per_second = per_second;
        self
    }

    /// The longest wait the client sleeps through; a longer one returns
    /// [`Error::RateLimited`](crate::Error::RateLimited).
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The limits assumed before the first response (documented defaults: 300/3000/12000).
    pub fn default_limits(mut self, five_minutes: u64, hour: u64, day: u64) -> Self {
        self.default_limits = [five_minutes, hour, day];
        self
    }

    /// Share one limiter between every client in this process built for the same API key and
    /// base URL (keyed by a hash of the key; the key itself is not stored). The settings of the
    /// first client built win.
    pub fn share_by_key(mut self, share: bool) -> Self {
        self.share_by_key = share;
        self
    }

    /// Metrics hooks.
    pub fn observer(mut self, observer: Arc<dyn RateLimitObserver>) -> Self {
        self.observer = Some(observer);
        self
    }
}

impl fmt::Debug for RateLimitConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimitConfig")
            .field("enabled", &self.enabled)
            .field("reserve", &self.reserve)
            .field("per_second", &self.per_second)
            .field("max_wait", &self.max_wait)
            .field("default_limits", &self.default_limits)
            .field("share_by_key", &self.share_by_key)
            .field("observer", &self.observer.as_ref().map(|_| "…"))
            .finish()
    }
}
