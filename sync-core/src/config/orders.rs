//! `[orders]`: how shop orders become ledger bookings.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::country_rules::{
    CountryMatch, RevenueAccountRule, VatCodeRule, find_revenue_account, find_vat_code,
};
use super::{ExternalReferenceConfig, HumanDuration, Problems, Schedule};
use crate::domain::{CountryCode, MatchKey, OrderFilter, SalesDocumentKind, VatRate};
use crate::traits::{DebtorNumberRange, WriteBack};

/// What an order is booked as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingTarget {
    /// A sales order (the ledger invoices it).
    #[default]
    SalesOrder,
    /// A sales invoice posted in the sales journal.
    SalesInvoice,
}

impl BookingTarget {
    /// The document kind this target books.
    pub fn document_kind(self) -> SalesDocumentKind {
        match self {
            Self::SalesOrder => SalesDocumentKind::SalesOrder,
            Self::SalesInvoice => SalesDocumentKind::SalesInvoice,
        }
    }
}

/// How new debtors are numbered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum DebtorNumbering {
    /// The next free number in a range.
    NextFree {
        /// Lowest number.
        from: u64,
        /// Highest number.
        to: u64,
    },
    /// The shop's customer id with a prefix (`"LS"` + `12345`).
    FromCustomerId {
        /// Text before the customer id.
        #[serde(default)]
        prefix: String,
    },
}

impl Default for DebtorNumbering {
    fn default() -> Self {
        Self::NextFree {
            from: 10_000,
            to: 19_999,
        }
    }
}

impl DebtorNumbering {
    /// The range for `next_free`, if that is the mode.
    pub fn range(&self) -> Option<DebtorNumberRange> {
        match self {
            Self::NextFree { from, to } => Some(DebtorNumberRange {
                from: *from,
                to: *to,
            }),
            Self::FromCustomerId { .. } => None,
        }
    }
}

/// A payment method's ledger codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentMapping {
    /// The ledger's payment condition (terms) code.
    pub condition: Option<String>,
    /// The ledger's payment method code.
    pub code: Option<String>,
}

/// Article codes for lines that are not shop articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpecialArticles {
    /// Shipping costs (default `VERZEND`).
    pub shipping: String,
    /// Payment costs (default `BETAALKOSTEN`).
    pub payment_cost: String,
    /// Order-level discounts (default `KORTING`).
    pub discount: String,
    /// Rounding differences (default `AFRONDING`).
    pub rounding: String,
}

impl Default for SpecialArticles {
    fn default() -> Self {
        Self {
            shipping: "VERZEND".into(),
            payment_cost: "BETAALKOSTEN".into(),
            discount: "KORTING".into(),
            rounding: "AFRONDING".into(),
        }
    }
}

/// How an order-level discount is booked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscountMode {
    /// As a negative line with the discount article.
    #[default]
    Line,
    /// As a discount amount on the document header.
    Header,
}

