//! Shop orders and credit notes.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    Address, Currency, MatchKey, OrderStatus, Party, PaymentStatus, ShipmentStatus, VatRate,
};

/// An order as a list of changed orders shows it: enough to decide whether to process it (the
/// filters, the id map, a claim), not to book it. The complete [`Order`] comes from
/// [`OrderSource::fetch_order`](crate::traits::OrderSource::fetch_order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSummary {
    /// The order's id in the shop.
    pub source_id: String,
    /// The order number customers see (`ORD00018`).
    pub number: String,
    /// The shop (store) the order belongs to.
    #[serde(default)]
    pub shop_id: Option<String>,
    /// When the order was placed, when the list says.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// When the order was last changed (a poll's cursor moves by it).
    pub updated_at: DateTime<Utc>,
    /// The life-cycle status.
    #[serde(default)]
    pub status: OrderStatus,
    /// The payment status.
    #[serde(default)]
    pub payment_status: PaymentStatus,
    /// The shipment status.
    #[serde(default)]
    pub shipment_status: ShipmentStatus,
    /// The list entry as received, for the activity log and dead letters.
    #[serde(default)]
    pub raw: serde_json::Value,
}

/// An order as the shop states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// The order's id in the shop.
    pub source_id: String,
    /// The order number customers see (`ORD00018`).
    pub number: String,
    /// The shop (store) the order belongs to.
    #[serde(default)]
    pub shop_id: Option<String>,
    /// When the order was placed.
    pub created_at: DateTime<Utc>,
    /// The order date in the shop's own time zone, as the shop states it (an order placed at 00:30
    /// in Amsterdam belongs to that day, not to the previous UTC day). Falls back to `created_at`'s UTC
    /// date when absent.
    #[serde(default)]
    pub placed_on: Option<NaiveDate>,
    /// When the order was last changed.
    pub updated_at: DateTime<Utc>,
    /// The life-cycle status.
    #[serde(default)]
    pub status: OrderStatus,
    /// The payment status.
    #[serde(default)]
    pub payment_status: PaymentStatus,
    /// The shipment status.
    #[serde(default)]
    pub shipment_status: ShipmentStatus,
    /// The customer.
    pub customer: Party,
    /// The billing address.
    #[serde(default)]
    pub billing_address: Option<Address>,
    /// The shipping address.
    #[serde(default)]
    pub shipping_address: Option<Address>,
    /// The order lines.
    #[serde(default)]
    pub lines: Vec<OrderLine>,
    /// Shipping costs, when charged.
    #[serde(default)]
    pub shipping: Option<Charge>,
    /// Payment costs, when charged.
    #[serde(default)]
    pub payment: Option<Charge>,
    /// Order-level discounts (line discounts are on the lines).
    #[serde(default)]
    pub discounts: Vec<OrderDiscount>,
    /// The totals the shop states.
    pub totals: OrderTotals,
    /// The order currency.
    #[serde(default)]
    pub currency: Currency,
    /// The payment method as the shop names it.
    #[serde(default)]
    pub payment_method: Option<String>,
    /// The shipping method as the shop names it.
    #[serde(default)]
    pub shipping_method: Option<String>,
    /// The shop's invoice, when one exists.
    #[serde(default)]
    pub invoice: Option<InvoiceInfo>,
    /// The original payload, for the activity log and dead letters.
    #[serde(default)]
    pub raw: serde_json::Value,
}

impl Order {
    /// The order as a list would show it.
    pub fn summary(&self) -> OrderSummary {
        OrderSummary {
            source_id: self.source_id.clone(),
            number: self.number.clone(),
            shop_id: self.shop_id.clone(),
            created_at: Some(self.created_at),
            updated_at: self.updated_at,
            status: self.status.clone(),
            payment_status: self.payment_status.clone(),
            shipment_status: self.shipment_status.clone(),
            raw: self.raw.clone(),
        }
    }
}

