//! Small builders for orders and articles in tests and examples.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::domain::{
    Address, Article, ArticleGroup, Charge, CountryCode, Currency, Email, Order, OrderLine,
    OrderStatus, OrderTotals, Party, PaymentStatus, ShipmentStatus, VatBreakdown, VatRate,
    round_cents,
};

fn default_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Builds an [`Order`] with consistent totals: lines at 21 % VAT unless told otherwise, a paid
/// order from a Dutch person by default, totals computed from lines and charges.
///
/// ```
/// use rust_decimal_macros::dec;
/// use sync_core::testing::OrderBuilder;
/// let order = OrderBuilder::new("ORD001").line("ART-1", dec!(2), dec!(12.10)).shipping(dec!(4.95)).build();
/// assert_eq!(order.totals.incl, dec!(29.15));
/// ```
#[derive(Debug, Clone)]
pub struct OrderBuilder {
    order: Order,
}

impl OrderBuilder {
    /// A paid, new order numbered `number` (also its source id) from a Dutch person.
    pub fn new(number: &str) -> Self {
        let address = Address {
            street: Some("Kerkstraat".into()),
            number: Some("1".into()),
            postcode: Some("1011 AA".into()),
            city: Some("Amsterdam".into()),
            country: Some(CountryCode::NL),
            ..Address::default()
        };
        Self {
            order: Order {
                source_id: number.to_owned(),
                number: number.to_owned(),
                shop_id: Some("1".into()),
                created_at: default_time(),
                placed_on: None,
                updated_at: default_time(),
                status: OrderStatus::New,
                payment_status: PaymentStatus::Paid,
                shipment_status: ShipmentStatus::NotShipped,
                customer: Party {
                    first_name: Some("Jan".into()),
                    last_name: Some("Jansen".into()),
                    email: Email::parse("jan@example.nl").ok(),
                    address: Some(address.clone()),
                    ..Party::default()
                },
                billing_address: Some(address.clone()),
                shipping_address: Some(address),
                lines: Vec::new(),
                shipping: None,
                payment: None,
                discounts: Vec::new(),
                totals: OrderTotals::default(),
                currency: Currency::EUR,
                payment_method: Some("ideal".into()),
                shipping_method: Some("postnl".into()),
                invoice: None,
                raw: serde_json::Value::Null,
            },
        }
    }

    /// Set the source id (when it should differ from the number).
    pub fn source_id(mut self, id: &str) -> Self {
        self.order.source_id = id.to_owned();
        self
    }

    /// Set the order status.
    pub fn status(mut self, status: &str) -> Self {
        self.order.status = OrderStatus::parse(status);
        self
    }

    /// Set the payment status.
    pub fn payment_status(mut self, status: &str) -> Self {
        self.order.payment_status = PaymentStatus::parse(status);
        self
    }

    /// Set the shipment status.
    pub fn shipment_status(mut self, status: &str) -> Self {
        self.order.shipment_status = ShipmentStatus::parse(status);
        self
    }

