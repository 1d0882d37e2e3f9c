//! The match table from a file in `fixtures/lightspeed/` to the model it decodes into, shared by
//! the fixture walk (`fixtures.rs`) and the mutation test (`mutations.rs`).
//!
//! A test says what it does with one fixture by implementing [`FixtureVisitor`]; [`visit`] calls
//! the visitor with the fixture's model type. A file the table does not know yields `None`, and
//! both tests fail on it: a new fixture has to be mapped here before anything passes.
//!
//! Each test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use lightspeed_client::Entity;
use lightspeed_client::models::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A model whose decoded value survives a serialise/decode round trip.
pub trait Model: Entity + Serialize + DeserializeOwned + PartialEq + Debug {}

impl<T: Entity + Serialize + DeserializeOwned + PartialEq + Debug> Model for T {}

/// What a test does with one fixture, once the model type is known.
pub trait FixtureVisitor {
    /// What the visit yields.
    type Out;

    /// A single-object fixture (`{"order": {...}}`) of a model that round-trips.
    fn single<T: Model>(&mut self, name: &str, body: &[u8]) -> Self::Out;

    /// A single-object fixture of a model that does not round-trip (the account: its API key is
    /// never serialised), so only decoding and serialising are available.
    fn single_secret<T: Entity + Serialize>(&mut self, name: &str, body: &[u8]) -> Self::Out;

    /// A list fixture (`{"variants": [...]}`).
    fn list<T: Model>(&mut self, name: &str, body: &[u8]) -> Self::Out;
}

/// The directory of the Lightspeed fixtures.
pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fixtures")
        .join("lightspeed")
}

/// Every `*.json` file in [`fixture_dir`], sorted by name.
pub fn fixture_files() -> Vec<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(fixture_dir())
        .expect("fixtures/lightspeed exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    entries
}

/// The match table: calls `v` with the model of fixture `name`; `None` for an unmapped file.
pub fn visit<V: FixtureVisitor>(name: &str, body: &[u8], v: &mut V) -> Option<V::Out> {
    Some(match name {
        "account.live-eu1-nl.json" => v.single_secret::<Account>(name, body),
        "accountPermissions.json" => v.single::<AccountPermissions>(name, body),
        "accountRatelimit.json" => v.single::<AccountRatelimit>(name, body),
        "attribute.json" => v.single::<Attribute>(name, body),
        "brand.json" => v.single::<Brand>(name, body),
        "brands.live-eu1-nl.json" => v.list::<Brand>(name, body),
        "categories.live-eu1-nl.json" => v.list::<Category>(name, body),
        "categoriesProduct.json" => v.single::<CategoryProduct>(name, body),
        "categoriesProducts.live-eu1-nl.json" => v.list::<CategoryProduct>(name, body),
        "category.json" => v.single::<Category>(name, body),
        "customStatus.json" => v.single::<CustomStatus>(name, body),
        "customer.json" => v.single::<Customer>(name, body),
        "filter.json" => v.single::<Filter>(name, body),
        "filterValue.json" => v.single::<FilterValue>(name, body),
        "invoice.json" => v.single::<Invoice>(name, body),
        "invoiceItem.json" => v.single::<InvoiceItem>(name, body),
        "language.json" => v.single::<Language>(name, body),
        "order.json" | "order.live-eu1-nl-trimmed.json" => v.single::<Order>(name, body),
        "orderProduct.json" => v.single::<OrderProduct>(name, body),
        "paymentmethod.json" => v.single::<PaymentMethod>(name, body),
        "product.json" => v.single::<Product>(name, body),
        "productAttribute.json" => v.single::<ProductAttribute>(name, body),
        "productFilterValue.json" => v.single::<ProductFilterValue>(name, body),
        "productImage.json" | "productImage.live-eu1-nl.json" => {
            v.single::<ProductImage>(name, body)
        }
        "productMetafield.json" => v.single::<Metafield>(name, body),
        "products.live-eu1-nl-trimmed.json" => v.list::<Product>(name, body),
        "quote.json" => v.single::<Quote>(name, body),
        "set.json" => v.single::<OptionSet>(name, body),
        "shipment.json" => v.single::<Shipment>(name, body),
        "shippingmethod.json" => v.single::<ShippingMethod>(name, body),
        "shop.json" => v.single::<Shop>(name, body),
        "supplier.json" => v.single::<Supplier>(name, body),
        "tax.json" => v.single::<Tax>(name, body),
        "type.json" => v.single::<ProductType>(name, body),
        "typesAttribute.json" => v.single::<TypesAttribute>(name, body),
        "variant.json" => v.single::<Variant>(name, body),
        "variantMovement.json" => v.single::<VariantMovement>(name, body),
        "variants.live-eu1-nl.json" => v.list::<Variant>(name, body),
        "webhook.json" | "webhook.live.json" => v.single::<Webhook>(name, body),
        _ => return None,
    })
}
