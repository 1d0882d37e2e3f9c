//! Products: full CRUD, metafields and option sets.

use super::PRODUCT_METAFIELDS;
use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::list::ListRequest;
use crate::models::{Metafield, OptionSet, Product};

impl LightspeedClient {
    /// Products (`products`). Price and stock live on [`variants`](Self::variants).
    pub fn products(&self) -> Handler<Product> {
        Handler::new(self, "products")
    }

    /// Option sets of matrix products (`sets`).
    pub fn option_sets(&self) -> Handler<OptionSet> {
        Handler::new(self, "sets")
    }
}

impl Handler<Product> {
    /// Metafields of a product (`products/{id}/metafields`).
    pub fn metafields(&self, product_id: u64) -> Handler<Metafield> {
        Handler::new(&self.client, format!("products/{product_id}/metafields"))
            .with_keys(PRODUCT_METAFIELDS)
    }
}

impl ListRequest<Product> {
    /// Only products of this brand (`products?brand=`).
    pub fn brand(self, brand_id: u64) -> Self {
        self.param("brand", brand_id)
    }
}