    /// Set created and updated time.
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.order.created_at = at;
        self.order.updated_at = at;
        self
    }

    /// Set the updated time.
    pub fn updated_at(mut self, at: DateTime<Utc>) -> Self {
        self.order.updated_at = at;
        self
    }

    /// Set the customer's e-mail address (must be valid).
    pub fn email(mut self, email: &str) -> Self {
        self.order.customer.email = Email::parse(email).ok();
        self
    }

    /// Make the customer a company.
    pub fn company(mut self, name: &str, vat_number: Option<&str>) -> Self {
        self.order.customer.company_name = Some(name.to_owned());
        self.order.customer.vat_number = vat_number.map(str::to_owned);
        self
    }

    /// Set the country of every address.
    pub fn country(mut self, country: CountryCode) -> Self {
        for address in [
            self.order.customer.address.as_mut(),
            self.order.billing_address.as_mut(),
            self.order.shipping_address.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            address.country = Some(country);
        }
        self
    }

    /// Set the shop id.
    pub fn shop_id(mut self, shop_id: &str) -> Self {
        self.order.shop_id = Some(shop_id.to_owned());
        self
    }

    /// Add a line for `article_code` (also its SKU) at 21 % VAT with a unit price including VAT.
    pub fn line(self, article_code: &str, quantity: Decimal, unit_price_incl: Decimal) -> Self {
        self.line_at_rate(
            article_code,
            quantity,
            unit_price_incl,
            VatRate::from_percentage(21),
        )
    }

    /// Add a line at a given VAT rate with a unit price including VAT, no discount.
    pub fn line_at_rate(
        mut self,
        article_code: &str,
        quantity: Decimal,
        unit_price_incl: Decimal,
        rate: VatRate,
    ) -> Self {
        let total_incl = round_cents(quantity * unit_price_incl);
        let line = OrderLine {
            line_id: format!("{}-{}", self.order.source_id, self.order.lines.len() + 1),
            article_code: Some(article_code.to_owned()),
            sku: Some(article_code.to_owned()),
            ean: None,
            description: format!("Article {article_code}"),
            quantity,
            unit_price_excl: round_cents(rate.excl_from_incl(unit_price_incl)),
            unit_price_incl,
            total_excl: round_cents(rate.excl_from_incl(total_incl)),
            total_incl,
            discount_excl: Decimal::ZERO,
            discount_incl: Decimal::ZERO,
            vat_rate: rate,
        };
        self.order.lines.push(line);
        self
    }

    /// Add a ready-made line.
    pub fn push_line(mut self, line: OrderLine) -> Self {
        self.order.lines.push(line);
        self
    }

    /// Add shipping costs at 21 % VAT (price including VAT).
    pub fn shipping(mut self, price_incl: Decimal) -> Self {
        self.order.shipping = Some(charge("Shipping", price_incl));
        self
    }

    /// Add payment costs at 21 % VAT (price including VAT).
    pub fn payment_cost(mut self, price_incl: Decimal) -> Self {
        self.order.payment = Some(charge("Payment", price_incl));
        self
    }

    /// Finish: compute totals from lines, charges and order discounts.
    pub fn build(mut self) -> Order {
        let mut by_rate: BTreeMap<VatRate, (Decimal, Decimal)> = BTreeMap::new();
        let mut add = |rate: VatRate, excl: Decimal, incl: Decimal| {
            let entry = by_rate.entry(rate).or_default();
            entry.0 += excl;
            entry.1 += incl;
        };
        for line in &self.order.lines {
            add(line.vat_rate, line.total_excl, line.total_incl);
        }
        for charge in [&self.order.shipping, &self.order.payment]
            .into_iter()
            .flatten()
        {
            add(charge.vat_rate, charge.net_excl(), charge.net_incl());
        }
        let discount_excl: Decimal = self.order.discounts.iter().map(|d| d.amount_excl).sum();
        let discount_incl: Decimal = self.order.discounts.iter().map(|d| d.amount_incl).sum();
        let excl: Decimal = by_rate.values().map(|(e, _)| *e).sum::<Decimal>() - discount_excl;
        let incl: Decimal = by_rate.values().map(|(_, i)| *i).sum::<Decimal>() - discount_incl;
        self.order.totals = OrderTotals {
            excl,
            incl,
            vat_by_rate: by_rate
                .into_iter()
                .map(|(rate, (e, i))| VatBreakdown {
                    rate,
                    base_excl: e,
                    vat: i - e,
                })
                .collect(),
        };
        self.order
    }
}

fn charge(title: &str, price_incl: Decimal) -> Charge {
    let rate = VatRate::from_percentage(21);
    Charge {
        code: Some(title.to_lowercase()),
        title: title.to_owned(),
        price_excl: round_cents(rate.excl_from_incl(price_incl)),
        price_incl,
        discount_excl: Decimal::ZERO,
        discount_incl: Decimal::ZERO,
        vat_rate: rate,
    }
}

/// Builds an [`Article`].
///
/// ```
/// use rust_decimal_macros::dec;
/// use sync_core::testing::ArticleBuilder;
/// let a = ArticleBuilder::new("ART-1").quantity("QTY_AVAIL", dec!(5)).field("K1_WEBSHOP", true).build();
/// assert_eq!(a.quantity("QTY_AVAIL"), Some(dec!(5)));
/// ```
#[derive(Debug, Clone)]
pub struct ArticleBuilder {
    article: Article,
}

impl ArticleBuilder {
    /// An article with code `code` (description "Article {code}").
    pub fn new(code: &str) -> Self {
        Self {
            article: Article {
                code: code.to_owned(),
                description: format!("Article {code}"),
                ..Article::default()
            },
        }
    }

    /// Set the description.
    pub fn description(mut self, text: &str) -> Self {
        self.article.description = text.to_owned();
        self
    }

    /// Set the SKU.
    pub fn sku(mut self, sku: &str) -> Self {
        self.article.sku = Some(sku.to_owned());
        self
    }

    /// Set the EAN.
    pub fn ean(mut self, ean: &str) -> Self {
        self.article.ean = Some(ean.to_owned());
        self
    }

    /// Set the price and whether it includes VAT.
    pub fn price(mut self, price: Decimal, includes_vat: bool) -> Self {
        self.article.price = Some(price);
        self.article.price_includes_vat = Some(includes_vat);
        self
    }

    /// Set the VAT code.
    pub fn vat_code(mut self, code: &str) -> Self {
        self.article.vat_code = Some(code.to_owned());
        self
    }

    /// Set the article group.
    pub fn group(mut self, code: &str, name: &str) -> Self {
        self.article.group = Some(ArticleGroup {
            code: code.to_owned(),
            name: name.to_owned(),
        });
        self
    }

    /// Set a quantity column.
    pub fn quantity(mut self, column: &str, quantity: Decimal) -> Self {
        self.article.quantities.insert(column.to_owned(), quantity);
        self
    }

    /// Set a custom field.
    pub fn field(mut self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        self.article.fields.insert(name.to_owned(), value.into());
        self
    }

    /// Mark the article blocked.
    pub fn blocked(mut self) -> Self {
        self.article.blocked = true;
        self
    }

    /// Set the change time.
    pub fn changed_at(mut self, at: DateTime<Utc>) -> Self {
        self.article.changed_at = Some(at);
        self
    }

    /// Finish.
    pub fn build(self) -> Article {
        self.article
    }
}