/// `[orders]`: the order flow's settings. `Default` is a standard Dutch setup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrdersConfig {
    /// Whether the flow runs (default on).
    pub enabled: bool,
    /// How often it polls (default every 5 minutes); absent = only on demand or webhook.
    pub schedule: Option<Schedule>,
    /// Which orders are booked (default: paid orders only).
    pub filter: OrderFilter,
    /// Historic import: the first run reads orders from this date instead of from now. Written as a
    /// TOML date (`2024-01-01`) or a string.
    #[serde(with = "optional_date")]
    pub import_from: Option<NaiveDate>,
    /// How far each poll re-reads behind the cursor (default 10 minutes); duplicates are removed.
    pub look_back: HumanDuration,
    /// Sales order or sales invoice.
    pub target: BookingTarget,
    /// Whether amounts are entered including VAT — the ledger administration's gross/net setting
    /// (default true).
    pub amounts_include_vat: bool,
    /// Book every order on this (collective) debtor instead of per customer.
    pub default_debtor: Option<String>,
    /// How new debtors are numbered (default next free in 10000..=19999).
    pub debtor_numbering: DebtorNumbering,
    /// The debtors control account for new debtors (default `1300`).
    pub debtor_control_account: String,
    /// The order in which order lines are matched to ledger articles.
    pub article_matching: Vec<MatchKey>,
    /// An article to book lines on whose article is missing; absent = such orders are dead-lettered.
    pub fallback_article: Option<String>,
    /// VAT code per country and rate. Defaults: NL 21 % → `2`, 9 % → `1`, 0 % → `0` — AccountView
    /// sample codes, to be corrected on the first tenant.
    pub vat_codes: Vec<VatCodeRule>,
    /// Revenue account per country. Defaults: NL `8000`, EU `8010`, non-EU `8100`.
    pub revenue_accounts: Vec<RevenueAccountRule>,
    /// Payment method (as the shop names it, case-insensitive) → payment condition and method code.
    pub payment_methods: BTreeMap<String, PaymentMapping>,
    /// The payment condition when the method has no mapping.
    pub default_payment_condition: Option<String>,
    /// Shipping method (case-insensitive) → ledger shipping method code.
    pub shipping_methods: BTreeMap<String, String>,
    /// Articles for shipping, payment costs, discounts and rounding.
    pub articles: SpecialArticles,
    /// How order-level discounts are booked.
    pub order_discount: DiscountMode,
    /// The largest difference between the shop total and the booked lines that may be booked on the
    /// rounding line (default 0.05); a larger one is an error.
    pub rounding_tolerance: Decimal,
    /// The external reference and where it is stored.
    pub external_reference: ExternalReferenceConfig,
    /// The sales journal for invoices (default `700`).
    pub sales_journal: String,
    /// Write the booking number back to the shop.
    pub write_back: WriteBack,
    /// Whether shop credit notes are booked as credit notes (default off).
    pub credit_notes: bool,
    /// How long one order (or credit note) may take from its claim to its write (default 5
    /// minutes). Past it the record is not written but left for the next run. Never more than half
    /// the state store's claim stale age (15 minutes by default): the rest is the margin that keeps
    /// another worker from taking the claim over while the write is on its way.
    pub record_deadline: HumanDuration,
    /// After a write whose outcome is unknown (the connection broke after the request went out)
    /// and a lookup that does not find it yet: how long the record's claim is kept before the
    /// record is looked up again and, only if it is still not there, written again (default 10
    /// minutes). Give the ledger's relay the time it may take to commit a late write.
    pub ambiguous_write_recheck: HumanDuration,
}

impl Default for OrdersConfig {
    fn default() -> Self {
        let nl = CountryMatch::Country(CountryCode::NL);
        Self {
            enabled: true,
            schedule: Some(Schedule::minutes(5)),
            filter: OrderFilter::default(),
            import_from: None,
            look_back: HumanDuration::minutes(10),
            target: BookingTarget::SalesOrder,
            amounts_include_vat: true,
            default_debtor: None,
            debtor_numbering: DebtorNumbering::default(),
            debtor_control_account: "1300".into(),
            article_matching: vec![MatchKey::ArticleCode, MatchKey::Sku, MatchKey::Ean],
            fallback_article: None,
            vat_codes: vec![
                VatCodeRule::new(nl, Some(21), "2"),
                VatCodeRule::new(nl, Some(9), "1"),
                VatCodeRule::new(nl, Some(0), "0"),
            ],
            revenue_accounts: vec![
                RevenueAccountRule::new(nl, "8000"),
                RevenueAccountRule::new(CountryMatch::Eu, "8010"),
                RevenueAccountRule::new(CountryMatch::NonEu, "8100"),
            ],
            payment_methods: BTreeMap::new(),
            default_payment_condition: None,
            shipping_methods: BTreeMap::new(),
            articles: SpecialArticles::default(),
            order_discount: DiscountMode::Line,
            rounding_tolerance: Decimal::new(5, 2),
            external_reference: ExternalReferenceConfig::default(),
            sales_journal: "700".into(),
            write_back: WriteBack::None,
            credit_notes: false,
            record_deadline: HumanDuration::minutes(5),
            ambiguous_write_recheck: HumanDuration::minutes(10),
        }
    }
}

