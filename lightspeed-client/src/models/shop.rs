//! The shop (`shop.json`) and the API account (`account.json`, `account/ratelimit.json`,
//! `account/permissions.json`).

use std::fmt;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::common::{Country, Link, Metafield, RawLink, ShopId};
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, opt_decimal, opt_int};

/// The shop (`GET shop.json`). Its id identifies the shop in webhooks (`X-Shop-Id`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shop {
    /// Shop id (a number on live shops, a string in the documentation).
    pub id: ShopId,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Status (`live`, `test`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub status: Option<String>,
    /// Business-to-business shop.
    #[serde(default)]
    pub is_b2b: Option<bool>,
    /// Retail shop.
    #[serde(default)]
    pub is_retail: Option<bool>,
    /// Sub-domain.
    #[serde(default, deserialize_with = "false_as_none")]
    pub sub_domain: Option<String>,
    /// Main domain.
    #[serde(default, deserialize_with = "false_as_none")]
    pub main_domain: Option<String>,
    /// E-mail address.
    #[serde(default, deserialize_with = "false_as_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, deserialize_with = "false_as_none")]
    pub phone: Option<String>,
    /// Fax.
    #[serde(default, deserialize_with = "false_as_none")]
    pub fax: Option<String>,
    /// Street.
    #[serde(default, deserialize_with = "false_as_none")]
    pub street: Option<String>,
    /// Street, second line.
    #[serde(default, deserialize_with = "false_as_none")]
    pub street2: Option<String>,
    /// Postal code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub zipcode: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "false_as_none")]
    pub city: Option<String>,
    /// Region.
    #[serde(default, deserialize_with = "false_as_none")]
    pub region: Option<String>,
    /// Country.
    #[serde(default, deserialize_with = "false_as_none")]
    pub country: Option<Country>,
    /// VAT number.
    #[serde(default, deserialize_with = "false_as_none")]
    pub vat_number: Option<String>,
    /// Chamber of commerce number.
    #[serde(default, deserialize_with = "false_as_none")]
    pub coc_number: Option<String>,
    /// Industry.
    #[serde(default, deserialize_with = "false_as_none")]
    pub industry: Option<String>,
    /// The shop's currency; order amounts are in this currency.
    #[serde(default, deserialize_with = "false_as_none")]
    pub currency: Option<Currency>,
    /// Company details.
    #[serde(default, deserialize_with = "false_as_none")]
    pub company: Option<RawLink>,
    /// Plan limits.
    #[serde(default, deserialize_with = "false_as_none")]
    pub limits: Option<RawLink>,
    /// Custom JavaScript.
    #[serde(default, deserialize_with = "false_as_none")]
    pub javascript: Option<RawLink>,
    /// Website settings.
    #[serde(default, deserialize_with = "false_as_none")]
    pub website: Option<RawLink>,
    /// Shop scripts.
    #[serde(default, deserialize_with = "false_as_none")]
    pub scripts: Option<RawLink>,
    /// Metafields.
    #[serde(default, deserialize_with = "false_as_none")]
    pub metafields: Option<Link<Vec<Metafield>>>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

entity!(Shop, single: ["shop"], list: ["shops"], write: "shop", id: |s: &Shop| s.id.as_u64());

/// A currency (`shop.currency`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Currency {
    /// ISO 4217 code (`EUR`).
    #[serde(deserialize_with = "false_as_none")]
    pub shortcode: Option<String>,
    /// Symbol (`€`).
    #[serde(deserialize_with = "false_as_none")]
    pub symbol: Option<String>,
    /// Name.
    #[serde(deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// The shop's default currency.
    pub is_default: Option<bool>,
    /// Exchange rate (sent as a string).
    #[serde(with = "opt_decimal")]
    pub currency_rate: Option<Decimal>,
}

/// The API account behind the key (`GET account.json`).
#[derive(Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Account id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// App id for app-store keys; `None` for private keys (the API sends `false`).
    #[serde(default, deserialize_with = "opt_int")]
    pub app_id: Option<u64>,
    /// The API key. Kept secret: never printed by `Debug` and never serialised.
    #[serde(default, skip_serializing)]
    pub api_key: Option<SecretString>,
    /// Sign-out.
    #[serde(default, deserialize_with = "false_as_none")]
    pub signout: Option<RawLink>,
    /// Permissions (`account/permissions`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub permissions: Option<Link<AccountPermissions>>,
    /// Rate limits (`account/ratelimit`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub ratelimit: Option<Link<AccountRatelimit>>,
    /// Metafields.
    #[serde(default, deserialize_with = "false_as_none")]
    pub metafields: Option<Link<Vec<Metafield>>>,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("app_id", &self.app_id)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

