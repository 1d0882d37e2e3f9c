//! Shipments.

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::list::ListRequest;
use crate::models::Shipment;

impl LightspeedClient {
    /// Shipments (`shipments`): list, get, count, update.
    pub fn shipments(&self) -> Handler<Shipment> {
        Handler::new(self, "shipments")
    }
}

impl ListRequest<Shipment> {
    /// Only shipments of this order (`shipments?order=`).
    pub fn order(self, order_id: u64) -> Self {
        self.param("order", order_id)
    }

    /// Only shipments of this customer (`shipments?customer=`).
    pub fn customer(self, customer_id: u64) -> Self {
        self.param("customer", customer_id)
    }
}
