//! Orders: list/get/count/update, metafields, custom statuses, events, credit notes.
//! Orders cannot be created or deleted through the API (they come from checkouts).

use http::Method;

use super::ORDER_METAFIELDS;
use crate::client::LightspeedClient;
use crate::error::Result;
use crate::execute::Body;
use crate::handler::Handler;
use crate::list::ListRequest;
use crate::models::{
    Credit, CustomStatus, Metafield, Order, OrderEvent, OrderStatus, PaymentStatus, ShipmentStatus,
};

impl LightspeedClient {
    /// Orders (`orders`).
    ///
    /// ```no_run
    /// # async fn run(client: lightspeed_client::LightspeedClient) -> lightspeed_client::Result<()> {
    /// use futures::TryStreamExt;
    /// use lightspeed_client::models::PaymentStatus;
    ///
    /// let since = chrono::Utc::now() - chrono::Duration::hours(1);
    /// let mut orders = client
    ///     .orders()
    ///     .list()
    ///     .updated_at_min(since)
    ///     .payment_status(PaymentStatus::Paid)
    ///     .stream();
    /// while let Some(order) = orders.try_next().await? {
    ///     println!("{:?} {:?}", order.number, order.price_incl);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn orders(&self) -> Handler<Order> {
        Handler::new(self, "orders")
    }
}

impl Handler<Order> {
    /// Metafields of an order (`orders/{id}/metafields`).
    pub fn metafields(&self, order_id: u64) -> Handler<Metafield> {
        Handler::new(&self.client, format!("orders/{order_id}/metafields"))
            .with_keys(ORDER_METAFIELDS)
    }

    /// The shop's custom order statuses (`orders/customstatuses`).
    pub fn custom_statuses(&self) -> Handler<CustomStatus> {
        Handler::new(&self.client, "orders/customstatuses")
    }

    /// Order events, the status history (`orders/events`; filter with `.order(id)`).
    pub fn events(&self) -> Handler<OrderEvent> {
        Handler::new(&self.client, "orders/events")
    }

    /// Credits (part of) an order: `POST orders/{id}/credit.json` with `{"credit": {...}}`.
    ///
    /// Returns the response body as JSON: its shape is not documented. Not retried once it may
    /// have reached the server.
    pub async fn credit(&self, order_id: u64, credit: &Credit) -> Result<serde_json::Value> {
        let body = Body::envelope("credit", credit)?;
        self.client
            .call_json(
                Method::POST,
                &format!("orders/{order_id}/credit"),
                &[],
                body,
            )
            .await
    }
}

impl ListRequest<Order> {
    /// Only orders with this status.
    pub fn status(self, status: OrderStatus) -> Self {
        self.param("status", status)
    }

    /// Only orders with this payment status.
    pub fn payment_status(self, status: PaymentStatus) -> Self {
        self.param("paymentStatus", status)
    }

    /// Only orders with this shipment status.
    pub fn shipment_status(self, status: ShipmentStatus) -> Self {
        self.param("shipmentStatus", status)
    }

    /// Only the order with this number (`ORD00018`).
    pub fn number(self, number: &str) -> Self {
        self.param("number", number)
    }

    /// Only orders of this customer (`orders?customer=`).
    pub fn customer(self, customer_id: u64) -> Self {
        self.param("customer", customer_id)
    }

    /// Only orders with this e-mail address.
    pub fn email(self, email: &str) -> Self {
        self.param("email", email)
    }
}

impl ListRequest<OrderEvent> {
    /// Events of this order.
    pub fn order(self, order_id: u64) -> Self {
        self.param("order", order_id)
    }

    /// Events of this invoice.
    pub fn invoice(self, invoice_id: u64) -> Self {
        self.param("invoice", invoice_id)
    }

    /// Events of this shipment.
    pub fn shipment(self, shipment_id: u64) -> Self {
        self.param("shipment", shipment_id)
    }
}