fn find_ci<'a, V>(map: &'a BTreeMap<String, V>, key: &str) -> Option<&'a V> {
    let key = key.trim();
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

impl OrdersConfig {
    /// The VAT code for a line taxed at `rate` for a customer in `country`.
    pub fn vat_code(
        &self,
        country: Option<CountryCode>,
        rate: VatRate,
        has_vat_number: bool,
    ) -> Option<&str> {
        find_vat_code(&self.vat_codes, country, Some(rate), has_vat_number)
    }

    /// The revenue account for a customer in `country`.
    pub fn revenue_account(&self, country: Option<CountryCode>) -> Option<&str> {
        find_revenue_account(&self.revenue_accounts, country)
    }

    /// The payment condition and method code for a shop payment method.
    pub fn payment(&self, method: &str) -> PaymentMapping {
        let mut mapping = find_ci(&self.payment_methods, method)
            .cloned()
            .unwrap_or_default();
        if mapping.condition.is_none() {
            mapping
                .condition
                .clone_from(&self.default_payment_condition);
        }
        mapping
    }

    /// The ledger's shipping method code for a shop shipping method.
    pub fn shipping_code(&self, method: &str) -> Option<&str> {
        find_ci(&self.shipping_methods, method).map(String::as_str)
    }

    pub(super) fn collect_problems(&self, p: &mut Problems) {
        for (path, values) in [
            ("orders.filter.statuses", &self.filter.statuses),
            (
                "orders.filter.payment_statuses",
                &self.filter.payment_statuses,
            ),
            (
                "orders.filter.shipment_statuses",
                &self.filter.shipment_statuses,
            ),
        ] {
            for (i, v) in values.iter().enumerate() {
                p.require(&format!("{path}[{i}]"), v);
            }
        }
        if let Some(debtor) = &self.default_debtor {
            p.require("orders.default_debtor", debtor);
        }
        if let DebtorNumbering::NextFree { from, to } = self.debtor_numbering
            && (from == 0 || from > to)
        {
            p.add(
                "orders.debtor_numbering",
                format!("`from` ({from}) must be at least 1 and not above `to` ({to})"),
            );
        }
        p.require(
            "orders.debtor_control_account",
            &self.debtor_control_account,
        );
        p.match_order("orders.article_matching", &self.article_matching);
        if let Some(fallback) = &self.fallback_article {
            p.require("orders.fallback_article", fallback);
        }
        super::validate_vat_rules(p, "orders.vat_codes", &self.vat_codes);
        for (i, rule) in self.revenue_accounts.iter().enumerate() {
            p.require(
                &format!("orders.revenue_accounts[{i}].account"),
                &rule.account,
            );
        }
        for (method, code) in &self.shipping_methods {
            p.require(&format!("orders.shipping_methods.{method}"), code);
        }
        let a = &self.articles;
        for (name, value) in [
            ("shipping", &a.shipping),
            ("payment_cost", &a.payment_cost),
            ("discount", &a.discount),
            ("rounding", &a.rounding),
        ] {
            p.require(&format!("orders.articles.{name}"), value);
        }
        if self.rounding_tolerance < Decimal::ZERO {
            p.add("orders.rounding_tolerance", "must not be negative");
        }
        self.external_reference.validate(p);
        if self.target == BookingTarget::SalesInvoice {
            p.require("orders.sales_journal", &self.sales_journal);
        }
        match &self.write_back {
            WriteBack::CustomStatus { id } => p.require("orders.write_back.id", id),
            WriteBack::Metafield { key } => p.require("orders.write_back.key", key),
            WriteBack::None => {}
        }
    }
}

/// `Option<NaiveDate>` from a TOML date literal or a `YYYY-MM-DD` string; written as a string.
mod optional_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        value: &Option<NaiveDate>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(date) => serializer.serialize_str(&date.format("%Y-%m-%d").to_string()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        let text = match toml::Value::deserialize(deserializer)? {
            toml::Value::String(s) => s,
            toml::Value::Datetime(d) => d.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a date, found {}",
                    other.type_str()
                )));
            }
        };
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
    }
}
