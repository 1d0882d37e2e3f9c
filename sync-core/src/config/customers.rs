//! `[customers]`: the customer flow in both directions.

use serde::{Deserialize, Serialize};

use super::country_rules::{
    CountryMatch, RevenueAccountRule, VatCodeRule, find_revenue_account, find_vat_code,
};
use super::{HumanDuration, Problems, Schedule};
use crate::domain::CountryCode;

/// `[customers]`: the customer flow's settings. Customers are matched by normalised e-mail address.
/// New debtors are numbered and get the control account as `[orders]` says (`debtor_numbering`,
/// `debtor_control_account`): one policy per administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CustomersConfig {
    /// Whether the flow runs (default off).
    pub enabled: bool,
    /// How often it polls (default every 15 minutes).
    pub schedule: Option<Schedule>,
    /// Shop customers → ledger debtors (default on).
    pub to_ledger: bool,
    /// Ledger debtors → shop customers (default off).
    pub to_shop: bool,
    /// Revenue account for new debtors per country. Defaults: NL `8000`, EU `8010`, non-EU `8100`.
    pub revenue_accounts: Vec<RevenueAccountRule>,
    /// Default VAT code for new debtors per country (rules without a rate). Defaults: NL `2`,
    /// EU `2`, non-EU `0` — sample codes, to be corrected on the first tenant.
    pub vat_codes: Vec<VatCodeRule>,
    /// The payment condition for new debtors.
    pub payment_condition: Option<String>,
    /// A change arriving within this time after Koppel wrote the same record is checked against the
    /// written content and dropped if it is our own echo (default 10 minutes).
    pub echo_window: HumanDuration,
}

impl Default for CustomersConfig {
    fn default() -> Self {
        let nl = CountryMatch::Country(CountryCode::NL);
        Self {
            enabled: false,
            schedule: Some(Schedule::minutes(15)),
            to_ledger: true,
            to_shop: false,
            revenue_accounts: vec![
                RevenueAccountRule::new(nl, "8000"),
                RevenueAccountRule::new(CountryMatch::Eu, "8010"),
                RevenueAccountRule::new(CountryMatch::NonEu, "8100"),
            ],
            vat_codes: vec![
                VatCodeRule::new(nl, None, "2"),
                VatCodeRule::new(CountryMatch::Eu, None, "2"),
                VatCodeRule::new(CountryMatch::NonEu, None, "0"),
            ],
            payment_condition: None,
            echo_window: HumanDuration::minutes(10),
        }
    }
}

impl CustomersConfig {
    /// The revenue account for a new debtor in `country`.
    pub fn revenue_account(&self, country: Option<CountryCode>) -> Option<&str> {
        find_revenue_account(&self.revenue_accounts, country)
    }

    /// The default VAT code for a new debtor in `country`.
    pub fn default_vat_code(
        &self,
        country: Option<CountryCode>,
        has_vat_number: bool,
    ) -> Option<&str> {
        find_vat_code(&self.vat_codes, country, None, has_vat_number)
    }

    pub(super) fn collect_problems(&self, p: &mut Problems) {
        if self.enabled && !self.to_ledger && !self.to_shop {
            p.add(
                "customers",
                "enabled, but neither `to_ledger` nor `to_shop` is on",
            );
        }
        for (i, rule) in self.revenue_accounts.iter().enumerate() {
            p.require(
                &format!("customers.revenue_accounts[{i}].account"),
                &rule.account,
            );
        }
        super::validate_vat_rules(p, "customers.vat_codes", &self.vat_codes);
        for (i, rule) in self.vat_codes.iter().enumerate() {
            if rule.rate.is_some() {
                p.add(
                    &format!("customers.vat_codes[{i}].rate"),
                    "debtor default VAT codes take no rate",
                );
            }
        }
        if let Some(condition) = &self.payment_condition {
            p.require("customers.payment_condition", condition);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_country_defaults_for_new_debtors() {
        let c = CustomersConfig::default();
        let be = Some(CountryCode::BE);
        let us = CountryCode::parse("US").ok();
        assert_eq!(c.revenue_account(Some(CountryCode::NL)), Some("8000"));
        assert_eq!(c.revenue_account(be), Some("8010"));
        assert_eq!(c.revenue_account(us), Some("8100"));
        assert_eq!(c.default_vat_code(Some(CountryCode::NL), false), Some("2"));
        assert_eq!(c.default_vat_code(us, false), Some("0"));
    }
}
