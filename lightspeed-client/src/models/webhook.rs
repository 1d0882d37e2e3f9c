//! Webhook subscriptions (`webhooks`). For receiving deliveries see [`crate::webhook`].

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::common::Language;
use super::enums::{WebhookFormat, WebhookItemAction, WebhookItemGroup};
use crate::entity::entity;
use crate::serde_util::{false_as_none, int};

/// A webhook subscription.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// Webhook id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Which resources (`orders`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub item_group: Option<WebhookItemGroup>,
    /// Which actions (`*`, `created`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub item_action: Option<WebhookItemAction>,
    /// Payload language.
    #[serde(default, deserialize_with = "false_as_none")]
    pub language: Option<Language>,
    /// Payload format.
    #[serde(default, deserialize_with = "false_as_none")]
    pub format: Option<WebhookFormat>,
    /// Delivery URL.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address: Option<String>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Body to create or update a webhook. The URL field is `address` (the API has no `url`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookUpdate {
    /// Active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// Which resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_group: Option<WebhookItemGroup>,
    /// Which actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_action: Option<WebhookItemAction>,
    /// Payload language as a two-letter code (`"nl"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Payload format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<WebhookFormat>,
    /// Delivery URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Body to create a webhook (same shape as [`WebhookUpdate`]).
pub type WebhookCreate = WebhookUpdate;

entity!(
    Webhook,
    single: ["webhook"],
    list: ["webhooks"],
    write: "webhook",
    create: WebhookCreate,
    update: WebhookUpdate,
    delete: true
);
