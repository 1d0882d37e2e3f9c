//! Decimal helpers: rounding and the JSON number/string forms the APIs use.
//!
//! All arithmetic is done on [`Decimal`]. JSON numbers are produced from the decimal's exact text
//! (`serde_json::Number::from_str`), so the wire shows `44.1`, `7` or `2.8843` just as the vendors do.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

/// Rounds half away from zero to `dp` decimals (the booking rule of both systems).
pub(crate) fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Rounds to cents.
pub(crate) fn round2(d: Decimal) -> Decimal {
    round(d, 2)
}

/// A decimal as a JSON number (`7`, `44.1`, `0.21`).
pub(crate) fn num(d: Decimal) -> Value {
    if d.is_zero() {
        return Value::from(0);
    }
    let text = d.normalize().to_string();
    serde_json::Number::from_str(&text)
        .map(Value::Number)
        .unwrap_or_else(|_| Value::String(text))
}

/// A decimal as a JSON string with a fixed number of decimals (`"0.000"`, `"1.000000"`).
pub(crate) fn fixed_str(d: Decimal, dp: u32) -> Value {
    Value::String(format!("{:.*}", dp as usize, round(d, dp)))
}

/// Reads a decimal from a JSON number or numeric string; `None` for anything else.
pub(crate) fn dec(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => parse(&n.to_string()),
        Value::String(s) => parse(s.trim()),
        _ => None,
    }
}

/// Parses decimal text, including the exponent form a float may print as.
pub(crate) fn parse(s: &str) -> Option<Decimal> {
    if s.is_empty() {
        return None;
    }
    Decimal::from_str(s)
        .ok()
        .or_else(|| Decimal::from_scientific(s).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn numbers_keep_their_shortest_exact_form() {
        assert_eq!(num(dec!(7.00)).to_string(), "7");
        assert_eq!(num(dec!(44.10)).to_string(), "44.1");
        assert_eq!(num(dec!(2.8843)).to_string(), "2.8843");
        assert_eq!(num(Decimal::ZERO).to_string(), "0");
    }

    #[test]
    fn reads_numbers_and_numeric_strings() {
        assert_eq!(dec(&Value::from(3.49)), Some(dec!(3.49)));
        assert_eq!(dec(&Value::from("0.000")), Some(dec!(0)));
        assert_eq!(dec(&Value::from(false)), None);
        assert_eq!(round2(dec!(2.345)), dec!(2.35));
        assert_eq!(round2(dec!(-2.345)), dec!(-2.35));
        assert_eq!(fixed_str(dec!(1), 3), Value::from("1.000"));
    }
}
