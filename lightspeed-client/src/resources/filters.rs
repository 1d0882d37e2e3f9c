//! Custom filters, filter values and a product's filter values.

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::models::{Filter, FilterValue, Product, ProductFilterValue};

impl LightspeedClient {
    /// Custom filters (`filters`).
    pub fn filters(&self) -> Handler<Filter> {
        Handler::new(self, "filters")
    }
}

impl Handler<Filter> {
    /// The values of a filter (`filters/{id}/values`).
    pub fn values(&self, filter_id: u64) -> Handler<FilterValue> {
        Handler::new(&self.client, format!("filters/{filter_id}/values"))
    }
}

impl Handler<Product> {
    /// A product's filter values (`products/{id}/filtervalues`): list, count, create, delete.
    pub fn filter_values(&self, product_id: u64) -> Handler<ProductFilterValue> {
        Handler::new(&self.client, format!("products/{product_id}/filtervalues"))
    }
}
