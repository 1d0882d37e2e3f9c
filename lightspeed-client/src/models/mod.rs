//! Typed models of Lightspeed payloads, and the request bodies for writes.
//!
//! Conventions (see [`crate::serde_util`] for the helpers):
//!
//! - money, rates and quantities are [`rust_decimal::Decimal`], read from numbers or numeric
//!   strings without float rounding; tax rates stay fractions (`0.21`);
//! - `false`, `null`, `""` and `[]` read as `None` where the API uses them for "absent";
//! - enums are open ([`OrderStatus::Other`] keeps unknown values);
//! - links to other resources are [`Link<T>`] with the target id and, when the API inlines it, the
//!   decoded target;
//! - the main entities keep unknown fields in `extra`;
//! - write bodies (`…Update`, `…Create`) send only the fields that are set.

mod attribute;
mod brand;
mod category;
mod common;
mod customer;
pub(crate) mod enums;
mod filter;
mod image;
mod invoice;
mod order;
mod order_extra;
mod order_product;
mod product;
mod quote;
mod shipment;
mod shop;
mod supplier;
mod tax;
mod variant;
mod webhook;

pub use attribute::{
    Attribute, AttributeCreate, AttributeUpdate, ProductAttribute, ProductAttributeUpdate,
    ProductType, ProductTypeCreate, ProductTypeUpdate, TypesAttribute, TypesAttributeCreate,
};
pub use brand::{Brand, BrandCreate, BrandUpdate};
pub use category::{
    Category, CategoryCreate, CategoryProduct, CategoryProductCreate, CategoryUpdate,
};
pub use common::{
    Address, Country, Image, Language, Link, Metafield, MetafieldCreate, MetafieldUpdate, RawLink,
    RegionData, ShopId, TaxRateLine, fraction_to_percent,
};
pub use customer::{Customer, CustomerCreate, CustomerUpdate};
pub use enums::{
    Channel, DiscountType, InvoiceStatus, OrderStatus, PaymentStatus, ShipmentStatus,
    StockTracking, Visibility, WebhookFormat, WebhookItemAction, WebhookItemGroup,
};
pub use filter::{
    Filter, FilterCreate, FilterUpdate, FilterValue, FilterValueCreate, FilterValueUpdate,
    ProductFilterValue, ProductFilterValueCreate,
};
pub use image::{ImageSource, ProductImage, sanitize_filename};
pub use invoice::{Invoice, InvoiceItem, InvoiceUpdate};
pub use order::{Order, OrderUpdate};
pub use order_extra::{
    Credit, CreditLine, CustomStatus, CustomStatusCreate, CustomStatusUpdate, OrderEvent,
};
pub use order_product::OrderProduct;
pub use product::{OptionSet, Product, ProductCreate, ProductUpdate, SetOption, SetOptionValue};
pub use quote::{PaymentData, Quote, ShipmentData};
pub use shipment::{Shipment, ShipmentUpdate};
pub use shop::{
    Account, AccountPermissions, AccountRatelimit, Currency, Permission, RatelimitWindowInfo, Shop,
};
pub use supplier::{Supplier, SupplierCreate, SupplierUpdate};
pub use tax::{PaymentMethod, ShippingMethod, Tax, TaxCreate, TaxUpdate};
pub use variant::{Variant, VariantCreate, VariantMovement, VariantUpdate};
pub use webhook::{Webhook, WebhookCreate, WebhookUpdate};
