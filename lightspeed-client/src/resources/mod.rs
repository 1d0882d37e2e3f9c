//! Resource accessors on [`LightspeedClient`](crate::LightspeedClient), one module per resource
//! group, plus resource-specific list filters and calls.
//!
//! | accessor | path | operations |
//! |---|---|---|
//! | `orders()` | `orders` | list, get, count, update; `products(id)`, `metafields(id)`, `custom_statuses()`, `events()`, `credit(id, …)` |
//! | `customers()` | `customers` | CRUD; `metafields(id)` |
//! | `products()` | `products` | CRUD; `images(id)`, `attributes(id)`, `filter_values(id)`, `metafields(id)` |
//! | `variants()` | `variants` | CRUD; `movements()`, `metafields(id)` |
//! | `categories()` | `categories` | CRUD; `products()` (`categories/products`) |
//! | `types()`, `attributes()`, `types_attributes()` | `types`, `attributes`, `types/attributes` | CRUD / create + delete |
//! | `filters()` | `filters` | CRUD; `values(id)` |
//! | `taxes()`, `payment_methods()`, `shipping_methods()` | | CRUD / read-only / read-only |
//! | `brands()`, `suppliers()` | | CRUD |
//! | `invoices()`, `shipments()` | | list, get, count, update; `items(id)`, `metafields(id)` |
//! | `webhooks()` | `webhooks` | CRUD |
//! | `shop()`, `account()` | `shop`, `account` | get; rate limit, permissions, metafields |

mod attributes;
mod brands;
mod categories;
mod customers;
mod filters;
mod invoices;
mod order_products;
mod orders;
mod payment_methods;
mod product_images;
mod products;
mod shipments;
mod shipping_methods;
mod shop;
mod suppliers;
mod taxes;
mod variants;
mod webhooks;

pub use shop::{AccountHandler, ShopHandler};

use crate::entity::Keys;

/// Envelope keys of the metafields under one parent (`orderMetafield(s)`…); the bare
/// `metafield(s)` is accepted too.
macro_rules! metafield_keys {
    ($parent:literal) => {
        $crate::entity::Keys {
            single: &[concat!($parent, "Metafield"), "metafield"],
            list: &[concat!($parent, "Metafields"), "metafields"],
            write: concat!($parent, "Metafield"),
        }
    };
}

pub(crate) const ORDER_METAFIELDS: Keys = metafield_keys!("order");
pub(crate) const CUSTOMER_METAFIELDS: Keys = metafield_keys!("customer");
pub(crate) const PRODUCT_METAFIELDS: Keys = metafield_keys!("product");
pub(crate) const VARIANT_METAFIELDS: Keys = metafield_keys!("variant");
pub(crate) const INVOICE_METAFIELDS: Keys = metafield_keys!("invoice");
pub(crate) const SHOP_METAFIELDS: Keys = metafield_keys!("shop");
