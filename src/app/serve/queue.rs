//! The per-connection queue of order ids pushed by webhooks, with its de-duplication.
//!
//! Two rules keep the work small: an id already waiting is not queued twice, and an identical
//! delivery (same shop, event, id and `updatedAt`) seen within [`RECENT_WINDOW`] is dropped, as
//! Lightspeed (and a proxy in between) may deliver the same event more than once. Neither rule is
//! needed for correctness: the flow re-fetches every order and never books one twice.

use std::collections::{HashMap, HashSet, VecDeque};
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

/// What [`OrderQueue::offer`] did with an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Queued for the worker.
    Queued,
    /// The id is already waiting; nothing added.
    AlreadyQueued,
    /// The same delivery came moments ago; dropped.
    Duplicate,
}

/// The queue's bookkeeping, without locking or waking (so it is easy to test).
#[derive(Debug, Default)]
struct Pending {
    order: VecDeque<String>,
    waiting: HashSet<String>,
    recent: HashMap<DeliveryKey, Instant>,
    recent_order: VecDeque<(Instant, DeliveryKey)>,
}

impl Pending {
    fn forget_old(&mut self, now: Instant) {
        while let Some((at, _)) = self.recent_order.front() {
            let expired = now.saturating_duration_since(*at) >= RECENT_WINDOW;
            if !expired && self.recent_order.len() <= MAX_RECENT {
                break;
            }
            if let Some((at, key)) = self.recent_order.pop_front()
                && self.recent.get(&key) == Some(&at)
            {
                self.recent.remove(&key);
            }
        }
    }

    fn offer(&mut self, key: DeliveryKey, now: Instant) -> Offer {
        self.forget_old(now);
        if self.recent.contains_key(&key) {
            return Offer::Duplicate;
        }
        let id = key.id.clone();
        self.recent.insert(key.clone(), now);
        self.recent_order.push_back((now, key));
        if self.waiting.contains(&id) {
            return Offer::AlreadyQueued;
        }
        self.waiting.insert(id.clone());
        self.order.push_back(id);
        Offer::Queued
    }

    fn take(&mut self, max: usize) -> Vec<String> {
        let n = max.min(self.order.len());
        let batch: Vec<String> = self.order.drain(..n).collect();
        for id in &batch {
            self.waiting.remove(id);
        }
        batch
    }

    fn requeue(&mut self, ids: Vec<String>) {
        for id in ids.into_iter().rev() {
            if self.waiting.insert(id.clone()) {
                self.order.push_front(id);
            }
        }
    }
}

/// Order ids waiting for a connection's webhook worker.
#[derive(Debug, Default)]
pub struct OrderQueue {
    pending: Mutex<Pending>,
    wake: Notify,
}

impl OrderQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    fn pending(&self) -> MutexGuard<'_, Pending> {
        // Poisoning only follows a panic mid-update of plain collections; they stay consistent
        // enough to go on (at worst an id is run twice, which the flow tolerates).
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Offer a delivery's order id; wakes the worker when it was queued.
    pub fn offer(&self, key: DeliveryKey) -> Offer {
        let offer = self.pending().offer(key, Instant::now());
        if offer == Offer::Queued {
            self.wake.notify_one();
        }
        offer
    }

    /// Take up to `max` waiting ids, oldest first.
    pub fn take(&self, max: usize) -> Vec<String> {
        self.pending().take(max)
    }

    /// Put ids back at the front (after a run could not start); ids waiting already stay put.
    pub fn requeue(&self, ids: Vec<String>) {
        self.pending().requeue(ids);
        self.wake.notify_one();
    }

    /// How many ids are waiting.
    pub fn len(&self) -> usize {
        self.pending().order.len()
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Wait until something was queued (returns at once when a wake-up is pending).
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
        let mut p = Pending::default();
        let t0 = Instant::now();
        assert_eq!(p.offer(key("1", "a"), t0), Offer::Queued);
        assert_eq!(p.offer(key("1", "a"), t0), Offer::Duplicate);
        assert_eq!(p.take(10), vec!["1".to_owned()]);
        // Still a duplicate after the worker took it, within the window…
        assert_eq!(
            p.offer(key("1", "a"), t0 + Duration::from_secs(60)),
            Offer::Duplicate
        );
        // …but not after it.
        assert_eq!(p.offer(key("1", "a"), t0 + RECENT_WINDOW), Offer::Queued);
    }

    #[test]
    fn a_waiting_id_is_not_queued_twice_but_a_new_change_after_the_take_is() {
        let mut p = Pending::default();
        let t0 = Instant::now();
        assert_eq!(p.offer(key("1", "a"), t0), Offer::Queued);
        assert_eq!(p.offer(key("1", "b"), t0), Offer::AlreadyQueued);
        assert_eq!(p.offer(key("2", "a"), t0), Offer::Queued);
        assert_eq!(p.take(1), vec!["1".to_owned()]);
        assert_eq!(p.offer(key("1", "c"), t0), Offer::Queued, "changed again");
        assert_eq!(p.take(10), vec!["2".to_owned(), "1".to_owned()]);
        assert!(p.take(10).is_empty());
    }

    #[test]
    fn other_events_and_shops_are_different_deliveries() {
        let mut p = Pending::default();
        let t0 = Instant::now();
        assert_eq!(p.offer(key("1", "a"), t0), Offer::Queued);
        p.take(10);
        let mut created = key("1", "a");
        created.event = "orders/created".into();
        assert_eq!(p.offer(created, t0), Offer::Queued);
        p.take(10);
        let mut other_shop = key("1", "a");
        other_shop.shop = "1".into();
        assert_eq!(p.offer(other_shop, t0), Offer::Queued);
    }

    #[test]
    fn requeued_ids_go_first_and_are_not_doubled() {
        let mut p = Pending::default();
        let t0 = Instant::now();
        p.offer(key("1", "a"), t0);
        p.offer(key("2", "a"), t0);
        let batch = p.take(10);
        p.offer(key("3", "a"), t0);
        p.offer(key("2", "b"), t0);
        p.requeue(batch);
        assert_eq!(p.take(10), vec!["1", "3", "2"]);
    }

    #[test]
    fn memory_is_bounded() {
        let mut p = Pending::default();
        let t0 = Instant::now();
        for i in 0..(MAX_RECENT + 50) {
            p.offer(key(&i.to_string(), "a"), t0);
        }
        p.forget_old(t0);
        assert!(p.recent.len() <= MAX_RECENT);
        assert_eq!(p.recent.len(), p.recent_order.len());
    }

    #[tokio::test(start_paused = true)]
    async fn offering_wakes_the_worker() {
        let q = std::sync::Arc::new(OrderQueue::new());
        let waiter = tokio::spawn({
            let q = q.clone();
            async move {
                q.notified().await;
                q.take(10)
            }
        });
        tokio::task::yield_now().await;
        assert_eq!(q.offer(key("9", "a")), Offer::Queued);
        assert_eq!(waiter.await.unwrap(), vec!["9".to_owned()]);
        assert!(q.is_empty());
    }
}
