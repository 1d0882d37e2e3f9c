//! Categories (`categories`) and category–product links (`categories/products`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::common::{Image, Link};
use super::product::Product;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, items, opt_int};

/// A category (`GET categories/{id}.json`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    /// Category id.
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
    /// Depth in the tree (1 = top level).
    #[serde(default, deserialize_with = "opt_int")]
    pub depth: Option<u32>,
    /// Ids from this category up to the root, as strings (self first).
    #[serde(default, deserialize_with = "items")]
    pub path: Vec<String>,
    /// Kind (`category`).
    #[serde(default, rename = "type", deserialize_with = "false_as_none")]
    pub category_type: Option<String>,
    /// Position among siblings.
    #[serde(default, deserialize_with = "opt_int")]
    pub sort_order: Option<i64>,
    /// Product sorting (`popular`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub sorting: Option<String>,
    /// URL path.
    #[serde(default, deserialize_with = "false_as_none")]
    pub url: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Full title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub fulltitle: Option<String>,
    /// Description.
    #[serde(default, deserialize_with = "false_as_none")]
    pub description: Option<String>,
    /// Content (HTML).
    #[serde(default, deserialize_with = "false_as_none")]
    pub content: Option<String>,
    /// Image.
    #[serde(default, deserialize_with = "false_as_none")]
    pub image: Option<Image>,
    /// Parent category (`false` at the top level).
    #[serde(default, deserialize_with = "false_as_none")]
    pub parent: Option<Link<Category>>,
    /// Child categories (`categories?parent=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub children: Option<Link<Vec<Category>>>,
    /// Product links (`categories/products?category=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub products: Option<Link<Vec<CategoryProduct>>>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Category {
    /// `path` as numbers (entries that are not numeric are skipped).
    pub fn path_ids(&self) -> Vec<u64> {
        self.path.iter().filter_map(|s| s.parse().ok()).collect()
    }

    /// The parent category id.
    pub fn parent_id(&self) -> Option<u64> {
        self.parent.as_ref().and_then(|l| l.id)
    }
}

/// Body to create or update a category.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryUpdate {
    /// Title (required on create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Full title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fulltitle: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Content (HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// URL slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Visible in the shop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_visible: Option<bool>,
    /// Parent category id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<u64>,
    /// Position among siblings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i64>,
    /// Product sorting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sorting: Option<String>,
}

/// Body to create a category (same shape as [`CategoryUpdate`]).
pub type CategoryCreate = CategoryUpdate;

entity!(
    Category,
    single: ["category"],
    list: ["categories"],
    write: "category",
    create: CategoryCreate,
    update: CategoryUpdate,
    delete: true
);

/// A category–product link (`{"categoriesProduct": {...}}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryProduct {
    /// Link id (used to delete it).
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Position of the product in the category.
    #[serde(default, deserialize_with = "opt_int")]
    pub sort_order: Option<i64>,
    /// The category.
    #[serde(default, deserialize_with = "false_as_none")]
    pub category: Option<Link<Category>>,
    /// The product.
    #[serde(default, deserialize_with = "false_as_none")]
    pub product: Option<Link<Product>>,
}

impl CategoryProduct {
    /// The category id.
    pub fn category_id(&self) -> Option<u64> {
        self.category.as_ref().and_then(|l| l.id)
    }

    /// The product id.
    pub fn product_id(&self) -> Option<u64> {
        self.product.as_ref().and_then(|l| l.id)
    }
}

/// Body to link a product to a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryProductCreate {
    /// Category id.
    pub category: u64,
    /// Product id.
    pub product: u64,
    /// Position of the product in the category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i64>,
}

entity!(
    CategoryProduct,
    single: ["categoriesProduct", "categoryProduct"],
    list: ["categoriesProducts", "categoryProducts"],
    write: "categoriesProduct",
    create: CategoryProductCreate,
    delete: true
);
