//! Customers: full CRUD and metafields.

use super::CUSTOMER_METAFIELDS;
use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::list::ListRequest;
use crate::models::{Customer, Metafield};

impl LightspeedClient {
    /// Customers (`customers`).
    pub fn customers(&self) -> Handler<Customer> {
        Handler::new(self, "customers")
    }
}

impl Handler<Customer> {
    /// Metafields of a customer (`customers/{id}/metafields`).
    pub fn metafields(&self, customer_id: u64) -> Handler<Metafield> {
        Handler::new(&self.client, format!("customers/{customer_id}/metafields"))
            .with_keys(CUSTOMER_METAFIELDS)
    }
}

impl ListRequest<Customer> {
    /// Only customers with this e-mail address.
    pub fn email(self, email: &str) -> Self {
        self.param("email", email)
    }
}
