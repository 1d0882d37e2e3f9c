//! The limiter: window state, slot reservation and the 429 wait.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use tokio::time::Instant;

use super::headers::{ReportedWindows, parse_rate_headers, parse_retry_after};
use super::{RateLimitConfig, RateLimitSnapshot, RateWindow, WindowSnapshot};
use crate::error::Error;
use koppel_http::StatsCounters as Stats;

/// How close to a window's start a report of "exhausted" is suspected to be stale. The official
/// limiter notes that just after a reset the API may report the new reset time while `Remaining`
/// still holds the old count; then waiting 1 s is enough.
const STALE_REPORT_SLACK: Duration = Duration::from_secs(5);
const STALE_REPORT_WAIT: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy)]
struct WindowState {
    limit: u64,
    remaining: i64,
    reset_at: Instant,
    pending: u64,
    from_headers: bool,
    /// When set, the window is assumed fresh again at this instant (stale-report quirk).
    probe_at: Option<Instant>,
}

#[derive(Debug)]
struct State {
    windows: [WindowState; 3],
    recent: VecDeque<Instant>,
}

/// One limiter per API key (or per client).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    config: RateLimitConfig,
    state: Mutex<State>,
}

impl RateLimiter {
    pub(crate) fn new(config: RateLimitConfig) -> Self {
        let now = Instant::now();
        let windows = std::array::from_fn(|i| WindowState {
            limit: config.default_limits[i],
            remaining: i64::try_from(config.default_limits[i]).unwrap_or(i64::MAX),
            reset_at: now + RateWindow::WINDOWS[i].length(),
            pending: 0,
            from_headers: false,
            probe_at: None,
        });
        Self {
            config,
            state: Mutex::new(State {
                windows,
                recent: VecDeque::new(),
            }),
        }
    }

