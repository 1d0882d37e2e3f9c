//! Currencies, amounts, VAT rates and the one rounding rule.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::DomainError;

/// Round to cents, half away from zero (`0.005 → 0.01`, `-0.005 → -0.01`).
///
/// This is the only rounding rule for money in Koppel; every place that rounds an amount calls it.
///
/// ```
/// use rust_decimal::Decimal;
/// use sync_core::domain::round_cents;
/// assert_eq!(round_cents(Decimal::new(2_345, 3)), Decimal::new(235, 2)); // 2.345 -> 2.35
/// assert_eq!(round_cents(Decimal::new(-2_345, 3)), Decimal::new(-235, 2));
/// ```
pub fn round_cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// An ISO 4217 currency code (`EUR`), stored uppercase. Defaults to EUR.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// The euro.
    pub const EUR: Self = Self(*b"EUR");

    /// Trim, uppercase and check that `text` is three ASCII letters.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let trimmed = text.trim();
        match trimmed.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_alphabetic()) => Ok(Self([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(DomainError::InvalidCurrency(trimmed.to_owned())),
        }
    }

    /// The uppercase code.
    pub fn as_str(&self) -> &str {
        // Three ASCII letters by construction, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl Default for Currency {
    fn default() -> Self {
        Self::EUR
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Currency {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

/// An amount of money in a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount (not rounded unless the producer rounded it).
    pub amount: Decimal,
    /// The currency.
    #[serde(default)]
    pub currency: Currency,
}

impl Money {
    /// An amount in `currency`.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// An amount in euros.
    pub fn eur(amount: Decimal) -> Self {
        Self::new(amount, Currency::EUR)
    }

    /// The same money rounded with [`round_cents`].
    #[must_use]
    pub fn round_cents(self) -> Self {
        Self::new(round_cents(self.amount), self.currency)
    }

    /// The sum of two amounts, or `None` when the currencies differ or the sum overflows.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        (self.currency == other.currency)
            .then(|| self.amount.checked_add(other.amount))
            .flatten()
            .map(|amount| Self::new(amount, self.currency))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount)
    }
}

/// A VAT rate as a fraction: 21 % is `0.21`.
///
/// ```
/// use rust_decimal::Decimal;
/// use sync_core::domain::VatRate;
/// let rate = VatRate::from_percentage(21);
/// assert_eq!(rate.fraction(), Decimal::new(21, 2));
/// assert_eq!(rate.percentage(), Decimal::from(21));
/// assert_eq!(rate.vat_on(Decimal::from(100)), Decimal::from(21));
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct VatRate(Decimal);

impl VatRate {
    /// No VAT.
    pub const ZERO: Self = Self(Decimal::ZERO);

    /// A rate from a percentage (`21` → `0.21`). Meant for constants and configuration; values from
    /// outside go through [`VatRate::from_fraction`], which checks the range.
    pub fn from_percentage(percent: impl Into<Decimal>) -> Self {
        Self((percent.into() / Decimal::ONE_HUNDRED).normalize())
    }

    /// A rate from a fraction (`0.21`), checked to lie within `0..=1`.
    pub fn from_fraction(fraction: Decimal) -> Result<Self, DomainError> {
        if fraction < Decimal::ZERO || fraction > Decimal::ONE {
            return Err(DomainError::InvalidVatRate(fraction.to_string()));
        }
        Ok(Self(fraction.normalize()))
    }

    /// The fraction (`0.21`).
    pub fn fraction(&self) -> Decimal {
        self.0
    }

    /// The percentage (`21`).
    pub fn percentage(&self) -> Decimal {
        (self.0 * Decimal::ONE_HUNDRED).normalize()
    }

    /// Whether the rate is zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// The VAT on an amount excluding VAT, not rounded.
    pub fn vat_on(&self, amount_excl: Decimal) -> Decimal {
        amount_excl * self.0
    }

    /// The amount including VAT for an amount excluding VAT, not rounded.
    pub fn incl_from_excl(&self, amount_excl: Decimal) -> Decimal {
        amount_excl * (Decimal::ONE + self.0)
    }

    /// The amount excluding VAT for an amount including VAT, not rounded.
    pub fn excl_from_incl(&self, amount_incl: Decimal) -> Decimal {
        // 1 + rate is at least 1, so the division is always defined.
        amount_incl / (Decimal::ONE + self.0)
    }
}

impl fmt::Display for VatRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percentage())
    }
}

impl TryFrom<Decimal> for VatRate {
    type Error = DomainError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Self::from_fraction(value)
    }
}

impl From<VatRate> for Decimal {
    fn from(value: VatRate) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_cents(dec!(0.005)), dec!(0.01));
        assert_eq!(round_cents(dec!(0.015)), dec!(0.02));
        assert_eq!(
            round_cents(dec!(0.025)),
            dec!(0.03),
            "not banker's rounding"
        );
        assert_eq!(round_cents(dec!(-0.005)), dec!(-0.01));
        assert_eq!(round_cents(dec!(-2.345)), dec!(-2.35));
        assert_eq!(round_cents(dec!(1.234)), dec!(1.23));
        assert_eq!(round_cents(dec!(-1.234)), dec!(-1.23));
        assert_eq!(round_cents(dec!(10)), dec!(10));
        assert_eq!(
            Money::eur(dec!(4.125)).round_cents(),
            Money::eur(dec!(4.13))
        );
    }

    #[test]
    fn vat_rate_from_percentage_and_fraction() {
        let r = VatRate::from_percentage(21);
        assert_eq!(r.fraction(), dec!(0.21));
        assert_eq!(r, VatRate::from_fraction(dec!(0.210)).unwrap());
        assert_eq!(VatRate::from_percentage(dec!(9)).percentage(), dec!(9));
        assert!(VatRate::from_fraction(dec!(-0.1)).is_err());
        assert!(
            VatRate::from_fraction(dec!(21)).is_err(),
            "21 is a percentage, not a fraction"
        );
        assert!(VatRate::ZERO.is_zero());
        assert_eq!(r.to_string(), "21%");
    }

    #[test]
    fn vat_arithmetic() {
        let r = VatRate::from_percentage(21);
        assert_eq!(r.incl_from_excl(dec!(100)), dec!(121));
        assert_eq!(round_cents(r.excl_from_incl(dec!(121))), dec!(100));
        assert_eq!(round_cents(r.vat_on(dec!(8.26))), dec!(1.73));
    }

    #[test]
    fn vat_rate_serde_is_a_normalised_fraction() {
        let r: VatRate = serde_json::from_str("\"0.090\"").unwrap();
        assert_eq!(r, VatRate::from_percentage(9));
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"0.09\"");
        assert!(serde_json::from_str::<VatRate>("\"1.5\"").is_err());
    }

    #[test]
    fn currency_parsing_and_money_addition() {
        assert_eq!(Currency::parse(" eur ").unwrap(), Currency::EUR);
        assert_eq!(Currency::default(), Currency::EUR);
        assert!(Currency::parse("EURO").is_err());
        let usd = Currency::parse("usd").unwrap();
        assert_eq!(usd.to_string(), "USD");
        assert_eq!(
            Money::eur(dec!(1.10)).checked_add(Money::eur(dec!(2))),
            Some(Money::eur(dec!(3.10)))
        );
        assert_eq!(
            Money::eur(dec!(1)).checked_add(Money::new(dec!(1), usd)),
            None
        );
        assert_eq!(Money::eur(dec!(1.5)).to_string(), "EUR 1.5");
    }
}
