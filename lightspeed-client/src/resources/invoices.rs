//! Invoices, their items and metafields.

use super::INVOICE_METAFIELDS;
use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::list::ListRequest;
use crate::models::{Invoice, InvoiceItem, Metafield};

impl LightspeedClient {
    /// Invoices (`invoices`): list, get, count, update.
    pub fn invoices(&self) -> Handler<Invoice> {
        Handler::new(self, "invoices")
    }
}

impl Handler<Invoice> {
    /// The lines of an invoice (`invoices/{id}/items`).
    pub fn items(&self, invoice_id: u64) -> Handler<InvoiceItem> {
        Handler::new(&self.client, format!("invoices/{invoice_id}/items"))
    }

    /// Metafields of an invoice (`invoices/{id}/metafields`).
    pub fn metafields(&self, invoice_id: u64) -> Handler<Metafield> {
        Handler::new(&self.client, format!("invoices/{invoice_id}/metafields"))
            .with_keys(INVOICE_METAFIELDS)
    }
}

impl ListRequest<Invoice> {
    /// Only invoices of this order (`invoices?order=`).
    pub fn order(self, order_id: u64) -> Self {
        self.param("order", order_id)
    }

    /// Only invoices of this customer (`invoices?customer=`).
    pub fn customer(self, customer_id: u64) -> Self {
        self.param("customer", customer_id)
    }
}
