//! Deterministic seed data: one generator (`fastrand::Rng::with_seed`) feeds both simulators, so
//! the shop's catalogue mirrors the AccountView articles and tests know what exists.

pub(crate) mod catalog;
pub(crate) mod names;
pub(crate) mod people;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// What the simulators were seeded with (`Sandbox::seed_data()`).
#[derive(Debug, Clone, PartialEq)]
pub struct SeedData {
    /// The seed.
    pub seed: u64,
    /// The "now" the data was generated around.
    pub now: DateTime<Utc>,
    /// Every AccountView article and, when it is in the shop, its product and variant.
    pub articles: Vec<SeedArticle>,
    /// Every shop customer and, when it is one, its AccountView debtor number.
    pub customers: Vec<SeedCustomer>,
    /// Every seeded shop order.
    pub orders: Vec<SeedOrder>,
    /// AccountView debtors that are not shop customers (B2B accounts, the collective debtor).
    pub other_debtors: Vec<String>,
    /// The collective debtor for anonymous web-shop sales (`SUB_NR`).
    pub collective_debtor: String,
}

/// One article of the shared catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedArticle {
    /// AccountView `ART_CODE`; in the shop both `articleCode` and `sku`.
    pub art_code: String,
    /// EAN-13 (`BAR_CODE` in AccountView, `ean` in the shop).
    pub ean: String,
    /// `ART_DESC1`.
    pub description: String,
    /// `AG_CODE`.
    pub group: String,
    /// `K1_MODEL`: the family key of size/colour variants.
    pub model: Option<String>,
    /// `K1_SIZE`.
    pub size: Option<String>,
    /// `K1_COLOR`.
    pub color: Option<String>,
    /// Retail price incl. VAT.
    pub price_incl: Decimal,
    /// VAT rate as a fraction (0.21 or 0.09).
    pub vat_rate: Decimal,
    /// `K1_WEBSHOP`: meant for the shop.
    pub webshop: bool,
    /// `REC_BLK`: blocked.
    pub blocked: bool,
    /// The shop product, when the article is already in the shop.
    pub product_id: Option<u64>,
    /// The shop variant, when the article is already in the shop.
    pub variant_id: Option<u64>,
    /// `QTY_TECH` at seed time.
    pub qty_tech: i64,
    /// `QTY_RES_SO` at seed time.
    pub qty_res_so: i64,
    /// The shop's `stockLevel` at seed time (roughly `QTY_AVAIL`, not always equal).
    pub shop_stock: Option<i64>,
}

/// One shop customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCustomer {
    /// Lightspeed customer id.
    pub id: u64,
    /// E-mail in the shop (lowercase).
    pub email: String,
    /// Company or full name.
    pub name: String,
    /// A company customer.
    pub is_company: bool,
    /// ISO country code (uppercase).
    pub country: String,
    /// The AccountView debtor (`SUB_NR`) if the customer already is one.
    pub debtor: Option<String>,
}

/// One seeded order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOrder {
    /// Lightspeed order id.
    pub id: u64,
    /// `ORD00001`.
    pub number: String,
    /// The customer, or `None` for a guest checkout.
    pub customer_id: Option<u64>,
    /// `status`.
    pub status: String,
    /// `paymentStatus`.
    pub payment_status: String,
}
