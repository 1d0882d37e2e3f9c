//! Brands.

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::models::Brand;

impl LightspeedClient {
    /// Brands (`brands`).
    pub fn brands(&self) -> Handler<Brand> {
        Handler::new(self, "brands")
    }
}
