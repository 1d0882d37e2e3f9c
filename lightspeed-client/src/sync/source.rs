//! `impl OrderSource for LightspeedShop`: list, fetch, credit notes, write-back, API usage.

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde_json::Value;
use sync_core::domain::{BookingRef, CreditNote, Order, OrderFilter, OrderSummary};
use sync_core::error::SyncError;
use sync_core::report::ApiStats;
use sync_core::traits::{OrderSource, ReadWindow, WriteBack};

use super::LightspeedShop;
use super::credit_map::map_credit_note;
use super::errors::{Operation, map_error};
use super::order_map::{map_order, order_summary};
use super::raw::{Raw, embed};
use super::status;
use crate::entity::Entity;
use crate::error::Error;
use crate::handler::Handler;
use crate::list::ListRequest;
use crate::models::{self, Invoice, InvoiceItem, OrderProduct};
use crate::scan::Timestamped;

/// The API-key permission scope of orders, their lines and invoices.
pub(crate) const ORDERS_SCOPE: &str = "orders";

/// A lookup by id of a record that may not exist.
fn not_found(e: &Error) -> bool {
    matches!(e, Error::NotFound { .. })
}

/// Splits `Raw` items into models and their JSON.
fn split<T>(items: Vec<Raw<T>>) -> (Vec<T>, Vec<Value>) {
    items.into_iter().map(|r| (r.model, r.json)).unzip()
}

impl LightspeedShop {
    fn handler<T: Entity>(&self, path: impl Into<String>) -> Handler<T> {
        Handler::new(&self.client, path)
    }

    /// A list request of `path` with the configured page size.
    fn list<T: Entity>(&self, path: impl Into<String>) -> ListRequest<T> {
        self.handler(path).list().limit(self.options.page_size)
    }

    /// Every item of `request`, all pages.
    async fn all<T: Entity>(
        &self,
        request: ListRequest<T>,
        context: &str,
    ) -> Result<Vec<T>, SyncError> {
        request
            .stream()
            .try_collect()
            .await
            .map_err(|e| map_error(e, Operation::Read, ORDERS_SCOPE, context))
    }

    /// The lines of an order (`orders/{id}/products`, all pages); `None` when the order is gone.
    async fn order_lines(&self, id: u64) -> Result<Option<Vec<Raw<OrderProduct>>>, SyncError> {
        let request = self.list(format!("orders/{id}/products"));
        match request.stream().try_collect().await {
            Ok(lines) => Ok(Some(lines)),
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(map_error(
                e,
                Operation::Read,
                ORDERS_SCOPE,
                &format!("reading the lines of order {id}"),
            )),
        }
    }

    /// Every record `request` lists that changed in `window`, read completely however the shop
    /// changes meanwhile (see [`crate::scan`]).
    async fn scan<T: Entity + Timestamped>(
        &self,
        request: ListRequest<T>,
        window: &ReadWindow,
        context: &str,
    ) -> Result<Vec<T>, SyncError> {
        let scanned = request
            .scan_window(window.since, window.until)
            .run()
            .await
            .map_err(|e| map_error(e, Operation::Read, ORDERS_SCOPE, context))?;
        Ok(scanned.items)
    }

    /// The credit notes among `invoices`, each with its items.
    async fn credit_notes(
        &self,
        invoices: Vec<Raw<Invoice>>,
    ) -> Result<Vec<CreditNote>, SyncError> {
        let ctx = self.context().await?;
        let mut notes = Vec::new();
        for Raw { model, mut json } in invoices {
            if model.is_credit_note != Some(true) {
                continue;
            }
            let items: Vec<Raw<InvoiceItem>> = self
                .all(
                    self.list(format!("invoices/{}/items", model.id)),
                    &format!("reading the items of credit note {}", model.id),
                )
                .await?;
            let (items, items_json) = split(items);
            embed(&mut json, "items", items_json);
            match map_credit_note(&model, &items, json, &ctx) {
                Ok(note) => notes.push(note),
                // The trait has no per-record error channel for lists; failing the whole list would
                // hold every later credit note (and the order cursor) back, so this one is
                // reported and left out.
                Err(e) => tracing::error!(
                    invoice = model.id,
                    error = %e,
                    "a credit note could not be mapped and is left out"
                ),
            }
        }
        Ok(notes)
    }
}

#[async_trait]
impl OrderSource for LightspeedShop {
    /// The client's counters ([`LightspeedClient::stats`](crate::LightspeedClient::stats)), shared
    /// by every clone of the client.
    fn api_stats(&self) -> ApiStats {
        self.usage()
    }

