//! The per-connection webhook doorbell: de-duplication of repeated deliveries and the wake-up of the
//! connection's inbox worker.
//!
//! The order ids themselves wait in the state store's inbox (durable, so a crash loses none; an id
//! already waiting is not queued twice there). This keeps only what is cheap to lose: an identical
//! delivery (same shop, event, id and `updatedAt`) seen within [`RECENT_WINDOW`] is dropped, as
//! Lightspeed (and a proxy in between) may deliver the same event more than once. The rule is not
//! needed for correctness: the flow re-fetches every order and never books one twice.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// How long an identical delivery is remembered.
pub const RECENT_WINDOW: Duration = Duration::from_secs(5 * 60);

/// How many deliveries are remembered at most (the oldest are forgotten first).
const MAX_RECENT: usize = 10_000;

/// What identifies a delivery for de-duplication.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    /// `X-Shop-Id`.
    pub shop: String,
    /// `X-Event` (`orders/updated`).
    pub event: String,
    /// The resource id.
    pub id: String,
    /// The resource's `updatedAt`, as sent.
    pub updated_at: Option<String>,
}

/// The de-duplication bookkeeping, without locking or waking (so it is easy to test).
#[derive(Debug, Default)]
struct Recent {
    seen: HashMap<DeliveryKey, Instant>,
    order: VecDeque<(Instant, DeliveryKey)>,
}

impl Recent {
    fn forget_old(&mut self, now: Instant) {
        while let Some((at, _)) = self.order.front() {
            let expired = now.saturating_duration_since(*at) >= RECENT_WINDOW;
            if !expired && self.order.len() <= MAX_RECENT {
                break;
            }
            if let Some((at, key)) = self.order.pop_front()
                && self.seen.get(&key) == Some(&at)
            {
                self.seen.remove(&key);
            }
        }
    }

    /// Whether the same delivery was seen moments ago.
    fn seen(&mut self, key: &DeliveryKey, now: Instant) -> bool {
        self.forget_old(now);
        self.seen.contains_key(key)
    }

    /// Remember a delivery that was put in the inbox.
    fn remember(&mut self, key: DeliveryKey, now: Instant) {
        self.forget_old(now);
        self.seen.insert(key.clone(), now);
        self.order.push_back((now, key));
    }
}

/// A connection's webhook doorbell.
#[derive(Debug, Default)]
pub struct Doorbell {
    recent: Mutex<Recent>,
    wake: Notify,
}

impl Doorbell {
    /// A doorbell with nothing seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn recent(&self) -> MutexGuard<'_, Recent> {
        // Poisoning only follows a panic mid-update of plain collections; they stay consistent
        // enough to go on (at worst a delivery is processed twice, which the flow tolerates).
        self.recent.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the same delivery came moments ago (then it is dropped).
    pub fn seen_recently(&self, key: &DeliveryKey) -> bool {
        self.recent().seen(key, Instant::now())
    }

    /// Remember a delivery once it is safely in the inbox (one that could not be stored is not
    /// remembered, so Lightspeed's retry of it is taken).
    pub fn remember(&self, key: DeliveryKey) {
        self.recent().remember(key, Instant::now());
    }

    /// Wake the worker: something was put in the inbox.
    pub fn ring(&self) {
        self.wake.notify_one();
    }

    /// Wait until the doorbell rings (returns at once when a ring is pending).
    pub async fn notified(&self) {
        self.wake.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, updated: &str) -> DeliveryKey {
        DeliveryKey {
            shop: "356891".into(),
            event: "orders/updated".into(),
            id: id.into(),
            updated_at: Some(updated.into()),
        }
    }

    #[test]
    fn identical_deliveries_are_dropped_within_the_window() {
        let mut r = Recent::default();
        let t0 = Instant::now();
        assert!(!r.seen(&key("1", "a"), t0));
        r.remember(key("1", "a"), t0);
        assert!(r.seen(&key("1", "a"), t0));
        assert!(r.seen(&key("1", "a"), t0 + Duration::from_secs(60)));
        assert!(!r.seen(&key("1", "a"), t0 + RECENT_WINDOW));
        assert!(!r.seen(&key("1", "b"), t0), "a new change");
    }

    #[test]
    fn other_events_and_shops_are_different_deliveries() {
        let mut r = Recent::default();
        let t0 = Instant::now();
        r.remember(key("1", "a"), t0);
        let mut created = key("1", "a");
        created.event = "orders/created".into();
        assert!(!r.seen(&created, t0));
        let mut other_shop = key("1", "a");
        other_shop.shop = "1".into();
        assert!(!r.seen(&other_shop, t0));
    }

    #[test]
    fn memory_is_bounded() {
        let mut r = Recent::default();
        let t0 = Instant::now();
        for i in 0..(MAX_RECENT + 50) {
            r.remember(key(&i.to_string(), "a"), t0);
        }
        r.forget_old(t0);
        assert!(r.seen.len() <= MAX_RECENT);
        assert_eq!(r.seen.len(), r.order.len());
    }

    #[tokio::test(start_paused = true)]
    async fn ringing_wakes_the_worker() {
        let q = std::sync::Arc::new(Doorbell::new());
        let waiter = tokio::spawn({
            let q = q.clone();
            async move { q.notified().await }
        });
        tokio::task::yield_now().await;
        q.ring();
        waiter.await.unwrap();
    }
}
