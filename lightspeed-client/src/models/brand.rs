//! Brands (`brands`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::common::{Image, Link};
use super::product::Product;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int};

/// A brand.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Brand {
    /// Brand id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// URL slug.
    #[serde(default, deserialize_with = "false_as_none")]
    pub url: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Content (HTML; `false` when empty).
    #[serde(default, deserialize_with = "false_as_none")]
    pub content: Option<String>,
    /// Logo.
    #[serde(default, deserialize_with = "false_as_none")]
    pub image: Option<Image>,
    /// Products of this brand (`products?brand=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub products: Option<Link<Vec<Product>>>,
    /// Visible in the shop.
    #[serde(default)]
    pub is_visible: Option<bool>,
}

/// Body to create or update a brand.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Content (HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// URL slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Visible in the shop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_visible: Option<bool>,
}

/// Body to create a brand (same shape as [`BrandUpdate`]).
pub type BrandCreate = BrandUpdate;

entity!(
    Brand,
    single: ["brand"],
    list: ["brands"],
    write: "brand",
    create: BrandCreate,
    update: BrandUpdate,
    delete: true
);
