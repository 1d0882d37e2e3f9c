//! Products (`products`) and option sets (`sets`).
//!
//! A product always has at least one variant; price, stock and codes live on the variants (see
//! [`Variant`]). A "simple" product is a product with only its default variant.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::attribute::{ProductAttribute, ProductType};
use super::brand::Brand;
use super::category::CategoryProduct;
use super::common::{Image, Link, Metafield, RawLink};
use super::enums::Visibility;
use super::image::ProductImage;
use super::supplier::Supplier;
use super::variant::{Variant, VariantMovement};
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, items, opt_int};

/// A product (`GET products/{id}.json`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// Product id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Visible in the shop.
    #[serde(default)]
    pub is_visible: Option<bool>,
    /// Visibility setting.
    #[serde(default, deserialize_with = "false_as_none")]
    pub visibility: Option<Visibility>,
    /// Uses a variant matrix (option set).
    #[serde(default)]
    pub has_matrix: Option<bool>,
    /// Free data field 1.
    #[serde(default, deserialize_with = "false_as_none")]
    pub data01: Option<String>,
    /// Free data field 2.
    #[serde(default, deserialize_with = "false_as_none")]
    pub data02: Option<String>,
    /// Free data field 3.
    #[serde(default, deserialize_with = "false_as_none")]
    pub data03: Option<String>,
    /// URL slug.
    #[serde(default, deserialize_with = "false_as_none")]
    pub url: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Full title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub fulltitle: Option<String>,
    /// Short description.
    #[serde(default, deserialize_with = "false_as_none")]
    pub description: Option<String>,
    /// Long description (HTML).
    #[serde(default, deserialize_with = "false_as_none")]
    pub content: Option<String>,
    /// Option set of a matrix product (inline object, `false` when none).
    #[serde(default, deserialize_with = "false_as_none")]
    pub set: Option<OptionSet>,
    /// Brand.
    #[serde(default, deserialize_with = "false_as_none")]
    pub brand: Option<Link<Brand>>,
    /// Category links (`categories/products?product=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub categories: Option<Link<Vec<CategoryProduct>>>,
    /// Delivery date setting.
    #[serde(default, deserialize_with = "false_as_none")]
    pub deliverydate: Option<RawLink>,
    /// Main image.
    #[serde(default, deserialize_with = "false_as_none")]
    pub image: Option<Image>,
    /// Images (`products/{id}/images`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub images: Option<Link<Vec<ProductImage>>>,
    /// Related products.
    #[serde(default, deserialize_with = "false_as_none")]
    pub relations: Option<RawLink>,
    /// Metafields.
    #[serde(default, deserialize_with = "false_as_none")]
    pub metafields: Option<Link<Vec<Metafield>>>,
    /// Reviews.
    #[serde(default, deserialize_with = "false_as_none")]
    pub reviews: Option<RawLink>,
    /// Specification type (`false` when none).
    #[serde(default, rename = "type", deserialize_with = "false_as_none")]
    pub product_type: Option<Link<ProductType>>,
    /// Specification values (`products/{id}/attributes`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub attributes: Option<Link<Vec<ProductAttribute>>>,
    /// Supplier (`false` when none).
    #[serde(default, deserialize_with = "false_as_none")]
    pub supplier: Option<Link<Supplier>>,
    /// Tags.
    #[serde(default, deserialize_with = "false_as_none")]
    pub tags: Option<RawLink>,
    /// Variants (`variants?product=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub variants: Option<Link<Vec<Variant>>>,
    /// Stock movements.
    #[serde(default, deserialize_with = "false_as_none")]
    pub movements: Option<Link<Vec<VariantMovement>>>,
    /// Theme template data (live shops send `{}`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub template_data_fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Body to create or update a product. Relations are numeric ids. `title` is required on create;
/// Lightspeed creates a default variant with every new product.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Full title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fulltitle: Option<String>,
    /// Short description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Long description (HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// URL slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Visible in the shop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_visible: Option<bool>,
    /// Visibility setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Free data field 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data01: Option<String>,
    /// Free data field 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data02: Option<String>,
    /// Free data field 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data03: Option<String>,
    /// Brand id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<u64>,
    /// Supplier id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier: Option<u64>,
    /// Specification type id.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub product_type: Option<u64>,
}

/// Body to create a product (same shape as [`ProductUpdate`]).
pub type ProductCreate = ProductUpdate;

entity!(
    Product,
    single: ["product"],
    list: ["products"],
    write: "product",
    create: ProductCreate,
    update: ProductUpdate,
    delete: true
);

/// An option set (`sets/{id}`, and inline as `product.set`): the axes of a variant matrix.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionSet {
    /// Set id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Name.
    #[serde(default, deserialize_with = "false_as_none")]
    pub name: Option<String>,
    /// The options (e.g. "Size").
    #[serde(default, deserialize_with = "items")]
    pub options: Vec<SetOption>,
}

entity!(OptionSet, single: ["set"], list: ["sets"], write: "set");

/// One option of an [`OptionSet`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetOption {
    /// Option id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Position.
    #[serde(default, deserialize_with = "opt_int")]
    pub sort_order: Option<i64>,
    /// Name ("Size").
    #[serde(default, deserialize_with = "false_as_none")]
    pub name: Option<String>,
    /// Values ("S", "M", "L").
    #[serde(default, deserialize_with = "items")]
    pub values: Vec<SetOptionValue>,
}

/// One value of a [`SetOption`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetOptionValue {
    /// Value id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Position.
    #[serde(default, deserialize_with = "opt_int")]
    pub sort_order: Option<i64>,
    /// Name ("M").
    #[serde(default, deserialize_with = "false_as_none")]
    pub name: Option<String>,
}
