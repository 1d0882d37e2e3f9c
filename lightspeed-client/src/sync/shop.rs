//! [`LightspeedShop`]: the connector value, and the shop facts it reads once.

use std::fmt;
use std::sync::Arc;

use sync_core::domain::Currency;
use sync_core::error::SyncError;
use tokio::sync::OnceCell;

use super::errors::{Operation, map_error};
use super::options::ShopOptions;
use super::order_map::MapContext;
use crate::client::LightspeedClient;

/// A Lightspeed eCom shop as sync-core's [`OrderSource`](sync_core::traits::OrderSource).
///
/// Listing changed orders returns summaries without lines (one request for fewer than 250 orders,
/// about one per 200 plus counts for more; see [`crate::scan`]); the flow fetches the complete
/// order only for the ones it books (see
/// [`OrderSource::changed_orders`](sync_core::traits::OrderSource::changed_orders) on this type).
///
/// Cheap to clone: clones share the client (connection pool, rate limiter, statistics) and the
/// cached shop facts. The shop id and currency come from [`ShopOptions`], or from one
/// `GET shop.json` on first use, cached for the life of the value.
#[derive(Clone)]
pub struct LightspeedShop {
    pub(crate) client: LightspeedClient,
    pub(crate) options: Arc<ShopOptions>,
    configured_currency: Option<Currency>,
    context: Arc<OnceCell<MapContext>>,
}

impl fmt::Debug for LightspeedShop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The client's own Debug redacts the key and secret.
        f.debug_struct("LightspeedShop")
            .field("client", &self.client)
            .field("options", &self.options)
            .field("shop", &self.context.get())
            .finish()
    }
}

/// The API-key permission scope that `shop.json` needs (inferred: the shop's settings).
const SHOP_SCOPE: &str = "settings";

impl LightspeedShop {
    /// The client's request counters as sync-core's API usage (clones share them, so the order source
    /// and the stock target report the same figures).
    pub(crate) fn usage(&self) -> sync_core::report::ApiStats {
        self.client.stats().into()
    }
}

impl LightspeedShop {
    /// A connector for the shop behind `client`.
    ///
    /// # Errors
    ///
    /// A fatal configuration error when the options are invalid (see [`ShopOptions::validate`]).
    pub fn new(client: LightspeedClient, options: ShopOptions) -> Result<Self, SyncError> {
        let configured_currency = options.validate()?;
        let context = Arc::new(OnceCell::new());
        if let (Some(shop_id), Some(currency)) = (&options.shop_id, configured_currency) {
            // Fully configured: never ask the shop.
            let _ = context.set(MapContext::new(Some(shop_id.trim().to_owned()), currency));
        }
        Ok(Self {
            client,
            options: Arc::new(options),
            configured_currency,
            context,
        })
    }

    /// The client underneath.
    pub fn client(&self) -> &LightspeedClient {
        &self.client
    }

    /// The options.
    pub fn options(&self) -> &ShopOptions {
        &self.options
    }

    /// The shop id and currency the mapping stamps on orders: from the options, else from one
    /// `GET shop.json` (cached; a failed read is retried on the next call).
    ///
    /// # Errors
    ///
    /// The mapped client error when `shop.json` is needed and cannot be read.
    pub async fn context(&self) -> Result<MapContext, SyncError> {
        self.context
            .get_or_try_init(|| async {
                let shop =
                    self.client.shop().get().await.map_err(|e| {
                        map_error(e, Operation::Read, SHOP_SCOPE, "reading shop.json")
                    })?;
                let shop_id = self.options.shop_id.as_deref().map_or_else(
                    || shop.id.as_str().trim().to_owned(),
                    |s| s.trim().to_owned(),
                );
                let currency = self.configured_currency.unwrap_or_else(|| {
                    let code = shop.currency.as_ref().and_then(|c| c.shortcode.as_deref());
                    code.and_then(|c| Currency::parse(c).ok())
                        .unwrap_or_else(|| {
                            tracing::warn!(
                                currency = code,
                                "the shop states no usable currency; amounts are taken as EUR"
                            );
                            Currency::EUR
                        })
                });
                tracing::debug!(shop_id, %currency, "read the shop's id and currency");
                Ok(MapContext::new(Some(shop_id), currency))
            })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Cluster;

    fn client() -> LightspeedClient {
        LightspeedClient::builder()
            .cluster(Cluster::Eu1)
            .language("nl")
            .credentials("key-0123", "secret-4567")
            .build()
            .unwrap()
    }

    #[test]
    fn the_shop_is_shareable_and_usable_as_a_trait_object() {
        fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
        assert_shareable::<LightspeedShop>();
        let _: std::sync::Arc<dyn sync_core::traits::OrderSource> =
            std::sync::Arc::new(LightspeedShop::new(client(), ShopOptions::default()).unwrap());
    }

    #[tokio::test]
    async fn fully_configured_shops_never_ask_and_debug_redacts() {
        let options = ShopOptions {
            shop_id: Some(" 356891 ".into()),
            currency: Some("eur".into()),
            ..ShopOptions::default()
        };
        let shop = LightspeedShop::new(client(), options).unwrap();
        // No server behind this client: the context must come from the options.
        let ctx = shop.context().await.unwrap();
        assert_eq!(ctx, MapContext::new(Some("356891".into()), Currency::EUR));
        let text = format!("{shop:?}");
        assert!(
            !text.contains("key-0123") && !text.contains("secret-4567"),
            "{text}"
        );
        assert!(text.contains("356891"));
        let bad = ShopOptions {
            page_size: 0,
            ..ShopOptions::default()
        };
        assert!(LightspeedShop::new(client(), bad).unwrap_err().stops_run());
    }
}
