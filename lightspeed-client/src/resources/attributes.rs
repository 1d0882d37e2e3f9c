//! Specifications: types, attributes, type–attribute links and a product's attribute values.

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::list::ListRequest;
use crate::models::{Attribute, Product, ProductAttribute, ProductType, TypesAttribute};

impl LightspeedClient {
    /// Specification types (`types`).
    pub fn types(&self) -> Handler<ProductType> {
        Handler::new(self, "types")
    }

    /// Specification attributes (`attributes`).
    pub fn attributes(&self) -> Handler<Attribute> {
        Handler::new(self, "attributes")
    }

    /// Links between types and attributes (`types/attributes`).
    pub fn types_attributes(&self) -> Handler<TypesAttribute> {
        Handler::new(self, "types/attributes")
    }
}

impl Handler<Product> {
    /// A product's attribute values (`products/{id}/attributes`): list, get, count, `update`
    /// (`PUT products/{id}/attributes/{attributeId}`), delete. There is no create (405).
    pub fn attributes(&self, product_id: u64) -> Handler<ProductAttribute> {
        Handler::new(&self.client, format!("products/{product_id}/attributes"))
    }
}

impl ListRequest<TypesAttribute> {
    /// Only the links of this type.
    pub fn product_type(self, type_id: u64) -> Self {
        self.param("type", type_id)
    }

    /// Only the links of this attribute.
    pub fn attribute(self, attribute_id: u64) -> Self {
        self.param("attribute", attribute_id)
    }
}
