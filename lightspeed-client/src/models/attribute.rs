//! Specifications: types (`types`), attributes (`attributes`), the links between them
//! (`types/attributes`) and a product's values (`products/{id}/attributes`).
//!
//! The product's type decides which attributes it has; values are written with `PUT` only (the
//! API answers `POST` with 405).

use serde::{Deserialize, Serialize};

use super::common::Link;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, opt_int};

/// A specification type, a named group of attributes (`{"type": {...}}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductType {
    /// Type id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// The attributes of this type (`types/attributes?type=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub attributes: Option<Link<Vec<TypesAttribute>>>,
}

/// Body to create or update a specification type.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductTypeUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Body to create a specification type (same shape as [`ProductTypeUpdate`]).
pub type ProductTypeCreate = ProductTypeUpdate;

entity!(
    ProductType,
    single: ["type"],
    list: ["types"],
    write: "type",
    create: ProductTypeCreate,
    update: ProductTypeUpdate,
    delete: true
);

/// A specification attribute ("Made in", "Delivery time"…).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    /// Attribute id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Default value.
    #[serde(default, deserialize_with = "false_as_none")]
    pub default_value: Option<String>,
    /// The types using this attribute.
    #[serde(default, deserialize_with = "false_as_none")]
    pub types: Option<Link<Vec<TypesAttribute>>>,
}

/// Body to create or update an attribute.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Default value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
}

/// Body to create an attribute (same shape as [`AttributeUpdate`]).
pub type AttributeCreate = AttributeUpdate;

entity!(
    Attribute,
    single: ["attribute"],
    list: ["attributes"],
    write: "attribute",
    create: AttributeCreate,
    update: AttributeUpdate,
    delete: true
);

/// The link of an attribute to a type (`{"typesAttribute": {...}}`; the create response uses the
/// plural key `typesAttributes`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypesAttribute {
    /// Link id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Position (`null` on live shops).
    #[serde(default, deserialize_with = "opt_int")]
    pub sort_order: Option<i64>,
    /// The type.
    #[serde(default, rename = "type", deserialize_with = "false_as_none")]
    pub product_type: Option<Link<ProductType>>,
    /// The attribute.
    #[serde(default, deserialize_with = "false_as_none")]
    pub attribute: Option<Link<Attribute>>,
}

/// Body to link an attribute to a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypesAttributeCreate {
    /// Type id.
    #[serde(rename = "type")]
    pub product_type: u64,
    /// Attribute id.
    pub attribute: u64,
    /// Position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i64>,
}

entity!(
    TypesAttribute,
    single: ["typesAttribute", "typesAttributes"],
    list: ["typesAttributes"],
    write: "typesAttribute",
    create: TypesAttributeCreate,
    delete: true
);

/// A product's value for one attribute (`{"productAttribute": {...}}`). The attribute is inline,
/// not a link.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductAttribute {
    /// The attribute id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// The value for this product.
    #[serde(default, deserialize_with = "false_as_none")]
    pub value: Option<String>,
    /// The attribute.
    #[serde(default, deserialize_with = "false_as_none")]
    pub attribute: Option<Attribute>,
}

/// Body of `PUT products/{id}/attributes/{attributeId}.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductAttributeUpdate {
    /// The value.
    pub value: String,
}

entity!(
    ProductAttribute,
    single: ["productAttribute", "productsAttribute"],
    list: ["productAttributes", "productsAttributes"],
    write: "productAttribute",
    update: ProductAttributeUpdate,
    delete: true
);
