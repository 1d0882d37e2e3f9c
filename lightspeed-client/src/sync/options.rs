//! [`ShopOptions`]: what the connector needs to know about the shop besides the client.

use serde::{Deserialize, Serialize};
use sync_core::domain::Currency;
use sync_core::error::SyncError;

use crate::list::MAX_LIMIT;

/// Settings of a [`LightspeedShop`](super::LightspeedShop). Every field has a default, so `{}` (or
/// an empty TOML table) is a complete configuration.
///
/// ```
/// use lightspeed_client::sync::ShopOptions;
/// let options: ShopOptions = serde_json::from_str(r#"{"shop_id": "356891", "currency": "EUR"}"#)?;
/// assert_eq!(options.page_size, 250);
/// assert!(serde_json::from_str::<ShopOptions>(r#"{"shopid": "1"}"#).is_err(), "typos are refused");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShopOptions {
    /// The shop id stamped on bookings (`LS-{shop_id}-{number}`). When absent it is read once from
    /// `GET shop.json` and cached for the life of the connector.
    pub shop_id: Option<String>,
    /// The ISO 4217 currency of order amounts (Lightspeed orders carry none). When absent: the
    /// shop's currency from `GET shop.json` (read once, shared with `shop_id`), else `EUR`.
    pub currency: Option<String>,
    /// Items per list request, 1–250 (default 250, the API's maximum: the fewest requests).
    pub page_size: u32,
    /// When `GET orders/{id}.json` does not embed the order's invoices, fetch them with one more
    /// request (`invoices?order={id}`) so the booking carries the Lightspeed invoice number and
    /// date. Off by default: sales orders (SO1) do not use the invoice, so the request is only
    /// worth it when booking sales-journal invoices (DJ2). Embedded invoices are always used.
    pub fetch_invoices: bool,
}

impl Default for ShopOptions {
    fn default() -> Self {
        Self {
            shop_id: None,
            currency: None,
            page_size: MAX_LIMIT,
            fetch_invoices: false,
        }
    }
}

impl ShopOptions {
    /// Checks the options; returns the configured currency, parsed.
    ///
    /// # Errors
    ///
    /// A fatal configuration error for a blank shop id, a currency that is not three letters, or
    /// a page size outside 1–250.
    pub fn validate(&self) -> Result<Option<Currency>, SyncError> {
        if self.shop_id.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(SyncError::config(
                "the shop option `shop_id` must not be blank (leave it out to read it from the shop)",
            ));
        }
        if !(1..=MAX_LIMIT).contains(&self.page_size) {
            return Err(SyncError::config(format!(
                "the shop option `page_size` must be between 1 and {MAX_LIMIT}, got {}",
                self.page_size
            )));
        }
        self.currency
            .as_deref()
            .map(|c| {
                Currency::parse(c)
                    .map_err(|e| SyncError::config(format!("the shop option `currency`: {e}")))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_validation() {
        let options = ShopOptions::default();
        assert_eq!(options.page_size, 250);
        assert!(!options.fetch_invoices);
        assert_eq!(options.validate().unwrap(), None);

        let eur = ShopOptions {
            currency: Some(" eur ".into()),
            ..ShopOptions::default()
        };
        assert_eq!(eur.validate().unwrap(), Some(Currency::EUR));

        for bad in [
            ShopOptions {
                shop_id: Some("  ".into()),
                ..ShopOptions::default()
            },
            ShopOptions {
                currency: Some("euro".into()),
                ..ShopOptions::default()
            },
            ShopOptions {
                page_size: 0,
                ..ShopOptions::default()
            },
            ShopOptions {
                page_size: 251,
                ..ShopOptions::default()
            },
        ] {
            let err = bad.validate().unwrap_err();
            assert!(err.stops_run(), "{err}");
        }
    }

    #[test]
    fn serde_fills_defaults_and_refuses_unknown_fields() {
        let options: ShopOptions = serde_json::from_str("{}").unwrap();
        assert_eq!(options, ShopOptions::default());
        assert!(serde_json::from_str::<ShopOptions>(r#"{"page_size": 50, "x": 1}"#).is_err());
    }
}