/// One order line. `unit_*` prices are before discount, `total_*` amounts after discount, as shops
/// state them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    /// The line's id in the shop.
    pub line_id: String,
    /// The article code (the ledger's key, when the shop carries it).
    #[serde(default)]
    pub article_code: Option<String>,
    /// The SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// The EAN/GTIN.
    #[serde(default)]
    pub ean: Option<String>,
    /// The line description (product and variant title).
    #[serde(default)]
    pub description: String,
    /// The quantity ordered.
    pub quantity: Decimal,
    /// Unit price excluding VAT, before discount.
    pub unit_price_excl: Decimal,
    /// Unit price including VAT, before discount.
    pub unit_price_incl: Decimal,
    /// Line total excluding VAT, after discount.
    pub total_excl: Decimal,
    /// Line total including VAT, after discount.
    pub total_incl: Decimal,
    /// Discount on the line excluding VAT.
    #[serde(default)]
    pub discount_excl: Decimal,
    /// Discount on the line including VAT.
    #[serde(default)]
    pub discount_incl: Decimal,
    /// The VAT rate of the line.
    pub vat_rate: VatRate,
}

impl Order {
    /// The order date for bookings: [`placed_on`](Self::placed_on), else `created_at`'s UTC date.
    pub fn order_date(&self) -> NaiveDate {
        self.placed_on
            .unwrap_or_else(|| self.created_at.date_naive())
    }
}

impl OrderLine {
    /// The line's key for a match key (article code, SKU or EAN), when present and not blank.
    pub fn key(&self, key: MatchKey) -> Option<&str> {
        let value = match key {
            MatchKey::ArticleCode => self.article_code.as_deref(),
            MatchKey::Sku => self.sku.as_deref(),
            MatchKey::Ean => self.ean.as_deref(),
        };
        value.map(str::trim).filter(|v| !v.is_empty())
    }
}

/// A charge on the order that is not an article: shipping or payment costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Charge {
    /// The method's code in the shop.
    #[serde(default)]
    pub code: Option<String>,
    /// The method's title.
    #[serde(default)]
    pub title: String,
    /// Price excluding VAT, before discount.
    pub price_excl: Decimal,
    /// Price including VAT, before discount.
    pub price_incl: Decimal,
    /// Discount on the charge excluding VAT.
    #[serde(default)]
    pub discount_excl: Decimal,
    /// Discount on the charge including VAT.
    #[serde(default)]
    pub discount_incl: Decimal,
    /// The VAT rate of the charge.
    pub vat_rate: VatRate,
}

impl Charge {
    /// The amount excluding VAT after discount.
    pub fn net_excl(&self) -> Decimal {
        self.price_excl - self.discount_excl
    }

    /// The amount including VAT after discount.
    pub fn net_incl(&self) -> Decimal {
        self.price_incl - self.discount_incl
    }
}

/// An order-level discount (a coupon or a cart rule). Amounts are positive numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderDiscount {
    /// The discount or coupon code.
    #[serde(default)]
    pub code: Option<String>,
    /// A description.
    #[serde(default)]
    pub description: String,
    /// The discount excluding VAT.
    pub amount_excl: Decimal,
    /// The discount including VAT.
    pub amount_incl: Decimal,
}

/// The VAT on the order for one rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatBreakdown {
    /// The rate.
    pub rate: VatRate,
    /// The amount excluding VAT taxed at this rate.
    #[serde(default)]
    pub base_excl: Decimal,
    /// The VAT at this rate.
    pub vat: Decimal,
}

/// The totals the shop states for an order; the booked total must equal `incl` to the cent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTotals {
    /// Total excluding VAT.
    pub excl: Decimal,
    /// Total including VAT.
    pub incl: Decimal,
    /// VAT per rate.
    #[serde(default)]
    pub vat_by_rate: Vec<VatBreakdown>,
}

impl OrderTotals {
    /// The VAT total (`incl - excl`).
    pub fn vat(&self) -> Decimal {
        self.incl - self.excl
    }
}

/// The shop's invoice for an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceInfo {
    /// The invoice number.
    pub number: String,
    /// The invoice date.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Whether this invoice is a credit note.
    #[serde(default)]
    pub is_credit_note: bool,
}

/// A credit note (refund) in the shop. Amounts are positive; the booking negates them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditNote {
    /// The credit note's id in the shop.
    pub source_id: String,
    /// Its number.
    pub number: String,
    /// Its date.
    pub date: NaiveDate,
    /// When the shop last changed it (credit notes are read by this time, like orders).
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// The shop id of the order it credits.
    #[serde(default)]
    pub order_source_id: Option<String>,
    /// The number of the order it credits.
    #[serde(default)]
    pub order_number: Option<String>,
    /// The credited lines.
    #[serde(default)]
    pub lines: Vec<OrderLine>,
    /// Credited shipping costs.
    #[serde(default)]
    pub shipping: Option<Charge>,
    /// Credited payment costs.
    #[serde(default)]
    pub payment: Option<Charge>,
    /// The credited totals.
    pub totals: OrderTotals,
    /// The currency.
    #[serde(default)]
    pub currency: Currency,
    /// The original payload.
    #[serde(default)]
    pub raw: serde_json::Value,
}

