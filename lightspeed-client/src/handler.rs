//! The generic resource handler behind `client.orders()`, `client.variants()`, …
//!
//! Which operations exist depends on the model: `create` needs [`Creatable`], `update`
//! [`Updatable`], `delete` [`Deletable`]. Resource-specific helpers (sub-resources, filters,
//! special calls) are added in [`crate::resources`].

use std::marker::PhantomData;

use http::Method;

use crate::client::LightspeedClient;
use crate::entity::{Creatable, Deletable, Entity, Keys, Updatable};
use crate::envelope::Single;
use crate::error::Result;
use crate::execute::Body;
use crate::list::ListRequest;

/// Operations on one resource collection, e.g. `orders` or `products/12/images`.
pub struct Handler<T> {
    pub(crate) client: LightspeedClient,
    pub(crate) path: String,
    pub(crate) keys: Keys,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for Handler<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            path: self.path.clone(),
            keys: self.keys,
            _t: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Handler<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handler")
            .field("path", &self.path)
            .field("keys", &self.keys)
            .finish()
    }
}

impl<T: Entity> Handler<T> {
    pub(crate) fn new(client: &LightspeedClient, path: impl Into<String>) -> Self {
        Self {
            client: client.clone(),
            path: path.into(),
            keys: T::KEYS,
            _t: PhantomData,
        }
    }

    /// Overrides the envelope keys (metafields differ per parent).
    pub(crate) fn with_keys(mut self, keys: Keys) -> Self {
        self.keys = keys;
        self
    }

    /// The collection path (`orders`, `products/12/images`).
    pub fn path(&self) -> &str {
        &self.path
    }

    fn item_path(&self, id: u64) -> String {
        format!("{}/{id}", self.path)
    }

    /// A list request (see [`ListRequest`] for filters, paging and streams).
    pub fn list(&self) -> ListRequest<T> {
        ListRequest::new(self.client.clone(), self.path.clone(), self.keys)
    }

    /// `GET {path}/{id}.json`.
    pub async fn get(&self, id: u64) -> Result<T> {
        let Single(item) = self
            .client
            .call::<Single<T>>(
                Method::GET,
                &self.item_path(id),
                &[],
                Body::Empty,
                self.keys.single,
            )
            .await?;
        Ok(item)
    }

    /// `GET {path}/count.json` without filters (use [`ListRequest::count`] to filter).
    pub async fn count(&self) -> Result<u64> {
        self.list().count().await
    }
}

impl<T: Creatable> Handler<T> {
    /// `POST {path}.json` with `{"<key>": body}`. Not retried once it may have reached the server.
    pub async fn create(&self, body: &T::Create) -> Result<T> {
        let body = Body::envelope(self.keys.write, body)?;
        let Single(item) = self
            .client
            .call::<Single<T>>(Method::POST, &self.path, &[], body, self.keys.single)
            .await?;
        Ok(item)
    }
}

impl<T: Updatable> Handler<T> {
    /// `PUT {path}/{id}.json` with `{"<key>": body}`.
    pub async fn update(&self, id: u64, body: &T::Update) -> Result<T> {
        let body = Body::envelope(self.keys.write, body)?;
        let Single(item) = self
            .client
            .call::<Single<T>>(
                Method::PUT,
                &self.item_path(id),
                &[],
                body,
                self.keys.single,
            )
            .await?;
        Ok(item)
    }
}

impl<T: Deletable> Handler<T> {
    /// `DELETE {path}/{id}.json`. An empty 2xx body is success.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .call_no_content(Method::DELETE, &self.item_path(id))
            .await
    }
}
