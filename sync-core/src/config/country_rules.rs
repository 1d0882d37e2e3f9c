//! Rules chosen by country: VAT codes per (country, rate) and revenue accounts per country, with
//! EU / non-EU groups and a catch-all.
//!
//! Precedence: the most specific rule wins — an exact country beats the EU / non-EU group, which beats
//! `any`; then a rule for the exact rate beats one for any rate; then a rule with a VAT-number condition
//! beats one without. Among equally specific rules the first listed wins.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::{CountryCode, VatRate};

/// Which countries a rule applies to. Written as `"NL"`, `"EU"`, `"NON_EU"` or `"ANY"` (`"*"`),
/// case-insensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum CountryMatch {
    /// One country.
    Country(CountryCode),
    /// Any of the 27 EU member states.
    Eu,
    /// Any country outside the EU.
    NonEu,
    /// Every country, and orders without a country.
    Any,
}

impl CountryMatch {
    /// Whether the rule applies to `country` (`None` = unknown country: only `Any` applies).
    pub fn matches(self, country: Option<CountryCode>) -> bool {
        match (self, country) {
            (Self::Any, _) => true,
            (_, None) => false,
            (Self::Country(c), Some(k)) => c == k,
            (Self::Eu, Some(k)) => k.is_eu(),
            (Self::NonEu, Some(k)) => !k.is_eu(),
        }
    }

    fn specificity(self) -> u8 {
        match self {
            Self::Country(_) => 2,
            Self::Eu | Self::NonEu => 1,
            Self::Any => 0,
        }
    }
}

impl TryFrom<String> for CountryMatch {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.trim().to_ascii_uppercase().replace('-', "_").as_str() {
            "EU" => Ok(Self::Eu),
            "NON_EU" | "NONEU" => Ok(Self::NonEu),
            "ANY" | "*" => Ok(Self::Any),
            other => CountryCode::parse(other)
                .map(Self::Country)
                .map_err(|_| format!("`{value}` is not a country code, EU, NON_EU or ANY")),
        }
    }
}

impl From<CountryMatch> for String {
    fn from(value: CountryMatch) -> Self {
        value.to_string()
    }
}

impl fmt::Display for CountryMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Country(c) => f.write_str(c.as_str()),
            Self::Eu => f.write_str("EU"),
            Self::NonEu => f.write_str("NON_EU"),
            Self::Any => f.write_str("ANY"),
        }
    }
}

/// A ledger VAT code for a country (group), optionally for one rate and for customers with or
/// without a VAT number (EU business customers: reverse charge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VatCodeRule {
    /// The countries.
    pub country: CountryMatch,
    /// The VAT rate as a percentage (`21`); absent = any rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Decimal>,
    /// Only for customers with (`true`) or without (`false`) a VAT number; absent = both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_number: Option<bool>,
    /// The ledger's VAT code.
    pub code: String,
}

impl VatCodeRule {
    /// A rule for `country` at `rate` percent.
    pub fn new(country: CountryMatch, rate: Option<i64>, code: &str) -> Self {
        Self {
            country,
            rate: rate.map(Decimal::from),
            vat_number: None,
            code: code.to_owned(),
        }
    }
}

/// A revenue account for a country (group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevenueAccountRule {
    /// The countries.
    pub country: CountryMatch,
    /// The ledger account number.
    pub account: String,
}

impl RevenueAccountRule {
    /// A rule for `country`.
    pub fn new(country: CountryMatch, account: &str) -> Self {
        Self {
            country,
            account: account.to_owned(),
        }
    }
}

