//! Custom filters (`filters`), their values (`filters/{id}/values`) and a product's filter values
//! (`products/{id}/filtervalues`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::common::Link;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, opt_int};

/// A custom filter ("Colour", "Material"…).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    /// Filter id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Position.
    #[serde(default, deserialize_with = "opt_int")]
    pub position: Option<i64>,
    /// Active in the shop.
    #[serde(default)]
    pub is_active: Option<bool>,
}

/// Body to create or update a filter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// Active in the shop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

/// Body to create a filter (same shape as [`FilterUpdate`]).
pub type FilterCreate = FilterUpdate;

entity!(
    Filter,
    single: ["filter"],
    list: ["filters"],
    write: "filter",
    create: FilterCreate,
    update: FilterUpdate,
    delete: true
);

/// One value of a filter ("Red").
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterValue {
    /// Value id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Position.
    #[serde(default, deserialize_with = "opt_int")]
    pub position: Option<i64>,
}

/// Body to create or update a filter value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterValueUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// Body to create a filter value (same shape as [`FilterValueUpdate`]).
pub type FilterValueCreate = FilterValueUpdate;

entity!(
    FilterValue,
    single: ["filterValue", "filtersValue"],
    list: ["filterValues", "filtersValues"],
    write: "filterValue",
    create: FilterValueCreate,
    update: FilterValueUpdate,
    delete: true
);

/// A filter value set on a product. Live shops use the key `productFiltervalue` (lower-case v)
/// for single objects and lists; the documentation shows `productFilterValue`. Both are accepted.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductFilterValue {
    /// Id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// The filter.
    #[serde(default, deserialize_with = "false_as_none")]
    pub filter: Option<Link<Filter>>,
    /// The filter value.
    #[serde(default, rename = "filtervalue", deserialize_with = "false_as_none")]
    pub filter_value: Option<Link<FilterValue>>,
}

/// Body to set a filter value on a product (`{"productFiltervalue": {"filter", "filtervalue"}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductFilterValueCreate {
    /// Filter id.
    pub filter: u64,
    /// Filter value id.
    #[serde(rename = "filtervalue")]
    pub filter_value: u64,
}

entity!(
    ProductFilterValue,
    single: ["productFiltervalue", "productFilterValue"],
    list: [
        "productFiltervalues", "productFilterValues", "productFiltervalue", "productFilterValue"
    ],
    write: "productFiltervalue",
    create: ProductFilterValueCreate,
    delete: true
);
