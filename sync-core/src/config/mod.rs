//! Configuration: serde types (TOML) for everything a merchant configures, with validation and
//! defaults that work for a standard Dutch setup.
//!
//! The binary embeds the four flow sections as `[orders]`, `[stock]`, `[products]` and `[customers]`
//! ([`OrdersConfig`], [`StockConfig`], [`ProductsConfig`], [`CustomersConfig`]); [`SyncConfig`] is
//! the four together. Every section rejects unknown keys (a typo is an error naming the key and its
//! line), has a `Default`, and is checked by `validate()`, which returns *all* problems at once.
//!
//! Strings may hold `${ENV_VAR}` placeholders (see [`resolve_env`]); [`from_toml_str`] resolves them
//! after checking the file's structure, so secrets stay out of files and out of error messages.
//! Placeholders are meant for text settings; typed settings (numbers, durations, country codes) are
//! checked before resolution and must be written literally.
//!
//! Values that depend on the ledger administration (VAT codes, accounts, article codes, field and
//! column names) are documented defaults for AccountView that the first live tenant must confirm.

mod article_filter;
mod country_rules;
mod customers;
mod duration;
mod env;
mod external_reference;
mod orders;
mod ownership;
mod products;
mod stock;

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::domain::MatchKey;
use crate::error::SyncError;

pub use article_filter::{ArticleCondition, ConditionOp};
pub use country_rules::{
    CountryMatch, RevenueAccountRule, VatCodeRule, find_revenue_account, find_vat_code,
};
pub use customers::CustomersConfig;
pub use duration::{HumanDuration, Schedule, format_duration, parse_duration};
pub use env::{resolve_env, resolve_env_in_value, resolve_env_with};
pub use external_reference::ExternalReferenceConfig;
pub use orders::{
    BookingTarget, DebtorNumbering, DiscountMode, OrdersConfig, PaymentMapping, SpecialArticles,
};
pub use ownership::{FieldOwnership, Ownership};
pub use products::{
    CategoryConfig, CategoryMode, FieldMapping, ImageConfig, PriceConfig, ProductsConfig,
};
pub use stock::{StockCalculator, StockColumns, StockConfig, StockFormula};

/// One thing wrong with a configuration: where (dotted path) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigProblem {
    /// The setting, e.g. `orders.vat_codes[2].code`.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Collects problems during validation.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub(crate) Vec<ConfigProblem>);

impl Problems {
    pub(crate) fn add(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(ConfigProblem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    pub(crate) fn require(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(path, "must not be empty");
        }
    }

    pub(crate) fn match_order(&mut self, path: &str, keys: &[MatchKey]) {
        if keys.is_empty() {
            self.add(path, "needs at least one of article_code, sku, ean");
        }
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].contains(key) {
                self.add(path, format!("`{}` is listed twice", key.as_str()));
            }
        }
    }
}

pub(crate) fn validate_vat_rules(p: &mut Problems, path: &str, rules: &[VatCodeRule]) {
    for (i, rule) in rules.iter().enumerate() {
        p.require(&format!("{path}[{i}].code"), &rule.code);
        if let Some(rate) = rule.rate
            && (rate < rust_decimal::Decimal::ZERO || rate > rust_decimal::Decimal::ONE_HUNDRED)
        {
            p.add(
                &format!("{path}[{i}].rate"),
                "must be a percentage between 0 and 100",
            );
        }
    }
}

/// Why a configuration could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML is malformed or does not fit the types (unknown key, wrong type…).
    #[error("{message}{}", location(*.line, *.column))]
    Parse {
        /// The parser's explanation (names the key for unknown keys).
        message: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
    },
    /// A `${VAR}` placeholder names a variable that is not set.
    #[error("environment variable `{name}` is not set (used in `{path}`)")]
    MissingEnv {
        /// The variable.
        name: String,
        /// The setting that uses it.
        path: String,
    },
    /// A malformed `${…}` placeholder.
    #[error("invalid placeholder in `{path}`: {message}")]
    BadPlaceholder {
        /// The setting.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The configuration parsed but is invalid; every problem is listed.
    #[error("invalid configuration: {}", list(.0))]
    Invalid(Vec<ConfigProblem>),
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        (Some(l), None) => format!(" (line {l})"),
        _ => String::new(),
    }
}

