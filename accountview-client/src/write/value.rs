//! [`WriteValue`] and how each value is encoded for a column's declared FoxPro type.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use serde_json::Value;

use super::FieldType;

/// A value to write; it is encoded according to the column's declared [`FieldType`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteValue {
    /// Text.
    Text(String),
    /// An exact decimal (amounts, quantities, percentages).
    Number(Decimal),
    /// An integer.
    Integer(i64),
    /// A logical.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
    /// A date-time (AccountView has no time zones; sent as `…T…000Z` like every public example).
    DateTime(NaiveDateTime),
    /// No value: `""` for text and date columns, `null` otherwise.
    Null,
}

impl WriteValue {
    /// Whether the value is `Null` or blank text.
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Null => true,
            Self::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Text(s) => format!("text {s:?}"),
            Self::Number(d) => format!("number {d}"),
            Self::Integer(i) => format!("integer {i}"),
            Self::Bool(b) => format!("logical {b}"),
            Self::Date(d) => format!("date {d}"),
            Self::DateTime(dt) => format!("date-time {dt}"),
            Self::Null => "null".into(),
        }
    }

    /// Encodes the value for a column of type `ty`; `None` when the value cannot be written as `ty`.
    pub(crate) fn encode(&self, ty: FieldType) -> Option<Value> {
        use FieldType as F;
        Some(match (ty, self) {
            (_, Self::Null) => match ty {
                F::C | F::M | F::D | F::T => Value::String(String::new()),
                _ => Value::Null,
            },
            (F::C | F::M, Self::Text(s)) => Value::String(s.clone()),
            (F::C | F::M, Self::Number(d)) => Value::String(d.normalize().to_string()),
            (F::C | F::M, Self::Integer(i)) => Value::String(i.to_string()),
            (F::C | F::M, Self::Bool(b)) => Value::String(if *b { "TRUE" } else { "FALSE" }.into()),
            (F::C | F::M, Self::Date(d)) => Value::String(format_date(*d)),
            (F::C | F::M, Self::DateTime(dt)) => Value::String(format_datetime(*dt)),
            (F::N | F::Y | F::B, Self::Number(d)) => decimal_to_json(*d)?,
            (F::N | F::Y | F::B | F::I, Self::Integer(i)) => Value::from(*i),
            (F::N | F::Y | F::B, Self::Text(s)) => {
                decimal_to_json(crate::dataset::parse_decimal(s.trim())?)?
            }
            (F::I, Self::Number(d)) if d.fract().is_zero() => Value::from(i64::try_from(*d).ok()?),
            (F::I, Self::Text(s)) => Value::from(s.trim().parse::<i64>().ok()?),
            (F::L, Self::Bool(b)) => Value::Bool(*b),
            (F::L, Self::Integer(i @ (0 | 1))) => Value::Bool(*i == 1),
            (F::D, Self::Date(d)) => Value::String(format_date(*d)),
            (F::D, Self::DateTime(dt)) => Value::String(format_date(dt.date())),
            (F::T, Self::DateTime(dt)) => Value::String(format_datetime(*dt)),
            (F::T, Self::Date(d)) => Value::String(format_datetime(d.and_time(NaiveTime::MIN))),
            _ => return None,
        })
    }
}

/// `YYYY-MM-DD`.
pub(crate) fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `YYYY-MM-DDThh:mm:ss.sssZ`, the form of every public write example.
pub(crate) fn format_datetime(dt: NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A decimal as a JSON number. Without serde_json's `arbitrary_precision`, a fractional number is an
/// `f64`; it is built from the decimal's normalised text (this conversion is for output only: the
/// shortest `f64` text reproduces the digits for every amount with up to 15 significant digits).
fn decimal_to_json(d: Decimal) -> Option<Value> {
    serde_json::Number::from_str(&d.normalize().to_string())
        .ok()
        .map(Value::Number)
}

impl From<&str> for WriteValue {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}
impl From<String> for WriteValue {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}
impl From<Decimal> for WriteValue {
    fn from(d: Decimal) -> Self {
        Self::Number(d)
    }
}
impl From<i64> for WriteValue {
    fn from(i: i64) -> Self {
        Self::Integer(i)
    }
}
impl From<bool> for WriteValue {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}
impl From<NaiveDate> for WriteValue {
    fn from(d: NaiveDate) -> Self {
        Self::Date(d)
    }
}
impl From<NaiveDateTime> for WriteValue {
    fn from(dt: NaiveDateTime) -> Self {
        Self::DateTime(dt)
    }
}
impl<T: Into<WriteValue>> From<Option<T>> for WriteValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use serde_json::json;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn encodes_values_by_declared_type() {
        use FieldType as F;
        let d = NaiveDate::from_ymd_opt(2024, 5, 2).unwrap();
        assert_eq!(WriteValue::from("x").encode(F::C), Some(json!("x")));
        assert_eq!(WriteValue::from(dec!(4.95)).encode(F::N), Some(json!(4.95)));
        assert_eq!(
            WriteValue::from(dec!(21.50)).encode(F::Y),
            Some(json!(21.5))
        );
        assert_eq!(WriteValue::from(dec!(2.00)).encode(F::N), Some(json!(2)));
        assert_eq!(
            WriteValue::from(dec!(-8.18)).encode(F::B),
            Some(json!(-8.18))
        );
        assert_eq!(WriteValue::from(5i64).encode(F::N), Some(json!(5)));
        assert_eq!(WriteValue::from(5i64).encode(F::I), Some(json!(5)));
        assert_eq!(WriteValue::from(dec!(5)).encode(F::I), Some(json!(5)));
        assert_eq!(WriteValue::from(dec!(5.5)).encode(F::I), None);
        assert_eq!(WriteValue::from(true).encode(F::L), Some(json!(true)));
        assert_eq!(WriteValue::from(d).encode(F::D), Some(json!("2024-05-02")));
        assert_eq!(
            WriteValue::from(d).encode(F::T),
            Some(json!("2024-05-02T00:00:00.000Z"))
        );
        assert_eq!(
            WriteValue::from(dt("2024-05-02 10:20:00")).encode(F::T),
            Some(json!("2024-05-02T10:20:00.000Z"))
        );
        assert_eq!(
            WriteValue::from(dec!(12.5)).encode(F::C),
            Some(json!("12.5"))
        );
        assert_eq!(WriteValue::Null.encode(F::C), Some(json!("")));
        assert_eq!(WriteValue::Null.encode(F::N), Some(Value::Null));
        assert_eq!(WriteValue::from("abc").encode(F::N), None);
        assert_eq!(WriteValue::from("abc").encode(F::L), None);
        assert_eq!(WriteValue::from(" 3.10 ").encode(F::N), Some(json!(3.1)));
    }
}