/// Which orders a flow takes. Empty lists accept any value; values are compared after status
/// normalisation (see [`status`](super::status)).
///
/// Used both in configuration (`[orders.filter]`) and as the filter an
/// [`OrderSource`](crate::traits::OrderSource) pushes down to its API where it can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrderFilter {
    /// Accepted order statuses (neutral names such as `awaiting_shipment`); empty = any.
    pub statuses: Vec<String>,
    /// Accepted payment statuses; default `["paid"]`.
    pub payment_statuses: Vec<String>,
    /// Accepted shipment statuses; empty = any.
    pub shipment_statuses: Vec<String>,
}

impl Default for OrderFilter {
    fn default() -> Self {
        Self {
            statuses: Vec::new(),
            payment_statuses: vec!["paid".to_owned()],
            shipment_statuses: Vec::new(),
        }
    }
}

impl OrderFilter {
    /// A filter that accepts every order.
    pub fn any() -> Self {
        Self {
            statuses: Vec::new(),
            payment_statuses: Vec::new(),
            shipment_statuses: Vec::new(),
        }
    }

    /// Whether the order passes all three lists.
    pub fn matches(&self, order: &Order) -> bool {
        self.accepts(&order.status, &order.payment_status, &order.shipment_status)
    }

    /// Whether a listed order passes (the list's statuses; the complete order is checked again
    /// before it is booked).
    pub fn matches_summary(&self, order: &OrderSummary) -> bool {
        self.accepts(&order.status, &order.payment_status, &order.shipment_status)
    }

    fn accepts(
        &self,
        status: &OrderStatus,
        payment: &PaymentStatus,
        shipment: &ShipmentStatus,
    ) -> bool {
        let accepts = |allowed: &[String], matches: &dyn Fn(&str) -> bool| {
            allowed.is_empty() || allowed.iter().any(|a| matches(a))
        };
        accepts(&self.statuses, &|f| status.matches(f))
            && accepts(&self.payment_statuses, &|f| payment.matches(f))
            && accepts(&self.shipment_statuses, &|f| shipment.matches(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::OrderBuilder;
    use rust_decimal_macros::dec;

    #[test]
    fn filter_defaults_to_paid_orders_only() {
        let paid = OrderBuilder::new("1").payment_status("paid").build();
        let unpaid = OrderBuilder::new("2").payment_status("not_paid").build();
        let filter = OrderFilter::default();
        assert!(filter.matches(&paid));
        assert!(!filter.matches(&unpaid));
        assert!(OrderFilter::any().matches(&unpaid));
    }

    #[test]
    fn filter_checks_every_list() {
        let order = OrderBuilder::new("1")
            .status("awaiting_shipment")
            .payment_status("paid")
            .shipment_status("not_shipped")
            .build();
        let mut filter = OrderFilter {
            statuses: vec!["Awaiting Shipment".into(), "completed".into()],
            ..OrderFilter::default()
        };
        assert!(filter.matches(&order));
        filter.shipment_statuses = vec!["shipped".into()];
        assert!(!filter.matches(&order));
    }

    #[test]
    fn line_keys_skip_blanks_and_charges_net_discounts() {
        let line = OrderBuilder::new("1")
            .line("ART-1", dec!(2), dec!(12.10))
            .build()
            .lines
            .remove(0);
        assert_eq!(line.key(MatchKey::ArticleCode), Some("ART-1"));
        let blank = OrderLine {
            sku: Some("  ".into()),
            ..line
        };
        assert_eq!(blank.key(MatchKey::Sku), None);

        let shipping = Charge {
            code: None,
            title: "PostNL".into(),
            price_excl: dec!(5),
            price_incl: dec!(6.05),
            discount_excl: dec!(1),
            discount_incl: dec!(1.21),
            vat_rate: VatRate::from_percentage(21),
        };
        assert_eq!(shipping.net_excl(), dec!(4));
        assert_eq!(shipping.net_incl(), dec!(4.84));
        let totals = OrderTotals {
            excl: dec!(100),
            incl: dec!(121),
            vat_by_rate: vec![],
        };
        assert_eq!(totals.vat(), dec!(21));
    }
}