    /// The limiter for `(base_url, api_key)`: shared process-wide when the config asks for it.
    pub(crate) fn for_key(config: RateLimitConfig, base_url: &str, api_key: &str) -> Arc<Self> {
        if !config.share_by_key {
            return Arc::new(Self::new(config));
        }
        static REGISTRY: OnceLock<Mutex<HashMap<u64, Weak<RateLimiter>>>> = OnceLock::new();
        let mut hasher = DefaultHasher::new();
        base_url.hash(&mut hasher);
        api_key.hash(&mut hasher);
        let fingerprint = hasher.finish();
        let registry = REGISTRY.get_or_init(Default::default);
        let mut map = registry.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, weak| weak.strong_count() > 0);
        if let Some(existing) = map.get(&fingerprint).and_then(Weak::upgrade) {
            return existing;
        }
        let limiter = Arc::new(Self::new(config));
        map.insert(fingerprint, Arc::downgrade(&limiter));
        limiter
    }

    pub(crate) fn config(&self) -> &RateLimitConfig {
        &self.config
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked (every update is a plain store).
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until a request may be sent and reserves its slot.
    pub(crate) async fn acquire(&self, stats: &Stats) -> Result<Permit<'_>, Error> {
        loop {
            let now = Instant::now();
            let blocked = {
                let mut st = self.lock();
                roll(&mut st, now);
                match self.blocking(&mut st, now) {
                    None => {
                        for w in &mut st.windows {
                            w.pending += 1;
                        }
                        st.recent.push_back(now);
                        return Ok(Permit {
                            limiter: self,
                            done: false,
                        });
                    }
                    Some(blocked) => blocked,
                }
            };
            let (until, window) = blocked;
            let wait = until.saturating_duration_since(now);
            if wait > self.config.max_wait {
                tracing::debug!(%window, ?wait, max_wait = ?self.config.max_wait, "rate limit wait too long, giving up");
                return Err(Error::RateLimited {
                    retry_after: Some(wait),
                    window: Some(window),
                });
            }
            self.note_throttle(stats, wait, window);
            tokio::time::sleep_until(until).await;
        }
    }

    /// The instant to wait for and the window responsible, if a request may not go now.
    fn blocking(&self, st: &mut State, now: Instant) -> Option<(Instant, RateWindow)> {
        if !self.config.enabled {
            return None;
        }
        let mut blocked: Option<(Instant, RateWindow)> = None;
        for (i, w) in st.windows.iter().enumerate() {
            // A reserve as large as the limit would block the window for good.
            let limit = i64::try_from(w.limit).unwrap_or(i64::MAX);
            let reserve = i64::from(self.config.reserve).min(limit - 1);
            let available = w.remaining - i64::try_from(w.pending).unwrap_or(i64::MAX);
            if available <= reserve {
                let until = w.probe_at.unwrap_or(w.reset_at);
                if blocked.is_none_or(|(b, _)| until > b) {
                    blocked = Some((until, RateWindow::WINDOWS[i]));
                }
            }
        }
        if self.config.per_second > 0 {
            let second = RateWindow::Second.length();
            while st
                .recent
                .front()
                .is_some_and(|&t| now.duration_since(t) >= second)
            {
                st.recent.pop_front();
            }
            if st.recent.len() >= self.config.per_second as usize
                && let Some(&oldest) = st.recent.front()
            {
                let until = oldest + second;
                if blocked.is_none_or(|(b, _)| until > b) {
                    blocked = Some((until, RateWindow::Second));
                }
            }
        }
        blocked
    }

    /// Records a throttle wait in the stats, the observer and the log.
    pub(crate) fn note_throttle(&self, stats: &Stats, wait: Duration, window: RateWindow) {
        tracing::debug!(%window, ?wait, "rate limit: waiting");
        stats.throttle(wait);
        if let Some(observer) = &self.config.observer {
            observer.on_throttle(wait, window);
        }
    }

    /// How long to wait after a 429: the reset of every exhausted window or `Retry-After`,
    /// whichever is longer. `None` when the response says nothing usable.
    pub(crate) fn wait_after_429(
        &self,
        headers: &HeaderMap,
    ) -> Option<(Duration, Option<RateWindow>)> {
        let now = Instant::now();
        let retry_after = parse_retry_after(headers, SystemTime::now());
        let reported = parse_rate_headers(headers);
        let st = self.lock();
        let mut exhausted: Option<(Duration, RateWindow)> = None;
        for (i, w) in st.windows.iter().enumerate() {
            if reported.has(i) && w.remaining <= 0 {
                let wait = w.reset_at.saturating_duration_since(now);
                if exhausted.is_none_or(|(d, _)| wait > d) {
                    exhausted = Some((wait, RateWindow::WINDOWS[i]));
                }
            }
        }
        // The headers came but no window is exhausted: the request hit the per-second cap, which the
        // headers do not report. Waiting for the 5-minute reset (what some clients do) would stall a
        // run for minutes over a one-second burst.
        if exhausted.is_none() && reported.has(0) {
            exhausted = Some((RateWindow::Second.length(), RateWindow::Second));
        }
        match (exhausted, retry_after) {
            (Some((w, window)), Some(r)) if r > w => Some((r, Some(window))),
            (Some((w, window)), _) => Some((w, Some(window))),
            (None, Some(r)) => Some((r, None)),
            (None, None) => None,
        }
    }

    /// The current view of the windows.
    pub(crate) fn snapshot(&self) -> RateLimitSnapshot {
        let now = Instant::now();
        let mut st = self.lock();
        roll(&mut st, now);
        snapshot_of(&st, now)
    }

    fn update(&self, status: http::StatusCode, headers: Option<&HeaderMap>, consumed: bool) {
        let now = Instant::now();
        let reported = headers.map(parse_rate_headers).unwrap_or_default();
        let snapshot = {
            let mut st = self.lock();
            roll(&mut st, now);
            for (i, w) in st.windows.iter_mut().enumerate() {
                w.pending = w.pending.saturating_sub(1);
                if reported.has(i) {
                    apply_report(w, &reported, i, now, status, &self.config);
                } else if consumed {
                    // No header for this window: count the request locally.
                    w.remaining -= 1;
                }
            }
            reported.any().then(|| snapshot_of(&st, now))
        };
        if let Some(snapshot) = snapshot {
            let five = snapshot.five_minutes;
            tracing::trace!(remaining = five.remaining, resets_in = ?five.resets_in, "rate limit update");
            if let Some(observer) = &self.config.observer {
                observer.on_limit_update(&snapshot);
            }
        }
    }
}

