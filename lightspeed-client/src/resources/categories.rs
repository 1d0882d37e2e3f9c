//! Categories (CRUD) and category–product links (`categories/products`).

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::list::ListRequest;
use crate::models::{Category, CategoryProduct};

impl LightspeedClient {
    /// Categories (`categories`).
    pub fn categories(&self) -> Handler<Category> {
        Handler::new(self, "categories")
    }

    /// Category–product links (`categories/products`); same as `categories().products()`.
    pub fn category_products(&self) -> Handler<CategoryProduct> {
        Handler::new(self, "categories/products")
    }
}

impl Handler<Category> {
    /// Category–product links (`categories/products`): list (filter `.product(id)` /
    /// `.category(id)`), get, count, create, delete.
    pub fn products(&self) -> Handler<CategoryProduct> {
        self.client.category_products()
    }
}

impl ListRequest<Category> {
    /// Only the children of this category.
    pub fn parent(self, parent_id: u64) -> Self {
        self.param("parent", parent_id)
    }
}

impl ListRequest<CategoryProduct> {
    /// Only the links of this product.
    pub fn product(self, product_id: u64) -> Self {
        self.param("product", product_id)
    }

    /// Only the links of this category.
    pub fn category(self, category_id: u64) -> Self {
        self.param("category", category_id)
    }
}
