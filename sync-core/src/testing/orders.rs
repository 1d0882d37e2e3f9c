//! An in-memory shop order source.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::{Faults, lock};
use crate::domain::{BookingRef, CreditNote, Order, OrderFilter, OrderSummary};
use crate::error::SyncError;
use crate::traits::{OrderSource, ReadWindow, WriteBack};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

#[derive(Debug, Default)]
struct State {
    orders: BTreeMap<String, Order>,
    credit_notes: Vec<CreditNote>,
    write_backs: Vec<(String, BookingRef, WriteBack)>,
}

/// An [`OrderSource`] over seeded orders. It pushes the filter down like a real API would (so tests
/// see only matching orders) and records write-backs. Clones share state.
#[derive(Debug, Clone, Default)]
pub struct MemoryOrderSource {
    state: Arc<Mutex<State>>,
    faults: Faults,
}

impl MemoryOrderSource {
    /// An empty source.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add or replace an order (by source id).
    pub fn upsert_order(&self, order: Order) {
        lock(&self.state)
            .orders
            .insert(order.source_id.clone(), order);
    }

    /// The order with this id, as stored.
    pub fn order(&self, id: &str) -> Option<Order> {
        lock(&self.state).orders.get(id).cloned()
    }

    /// Add a credit note.
    pub fn add_credit_note(&self, note: CreditNote) {
        lock(&self.state).credit_notes.push(note);
    }

    /// The write-backs received: (order source id, booking, target).
    pub fn write_backs(&self) -> Vec<(String, BookingRef, WriteBack)> {
        lock(&self.state).write_backs.clone()
    }

    /// Fault injection and call counts.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }
}

#[async_trait]
impl OrderSource for MemoryOrderSource {
    /// The seeded orders changed in the window that pass the filter, as summaries in change order
    /// (the list is taken when the stream is first polled).
    fn changed_orders<'a>(
        &'a self,
        window: &ReadWindow,
        filter: &OrderFilter,
    ) -> BoxStream<'a, Result<OrderSummary, SyncError>> {
        let (window, filter) = (*window, filter.clone());
        stream::once(async move {
            self.faults.check("changed_orders")?;
            let mut orders: Vec<OrderSummary> = lock(&self.state)
                .orders
                .values()
                .filter(|o| window.contains(o.updated_at) && filter.matches(o))
                .map(Order::summary)
                .collect();
            orders.sort_by(|a, b| (a.updated_at, &a.source_id).cmp(&(b.updated_at, &b.source_id)));
            Ok::<_, SyncError>(stream::iter(orders.into_iter().map(Ok)))
        })
        .try_flatten()
        .boxed()
    }

    async fn fetch_order(&self, id: &str) -> Result<Option<Order>, SyncError> {
        self.faults.check("fetch_order")?;
        Ok(lock(&self.state).orders.get(id).cloned())
    }

    async fn credit_notes_for_order(&self, order_id: &str) -> Result<Vec<CreditNote>, SyncError> {
        self.faults.check("credit_notes_for_order")?;
        Ok(lock(&self.state)
            .credit_notes
            .iter()
            .filter(|n| n.order_source_id.as_deref() == Some(order_id))
            .cloned()
            .collect())
    }

    async fn changed_credit_notes(
        &self,
        window: &ReadWindow,
    ) -> Result<Vec<CreditNote>, SyncError> {
        self.faults.check("changed_credit_notes")?;
        // By the change time when the note has one, else by its date.
        let inside = |n: &CreditNote| match n.updated_at {
            Some(at) => window.since.is_none_or(|s| at >= s) && at <= window.until,
            None => {
                window.since.is_none_or(|s| n.date >= s.date_naive())
                    && n.date <= window.until.date_naive()
            }
        };
        Ok(lock(&self.state)
            .credit_notes
            .iter()
            .filter(|n| inside(n))
            .cloned()
            .collect())
    }

    async fn write_back(
        &self,
        order: &Order,
        booking: &BookingRef,
        target: &WriteBack,
    ) -> Result<(), SyncError> {
        self.faults.check("write_back")?;
        lock(&self.state).write_backs.push((
            order.source_id.clone(),
            booking.clone(),
            target.clone(),
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderTotals, SalesDocumentKind};
    use crate::testing::OrderBuilder;
    use chrono::{NaiveDate, TimeZone, Utc};

    #[tokio::test]
    async fn filters_by_window_and_status_and_records_write_backs() {
        let t = |h| Utc.with_ymd_and_hms(2024, 2, 1, h, 0, 0).unwrap();
        let source = MemoryOrderSource::new();
        source.upsert_order(OrderBuilder::new("A").at(t(9)).build());
        source.upsert_order(OrderBuilder::new("B").at(t(11)).build());
        source.upsert_order(
            OrderBuilder::new("C")
                .at(t(10))
                .payment_status("not_paid")
                .build(),
        );
        let window = ReadWindow::new(Some(t(10)), t(12));
        let orders: Vec<OrderSummary> = source
            .changed_orders(&window, &OrderFilter::default())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            orders.iter().map(|o| o.number.as_str()).collect::<Vec<_>>(),
            ["B"]
        );
        let all: Vec<OrderSummary> = source
            .changed_orders(&ReadWindow::up_to(t(12)), &OrderFilter::any())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            all.iter().map(|o| o.number.as_str()).collect::<Vec<_>>(),
            ["A", "C", "B"]
        );
        assert!(source.fetch_order("A").await.unwrap().is_some());
        assert!(source.fetch_order("Z").await.unwrap().is_none());

        let booking = BookingRef {
            number: "SO1".into(),
            kind: SalesDocumentKind::SalesOrder,
            debtor: None,
        };
        let target = WriteBack::Metafield { key: "av".into() };
        let b = source
            .fetch_order(&orders[0].source_id)
            .await
            .unwrap()
            .unwrap();
        source.write_back(&b, &booking, &target).await.unwrap();
        assert_eq!(
            source.write_backs(),
            vec![("B".to_owned(), booking, target)]
        );
    }

    #[tokio::test]
    async fn credit_notes_by_order_and_window() {
        let source = MemoryOrderSource::new();
        source.add_credit_note(CreditNote {
            source_id: "cn1".into(),
            number: "CN1".into(),
            date: NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
            updated_at: None,
            order_source_id: Some("A".into()),
            order_number: Some("A".into()),
            lines: vec![],
            shipping: None,
            payment: None,
            totals: OrderTotals::default(),
            currency: Default::default(),
            raw: serde_json::Value::Null,
        });
        assert_eq!(source.credit_notes_for_order("A").await.unwrap().len(), 1);
        assert!(source.credit_notes_for_order("B").await.unwrap().is_empty());
        let jan = ReadWindow::up_to(Utc.with_ymd_and_hms(2024, 1, 31, 0, 0, 0).unwrap());
        assert!(source.changed_credit_notes(&jan).await.unwrap().is_empty());
        let feb = ReadWindow::up_to(Utc.with_ymd_and_hms(2024, 2, 2, 0, 0, 0).unwrap());
        assert_eq!(source.changed_credit_notes(&feb).await.unwrap().len(), 1);
    }
}
