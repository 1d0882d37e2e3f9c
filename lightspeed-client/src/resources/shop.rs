//! The shop and the API account: singletons, so they have their own small handlers.

use http::Method;

use super::SHOP_METAFIELDS;
use crate::client::LightspeedClient;
use crate::entity::Entity;
use crate::envelope::Single;
use crate::error::Result;
use crate::execute::Body;
use crate::handler::Handler;
use crate::models::{Account, AccountPermissions, AccountRatelimit, Language, Metafield, Shop};

/// The shop (`shop.json`); see [`LightspeedClient::shop`].
#[derive(Debug, Clone)]
pub struct ShopHandler {
    client: LightspeedClient,
}

/// The API account (`account.json`); see [`LightspeedClient::account`].
#[derive(Debug, Clone)]
pub struct AccountHandler {
    client: LightspeedClient,
}

impl LightspeedClient {
    /// The shop: id, currency, address.
    pub fn shop(&self) -> ShopHandler {
        ShopHandler {
            client: self.clone(),
        }
    }

    /// The API account: the key's rate limits and permissions.
    pub fn account(&self) -> AccountHandler {
        AccountHandler {
            client: self.clone(),
        }
    }

    /// The shop's languages (`languages`).
    pub fn languages(&self) -> Handler<Language> {
        Handler::new(self, "languages")
    }

    async fn get_singleton<T: Entity>(&self, path: &str) -> Result<T> {
        let Single(value) = self
            .call::<Single<T>>(Method::GET, path, &[], Body::Empty, T::KEYS.single)
            .await?;
        Ok(value)
    }
}

impl ShopHandler {
    /// `GET shop.json`.
    pub async fn get(&self) -> Result<Shop> {
        self.client.get_singleton("shop").await
    }

    /// The shop's metafields (`shop/metafields`).
    pub fn metafields(&self) -> Handler<Metafield> {
        Handler::new(&self.client, "shop/metafields").with_keys(SHOP_METAFIELDS)
    }
}

impl AccountHandler {
    /// `GET account.json`.
    pub async fn get(&self) -> Result<Account> {
        self.client.get_singleton("account").await
    }

    /// `GET account/ratelimit.json`: the key's limits (this call itself probably counts).
    pub async fn ratelimit(&self) -> Result<AccountRatelimit> {
        self.client.get_singleton("account/ratelimit").await
    }

    /// `GET account/permissions.json`: what the key may read and write.
    pub async fn permissions(&self) -> Result<AccountPermissions> {
        self.client.get_singleton("account/permissions").await
    }
}