fn apply_report(
    w: &mut WindowState,
    reported: &ReportedWindows,
    i: usize,
    now: Instant,
    status: http::StatusCode,
    config: &RateLimitConfig,
) {
    let (Some(remaining), Some(reset)) = (reported.remaining[i], reported.reset[i]) else {
        return;
    };
    let reset_at = now + Duration::from_secs(reset);
    // Responses can arrive out of order: within the same window keep the lower count.
    let same_window = w.from_headers && abs_diff(w.reset_at, reset_at) < Duration::from_secs(2);
    w.remaining = if same_window {
        w.remaining.min(remaining)
    } else {
        remaining
    };
    if let Some(limit) = reported.limit[i] {
        w.limit = limit;
    }
    w.reset_at = reset_at;
    w.from_headers = true;
    w.probe_at = None;
    // Stale-report quirk: "exhausted" at the very start of a window, on a request that went
    // through, with a limit too large to exhaust that fast under the per-second cap.
    let len = RateWindow::WINDOWS[i].length();
    let fast_exhaust_impossible = config.per_second > 0
        && w.limit > u64::from(config.per_second) * STALE_REPORT_SLACK.as_secs();
    if status != http::StatusCode::TOO_MANY_REQUESTS
        && fast_exhaust_impossible
        && remaining <= i64::from(config.reserve)
        && Duration::from_secs(reset) + STALE_REPORT_SLACK >= len
    {
        w.probe_at = Some(now + STALE_REPORT_WAIT);
    }
}

fn abs_diff(a: Instant, b: Instant) -> Duration {
    if a > b { a - b } else { b - a }
}

/// Starts a new period for every window whose reset has passed.
fn roll(st: &mut State, now: Instant) {
    for (i, w) in st.windows.iter_mut().enumerate() {
        if w.probe_at.is_some_and(|t| t <= now) {
            w.probe_at = None;
            w.remaining = i64::try_from(w.limit).unwrap_or(i64::MAX);
        }
        if w.reset_at <= now {
            let len = RateWindow::WINDOWS[i].length();
            while w.reset_at <= now {
                w.reset_at += len;
            }
            w.remaining = i64::try_from(w.limit).unwrap_or(i64::MAX);
            w.from_headers = false;
        }
    }
}

fn snapshot_of(st: &State, now: Instant) -> RateLimitSnapshot {
    let window = |i: usize| {
        let w = &st.windows[i];
        WindowSnapshot {
            window: RateWindow::WINDOWS[i],
            limit: w.limit,
            remaining: w.remaining,
            in_flight: w.pending,
            resets_in: w.reset_at.saturating_duration_since(now),
            from_headers: w.from_headers,
        }
    };
    let second = RateWindow::Second.length();
    let last_second = st
        .recent
        .iter()
        .filter(|&&t| now.duration_since(t) < second)
        .count();
    RateLimitSnapshot {
        five_minutes: window(0),
        hour: window(1),
        day: window(2),
        last_second: u32::try_from(last_second).unwrap_or(u32::MAX),
    }
}

/// A reserved slot. Report the outcome with [`Permit::complete`] or [`Permit::unsent`]; dropping
/// it counts the request as sent without a response (the safe assumption).
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    limiter: &'a RateLimiter,
    done: bool,
}

impl Permit<'_> {
    /// A response arrived: update the windows from its headers.
    pub(crate) fn complete(mut self, status: http::StatusCode, headers: &HeaderMap) {
        self.done = true;
        self.limiter.update(status, Some(headers), true);
    }

    /// The request certainly did not reach the server: release the slot.
    pub(crate) fn unsent(mut self) {
        self.done = true;
        self.limiter.update(http::StatusCode::OK, None, false);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.limiter.update(http::StatusCode::OK, None, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_reserve_larger_than_the_limit_still_lets_requests_through() {
        let limiter = RateLimiter::new(
            RateLimitConfig::new()
                .reserve(50)
                .default_limits(3, 100, 1000),
        );
        let stats = Stats::default();
        let permit = limiter.acquire(&stats).await.unwrap();
        permit.complete(http::StatusCode::OK, &HeaderMap::new());
        assert_eq!(stats.snapshot().throttled, 0);
        let snap = limiter.snapshot();
        assert_eq!(snap.five_minutes.remaining, 2);
        assert_eq!(snap.five_minutes.in_flight, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn an_unsent_request_gives_its_slot_back() {
        let limiter = RateLimiter::new(RateLimitConfig::new());
        let stats = Stats::default();
        let permit = limiter.acquire(&stats).await.unwrap();
        assert_eq!(limiter.snapshot().five_minutes.in_flight, 1);
        permit.unsent();
        let snap = limiter.snapshot();
        assert_eq!(
            (snap.five_minutes.remaining, snap.five_minutes.in_flight),
            (300, 0)
        );
        // dropping a permit without an answer counts the request as spent
        drop(limiter.acquire(&stats).await.unwrap());
        assert_eq!(limiter.snapshot().five_minutes.remaining, 299);
    }
}