fn list(problems: &[ConfigProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<ConfigError> for SyncError {
    /// Configuration errors stop the run.
    fn from(error: ConfigError) -> Self {
        SyncError::config(error.to_string()).with_source(error)
    }
}

fn parse_error(text: &str, error: &toml::de::Error) -> ConfigError {
    let (line, column) = match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    ConfigError::Parse {
        message: error.message().trim().to_owned(),
        line,
        column,
    }
}

/// Load any configuration type from TOML text, resolving `${ENV}` placeholders from the process
/// environment. The structure is checked first, on the text as written, so errors carry line
/// numbers and never quote a resolved secret.
pub fn from_toml_str<T: DeserializeOwned>(text: &str) -> Result<T, ConfigError> {
    from_toml_str_with_env(text, &|name| std::env::var(name).ok())
}

/// [`from_toml_str`] with an explicit variable lookup (for tests and secret providers).
pub fn from_toml_str_with_env<T: DeserializeOwned>(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<T, ConfigError> {
    toml::from_str::<T>(text).map_err(|e| parse_error(text, &e))?;
    let table: toml::Table = toml::from_str(text).map_err(|e| parse_error(text, &e))?;
    let mut value = toml::Value::Table(table);
    resolve_env_in_value(&mut value, lookup)?;
    value
        .try_into()
        .map_err(|e: toml::de::Error| ConfigError::Parse {
            message: e.message().trim().to_owned(),
            line: None,
            column: None,
        })
}

/// The four flow sections together. Each section is optional in TOML and defaults to a standard
/// Dutch setup.
///
/// ```
/// use sync_core::config::SyncConfig;
/// let config = SyncConfig::from_toml(r#"
///     [orders]
///     target = "sales_invoice"
///     [stock]
///     buffer = 1
/// "#).unwrap();
/// assert_eq!(config.orders.debtor_control_account, "1300");
/// assert!(SyncConfig::from_toml("[orders]\ntarge = 1").is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    /// `[orders]`.
    pub orders: OrdersConfig,
    /// `[stock]`.
    pub stock: StockConfig,
    /// `[products]`.
    pub products: ProductsConfig,
    /// `[customers]`.
    pub customers: CustomersConfig,
}

impl SyncConfig {
    /// Load from TOML (resolving `${ENV}`) and validate.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let config: Self = from_toml_str(text)?;
        config.check()?;
        Ok(config)
    }

    /// Every problem in every section (empty = valid).
    pub fn validate(&self) -> Vec<ConfigProblem> {
        let mut p = Problems::default();
        self.orders.collect_problems(&mut p);
        self.stock.collect_problems(&mut p);
        self.products.collect_problems(&mut p);
        self.customers.collect_problems(&mut p);
        p.0
    }

    /// [`validate`](Self::validate) as a `Result`.
    pub fn check(&self) -> Result<(), ConfigError> {
        let problems = self.validate();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid(problems))
        }
    }

    /// Write the configuration as TOML (for the setup wizard).
    pub fn to_toml(&self) -> Result<String, SyncError> {
        toml::to_string(self)
            .map_err(|e| SyncError::config(format!("cannot write configuration: {e}")))
    }
}

macro_rules! section_validate {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Every problem in this section (empty = valid); paths start with the section name.
            pub fn validate(&self) -> Vec<ConfigProblem> {
                let mut p = Problems::default();
                self.collect_problems(&mut p);
                p.0
            }
        }
    )*};
}
section_validate!(OrdersConfig, StockConfig, ProductsConfig, CustomersConfig);

#[cfg(test)]
mod tests;
