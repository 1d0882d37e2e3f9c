//! `[stock]`: how ledger quantities become shop stock levels.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Problems, Schedule};
use crate::domain::{Article, MatchKey};
use crate::formula::{Expression, FormulaError};

/// The stock formula.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockFormula {
    /// Technical stock: what is physically on the shelf.
    Technical,
    /// Available stock.
    Available,
    /// Available stock minus sales reservations (the default, as the incumbent integration sends).
    #[default]
    AvailableMinusReservations,
    /// Economic stock.
    Economic,
    /// An expression over quantity columns, e.g. `{ expression = "QTY_TECH - QTY_RES_SO - 2" }`
    /// (see [`crate::formula`]).
    Expression(String),
}

/// The quantity columns the built-in formulas read.
///
/// The defaults are AccountView column names; `QTY_RES_SO` (sales reservations) and `QTY_ECON`
/// (economic stock) are assumptions the reference could not confirm — check them with the field
/// dictionary on the first tenant and correct them here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StockColumns {
    /// Technical stock (default `QTY_TECH`).
    pub technical: String,
    /// Available stock (default `QTY_AVAIL`).
    pub available: String,
    /// Sales reservations (default `QTY_RES_SO`, unconfirmed).
    pub reserved_sales: String,
    /// Economic stock (default `QTY_ECON`, unconfirmed).
    pub economic: String,
}

impl Default for StockColumns {
    fn default() -> Self {
        Self {
            technical: "QTY_TECH".into(),
            available: "QTY_AVAIL".into(),
            reserved_sales: "QTY_RES_SO".into(),
            economic: "QTY_ECON".into(),
        }
    }
}

/// `[stock]`: the stock flow's settings. `Default` is a standard setup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StockConfig {
    /// Whether the flow runs (default on).
    pub enabled: bool,
    /// How often it runs (default every 15 minutes).
    pub schedule: Option<Schedule>,
    /// The formula (default available minus sales reservations).
    pub formula: StockFormula,
    /// The quantity columns the built-in formulas read.
    pub columns: StockColumns,
    /// A safety buffer subtracted from the result (default 0).
    pub buffer: Decimal,
    /// Round the result down to whole units (default true).
    pub whole_units: bool,
    /// Whether the shop tracks stock for synced variants (default true).
    pub manage_stock: bool,
    /// How articles are matched to shop variants (default SKU, EAN, article code).
    pub match_order: Vec<MatchKey>,
}

impl Default for StockConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            schedule: Some(Schedule::minutes(15)),
            formula: StockFormula::default(),
            columns: StockColumns::default(),
            buffer: Decimal::ZERO,
            whole_units: true,
            manage_stock: true,
            match_order: vec![MatchKey::Sku, MatchKey::Ean, MatchKey::ArticleCode],
        }
    }
}

/// The stock formula compiled, with buffer and rounding: `quantity(article)`.
#[derive(Debug, Clone, PartialEq)]
pub struct StockCalculator {
    expression: Expression,
    buffer: Decimal,
    whole_units: bool,
}

impl StockCalculator {
    /// The shop quantity for an article: the formula, minus the buffer, rounded down to whole units
    /// when configured, never below zero. Errors name a missing column.
    pub fn quantity(&self, article: &Article) -> Result<Decimal, FormulaError> {
        let raw = self.expression.eval(&|column| article.quantity(column))?;
        let mut quantity = raw - self.buffer;
        if self.whole_units {
            quantity = quantity.floor();
        }
        Ok(quantity.max(Decimal::ZERO))
    }

    /// The formula as text.
    pub fn expression(&self) -> &Expression {
        &self.expression
    }
}

impl StockConfig {
    /// Compile the formula.
    pub fn calculator(&self) -> Result<StockCalculator, FormulaError> {
        let c = &self.columns;
        let expression = match &self.formula {
            StockFormula::Technical => Expression::column(&c.technical),
            StockFormula::Available => Expression::column(&c.available),
            StockFormula::AvailableMinusReservations => {
                Expression::difference(&c.available, &c.reserved_sales)
            }
            StockFormula::Economic => Expression::column(&c.economic),
            StockFormula::Expression(text) => Expression::parse(text)?,
        };
        Ok(StockCalculator {
            expression,
            buffer: self.buffer,
            whole_units: self.whole_units,
        })
    }

    pub(super) fn collect_problems(&self, p: &mut Problems) {
        if let Err(e) = self.calculator() {
            p.add("stock.formula", e.to_string());
        }
        let c = &self.columns;
        for (name, value) in [
            ("technical", &c.technical),
            ("available", &c.available),
            ("reserved_sales", &c.reserved_sales),
            ("economic", &c.economic),
        ] {
            p.require(&format!("stock.columns.{name}"), value);
        }
        if self.buffer < Decimal::ZERO {
            p.add("stock.buffer", "must not be negative");
        }
        p.match_order("stock.match_order", &self.match_order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ArticleBuilder;
    use rust_decimal_macros::dec;

    fn article() -> Article {
        ArticleBuilder::new("A")
            .quantity("QTY_TECH", dec!(10))
            .quantity("QTY_AVAIL", dec!(8))
            .quantity("QTY_RES_SO", dec!(3))
            .quantity("QTY_ECON", dec!(12.5))
            .build()
    }

    fn quantity(config: StockConfig) -> Result<Decimal, FormulaError> {
        config.calculator()?.quantity(&article())
    }

    #[test]
    fn built_in_formulas() {
        let with = |formula| StockConfig {
            formula,
            ..StockConfig::default()
        };
        assert_eq!(quantity(with(StockFormula::Technical)).unwrap(), dec!(10));
        assert_eq!(quantity(with(StockFormula::Available)).unwrap(), dec!(8));
        assert_eq!(
            quantity(StockConfig::default()).unwrap(),
            dec!(5),
            "default: available - reservations"
        );
        assert_eq!(
            quantity(with(StockFormula::Economic)).unwrap(),
            dec!(12),
            "rounded down"
        );
        let fractional = StockConfig {
            whole_units: false,
            ..with(StockFormula::Economic)
        };
        assert_eq!(quantity(fractional).unwrap(), dec!(12.5));
    }

    #[test]
    fn expression_buffer_and_floor_at_zero() {
        let config = StockConfig {
            formula: StockFormula::Expression("min(QTY_TECH, QTY_AVAIL) - QTY_RES_SO".into()),
            buffer: dec!(2),
            ..StockConfig::default()
        };
        assert_eq!(quantity(config.clone()).unwrap(), dec!(3));
        let config = StockConfig {
            buffer: dec!(50),
            ..config
        };
        assert_eq!(quantity(config).unwrap(), dec!(0), "never below zero");
    }

    #[test]
    fn missing_column_is_named() {
        let config = StockConfig {
            columns: StockColumns {
                reserved_sales: "QTY_RESERVED".into(),
                ..StockColumns::default()
            },
            ..StockConfig::default()
        };
        let err = quantity(config).unwrap_err();
        assert!(err.to_string().contains("QTY_RESERVED"), "{err}");
    }

    #[test]
    fn validation_reports_every_problem() {
        let config = StockConfig {
            formula: StockFormula::Expression("QTY_TECH -".into()),
            buffer: dec!(-1),
            match_order: vec![],
            ..StockConfig::default()
        };
        let problems = config.validate();
        let paths: Vec<_> = problems.iter().map(|x| x.path.as_str()).collect();
        assert_eq!(
            paths,
            ["stock.formula", "stock.buffer", "stock.match_order"]
        );
    }
}
