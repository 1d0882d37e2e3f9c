//! Suppliers (`suppliers`). Several fields of this resource are snake_case on the wire
//! (`attention_of`, `zip_code`, `country_id`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::common::Country;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int};

/// A supplier.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Supplier {
    /// Supplier id.
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
    pub title: Option<String>,
    /// Contact person.
    #[serde(default, rename = "attention_of", deserialize_with = "false_as_none")]
    pub attention_of: Option<String>,
    /// Street.
    #[serde(default, deserialize_with = "false_as_none")]
    pub street: Option<String>,
    /// Street, second line.
    #[serde(default, deserialize_with = "false_as_none")]
    pub street2: Option<String>,
    /// House number.
    #[serde(default, deserialize_with = "false_as_none")]
    pub number: Option<String>,
    /// House number extension.
    #[serde(default, deserialize_with = "false_as_none")]
    pub extension: Option<String>,
    /// Postal code.
    #[serde(default, rename = "zip_code", deserialize_with = "false_as_none")]
    pub zip_code: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "false_as_none")]
    pub city: Option<String>,
    /// Region.
    #[serde(default, deserialize_with = "false_as_none")]
    pub region: Option<String>,
    /// Country (the wire name is `country_id`, but it holds a country object).
    #[serde(default, rename = "country_id", deserialize_with = "false_as_none")]
    pub country: Option<Country>,
}

/// Body to create or update a supplier. The country is not writable here: its write format is
/// not documented.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierUpdate {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Contact person.
    #[serde(rename = "attention_of", skip_serializing_if = "Option::is_none")]
    pub attention_of: Option<String>,
    /// Street.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Street, second line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    /// House number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// House number extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// Postal code.
    #[serde(rename = "zip_code", skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// Body to create a supplier (same shape as [`SupplierUpdate`]).
pub type SupplierCreate = SupplierUpdate;

entity!(
    Supplier,
    single: ["supplier"],
    list: ["suppliers"],
    write: "supplier",
    create: SupplierCreate,
    update: SupplierUpdate,
    delete: true
);