entity!(Account, single: ["account"], list: ["accounts"], write: "account");

/// Read/write permission of one scope. A flag the API did not send (or sent as `null`) is
/// `None`: not known to be granted, and not known to be refused either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Permission {
    /// May read.
    pub read: Option<bool>,
    /// May write.
    pub write: Option<bool>,
}

/// What the API key may do (`GET account/permissions.json`). A scope the API did not send (or
/// sent as `false`, `null`, `""` or `[]`) is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AccountPermissions {
    /// Content.
    #[serde(deserialize_with = "false_as_none")]
    pub content: Option<Permission>,
    /// Products, variants, categories…
    #[serde(deserialize_with = "false_as_none")]
    pub products: Option<Permission>,
    /// Customers.
    #[serde(deserialize_with = "false_as_none")]
    pub customers: Option<Permission>,
    /// Orders, invoices, shipments.
    #[serde(deserialize_with = "false_as_none")]
    pub orders: Option<Permission>,
    /// Settings (taxes, webhooks…).
    #[serde(deserialize_with = "false_as_none")]
    pub settings: Option<Permission>,
    /// Tracking.
    #[serde(deserialize_with = "false_as_none")]
    pub tracking: Option<Permission>,
}

impl AccountPermissions {
    /// The permission of a scope by its wire name (`orders`, `products`, `customers`,
    /// `content`, `settings`, `tracking`); `None` for an unknown name or a scope not sent.
    pub fn scope(&self, name: &str) -> Option<Permission> {
        match name {
            "content" => self.content,
            "products" => self.products,
            "customers" => self.customers,
            "orders" => self.orders,
            "settings" => self.settings,
            "tracking" => self.tracking,
            _ => None,
        }
    }

    /// Whether the API stated that `access` (`read` or `write`) is granted on `scope`; `false`
    /// when it said no *and* when it did not say.
    pub fn grants(&self, scope: &str, access: &str) -> bool {
        let permission = self.scope(scope);
        let flag = match access {
            "read" => permission.and_then(|p| p.read),
            "write" => permission.and_then(|p| p.write),
            _ => None,
        };
        flag == Some(true)
    }
}

entity!(
    AccountPermissions,
    single: ["accountPermissions"],
    list: ["accountPermissions"],
    write: "accountPermissions",
    id: |_: &AccountPermissions| None
);

/// One window of [`AccountRatelimit`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RatelimitWindowInfo {
    /// Requests allowed in the window.
    #[serde(deserialize_with = "opt_int")]
    pub limit: Option<u64>,
    /// Requests left.
    #[serde(deserialize_with = "opt_int")]
    pub remaining: Option<i64>,
    /// Seconds until the window resets.
    #[serde(deserialize_with = "opt_int")]
    pub reset: Option<u64>,
    /// When the window resets.
    #[serde(deserialize_with = "false_as_none")]
    pub reset_time: Option<DateTime<FixedOffset>>,
}

/// The key's rate limits (`GET account/ratelimit.json`). The call itself probably counts
/// against the quota; the client reads the same numbers from every response's headers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccountRatelimit {
    /// The 5-minute window (`None` when not sent, or sent as `false`/`null`/`""`/`[]`).
    #[serde(rename = "limit5Min", deserialize_with = "false_as_none")]
    pub limit_5_min: Option<RatelimitWindowInfo>,
    /// The hourly window.
    #[serde(deserialize_with = "false_as_none")]
    pub limit_hour: Option<RatelimitWindowInfo>,
    /// The daily window.
    #[serde(deserialize_with = "false_as_none")]
    pub limit_day: Option<RatelimitWindowInfo>,
}

entity!(
    AccountRatelimit,
    single: ["accountRatelimit"],
    list: ["accountRatelimit"],
    write: "accountRatelimit",
    id: |_: &AccountRatelimit| None
);