    /// `GET orders.json?updated_at_min=…&updated_at_max=…&limit=250`: one request when the window
    /// holds fewer orders than a page; otherwise a count and equal-time sub-windows, read in
    /// ascending time order (see [`crate::scan`]), so that orders updated during the read hide
    /// no others: about one list request per 200 orders, plus a count per full window. A filter
    /// list with exactly one value that Lightspeed can filter on (payment status `paid`, order
    /// status `awaiting_shipment`…) is pushed down as `paymentStatus`, `status` or
    /// `shipmentStatus`; anything else is left to the flow.
    ///
    /// The entries are [`OrderSummary`]s (id, number, times, statuses), streamed as the windows
    /// are read, for the flow to decide on (filters, id map, claim). The flow calls
    /// [`fetch_order`](OrderSource::fetch_order) only for the orders it books, so a poll costs
    /// the list pages plus one or two requests per new order. An entry whose details the mapping
    /// would refuse is still listed, so the flow fetches it and dead-letters it with the reason
    /// instead of losing it.
    fn changed_orders<'a>(
        &'a self,
        window: &ReadWindow,
        filter: &OrderFilter,
    ) -> BoxStream<'a, Result<OrderSummary, SyncError>> {
        let (window, filter) = (*window, filter.clone());
        stream::once(async move {
            let ctx = self.context().await?;
            let mut request = self.list::<Raw<models::Order>>("orders");
            if let Some(s) = status::order_status_filter(&filter.statuses) {
                request = request.param("status", s);
            }
            if let Some(s) = status::payment_status_filter(&filter.payment_statuses) {
                request = request.param("paymentStatus", s);
            }
            if let Some(s) = status::shipment_status_filter(&filter.shipment_statuses) {
                request = request.param("shipmentStatus", s);
            }
            let listed = request
                .scan_window(window.since, window.until)
                .stream()
                .map_err(|e| map_error(e, Operation::Read, ORDERS_SCOPE, "listing changed orders"))
                .map_ok(move |Raw { model, json }| order_summary(&model, json, &ctx, window.until));
            Ok::<_, SyncError>(listed)
        })
        .try_flatten()
        .boxed()
    }

    /// `GET orders/{id}.json`; the lines from `products.resource.embedded`, else from
    /// `GET orders/{id}/products.json` (all pages); the invoice (number, date) from the embedded
    /// invoices, else — only with [`ShopOptions::fetch_invoices`](super::ShopOptions) — from
    /// `GET invoices.json?order={id}`. A 404 (or an id that is not a number) is `Ok(None)`.
    async fn fetch_order(&self, id: &str) -> Result<Option<Order>, SyncError> {
        let Ok(order_id) = id.trim().parse::<u64>() else {
            tracing::debug!(id, "not a Lightspeed order id");
            return Ok(None);
        };
        let ctx = self.context().await?;
        let Raw { model, mut json } = match self
            .handler::<Raw<models::Order>>("orders")
            .get(order_id)
            .await
        {
            Ok(order) => order,
            Err(e) if not_found(&e) => return Ok(None),
            Err(e) => {
                return Err(map_error(
                    e,
                    Operation::Read,
                    ORDERS_SCOPE,
                    &format!("fetching order {order_id}"),
                ));
            }
        };
        let fetched_lines;
        let lines = match model.embedded_lines() {
            Some(lines) if !lines.is_empty() => lines,
            _ => {
                let Some(raw_lines) = self.order_lines(order_id).await? else {
                    return Ok(None);
                };
                let (lines, lines_json) = split(raw_lines);
                embed(&mut json, "products", lines_json);
                fetched_lines = lines;
                &fetched_lines
            }
        };
        let fetched_invoices;
        let invoices = match model.embedded_invoices() {
            Some(invoices) => invoices,
            None if self.options.fetch_invoices => {
                let request = self
                    .list::<Raw<Invoice>>("invoices")
                    .param("order", order_id);
                let (invoices, invoices_json) = split(
                    self.all(
                        request,
                        &format!("reading the invoices of order {order_id}"),
                    )
                    .await?,
                );
                embed(&mut json, "invoices", invoices_json);
                fetched_invoices = invoices;
                &fetched_invoices
            }
            None => &[],
        };
        map_order(&model, lines, invoices, json, &ctx).map(Some)
    }

    /// `GET invoices.json?order={id}` (all pages), the credit notes among them, each with
    /// `GET invoices/{id}/items.json`.
    async fn credit_notes_for_order(&self, order_id: &str) -> Result<Vec<CreditNote>, SyncError> {
        let Ok(id) = order_id.trim().parse::<u64>() else {
            return Ok(Vec::new());
        };
        let request = self.list::<Raw<Invoice>>("invoices").param("order", id);
        let invoices = self
            .all(request, &format!("listing the invoices of order {id}"))
            .await?;
        self.credit_notes(invoices).await
    }

    /// `GET invoices.json?updated_at_min=…&updated_at_max=…`, read completely like
    /// [`changed_orders`](OrderSource::changed_orders) (see [`crate::scan`]); the credit notes
    /// among them, each with `GET invoices/{id}/items.json`.
    async fn changed_credit_notes(
        &self,
        window: &ReadWindow,
    ) -> Result<Vec<CreditNote>, SyncError> {
        let request = self.list::<Raw<Invoice>>("invoices");
        let invoices = self
            .scan(request, window, "listing changed invoices")
            .await?;
        self.credit_notes(invoices).await
    }

    /// A custom status (`PUT orders/{id}.json` with `customStatusId`) or a metafield with the
    /// booking number (created, or updated when one with the key exists); nothing is written when
    /// the order already shows it.
    async fn write_back(
        &self,
        order: &Order,
        booking: &BookingRef,
        target: &WriteBack,
    ) -> Result<(), SyncError> {
        self.write_back_to(order, booking, target).await
    }
}