/// The most specific VAT code for `country`, `rate` and whether the customer has a VAT number.
/// `rate = None` asks for a rule without a rate (a debtor's default VAT code).
pub fn find_vat_code(
    rules: &[VatCodeRule],
    country: Option<CountryCode>,
    rate: Option<VatRate>,
    has_vat_number: bool,
) -> Option<&str> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.country.matches(country))
        .filter(|(_, r)| match (r.rate, rate) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(percent), Some(rate)) => VatRate::from_percentage(percent) == rate,
        })
        .filter(|(_, r)| r.vat_number.is_none_or(|wanted| wanted == has_vat_number))
        .max_by_key(|(i, r)| {
            (
                r.country.specificity(),
                r.rate.is_some(),
                r.vat_number.is_some(),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(_, r)| r.code.as_str())
}

/// The most specific revenue account for `country`.
pub fn find_revenue_account(
    rules: &[RevenueAccountRule],
    country: Option<CountryCode>,
) -> Option<&str> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.country.matches(country))
        .max_by_key(|(i, r)| (r.country.specificity(), std::cmp::Reverse(*i)))
        .map(|(_, r)| r.account.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Option<CountryCode> {
        Some(CountryCode::parse(code).unwrap())
    }

    fn m(text: &str) -> CountryMatch {
        CountryMatch::try_from(text.to_owned()).unwrap()
    }

    #[test]
    fn country_match_parsing_and_matching() {
        assert_eq!(m("nl"), CountryMatch::Country(CountryCode::NL));
        assert_eq!(m("eu"), CountryMatch::Eu);
        assert_eq!(m("non-eu"), CountryMatch::NonEu);
        assert_eq!(m("*"), CountryMatch::Any);
        assert!(CountryMatch::try_from("Holland".to_owned()).is_err());
        assert!(m("EU").matches(c("BE")));
        assert!(!m("EU").matches(c("CH")));
        assert!(m("NON_EU").matches(c("US")));
        assert!(!m("NL").matches(None));
        assert!(m("ANY").matches(None));
        assert_eq!(String::from(m("non_eu")), "NON_EU");
    }

    #[test]
    fn vat_code_precedence() {
        let rules = vec![
            VatCodeRule::new(CountryMatch::Any, None, "ANY"),
            VatCodeRule::new(CountryMatch::Eu, Some(21), "EU21"),
            VatCodeRule::new(CountryMatch::Country(CountryCode::NL), Some(21), "2"),
            VatCodeRule::new(CountryMatch::Country(CountryCode::NL), Some(9), "1"),
            VatCodeRule::new(CountryMatch::Country(CountryCode::NL), None, "NL-ANY"),
            VatCodeRule {
                vat_number: Some(true),
                ..VatCodeRule::new(CountryMatch::Eu, Some(0), "ICP")
            },
            VatCodeRule::new(CountryMatch::Eu, Some(0), "EU0"),
        ];
        let r = |p: i64| Some(VatRate::from_percentage(p));
        assert_eq!(find_vat_code(&rules, c("NL"), r(21), false), Some("2"));
        assert_eq!(find_vat_code(&rules, c("NL"), r(9), false), Some("1"));
        assert_eq!(
            find_vat_code(&rules, c("NL"), r(6), false),
            Some("NL-ANY"),
            "exact country, any rate"
        );
        assert_eq!(find_vat_code(&rules, c("BE"), r(21), false), Some("EU21"));
        assert_eq!(
            find_vat_code(&rules, c("BE"), r(0), true),
            Some("ICP"),
            "reverse charge"
        );
        assert_eq!(find_vat_code(&rules, c("BE"), r(0), false), Some("EU0"));
        assert_eq!(find_vat_code(&rules, c("US"), r(0), false), Some("ANY"));
        assert_eq!(find_vat_code(&rules, None, r(21), false), Some("ANY"));
        assert_eq!(
            find_vat_code(&rules, c("NL"), None, false),
            Some("NL-ANY"),
            "debtor default"
        );
        assert_eq!(find_vat_code(&rules[1..4], c("US"), r(21), false), None);
        // Equal specificity: the first listed wins.
        let tie = vec![
            VatCodeRule::new(CountryMatch::Eu, None, "first"),
            VatCodeRule::new(CountryMatch::Eu, None, "second"),
        ];
        assert_eq!(find_vat_code(&tie, c("DE"), r(19), false), Some("first"));
    }

    #[test]
    fn revenue_account_precedence() {
        let rules = vec![
            RevenueAccountRule::new(CountryMatch::NonEu, "8100"),
            RevenueAccountRule::new(CountryMatch::Eu, "8010"),
            RevenueAccountRule::new(CountryMatch::Country(CountryCode::NL), "8000"),
        ];
        assert_eq!(find_revenue_account(&rules, c("NL")), Some("8000"));
        assert_eq!(find_revenue_account(&rules, c("DE")), Some("8010"));
        assert_eq!(find_revenue_account(&rules, c("GB")), Some("8100"));
        assert_eq!(find_revenue_account(&rules, None), None);
        let mut with_any = rules.clone();
        with_any.push(RevenueAccountRule::new(CountryMatch::Any, "8999"));
        assert_eq!(find_revenue_account(&with_any, None), Some("8999"));
        assert_eq!(find_revenue_account(&with_any, c("BE")), Some("8010"));
    }
}
