//! Serde helpers for the quirks of Lightspeed payloads.
//!
//! Lightspeed is a PHP application and its JSON shows it:
//!
//! - money arrives as JSON numbers (`2.8843`) *and* as numeric strings (`"0.0000"`), and so do
//!   integers: ids, counts, positions and stock levels (`"sortOrder": "1"`, `"size": "8016"`);
//! - `false`, `null`, `""` and `[]` all mean "absent" on many non-boolean fields;
//! - an empty list may arrive as `[]`, `{}`, `false` or `null`, and a PHP associative array
//!   arrives as an object keyed by id.
//!
//! The helpers here are used through `#[serde(with = ...)]` / `#[serde(deserialize_with = ...)]`
//! on the models; they are public so that embedders can model endpoints this crate does not
//! cover yet (see [`LightspeedClient::request`](crate::LightspeedClient::request)).

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer,
    MapAccessDeserializer, StrDeserializer, StringDeserializer, U64Deserializer,
};
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serializer};

/// Turns a JSON number or numeric string into a [`Decimal`] without float rounding.
///
/// Why a visitor and not serde_json's `arbitrary_precision`: that feature changes how serde_json
/// represents every number (as a private map) and breaks `#[serde(flatten)]`, which the main
/// models use to keep unknown fields. Without it serde_json hands us an `f64`. Rust's `Display`
/// for `f64` prints the *shortest* decimal text that round-trips to the same `f64`, and for any
/// value written with at most 15 significant digits that text is exactly what was in the JSON
/// (an `f64` holds 15–17 significant digits). Parsing that text with [`Decimal::from_str`]
/// therefore reproduces the JSON text: `2.8843` stays `2.8843`, not `2.88430000000000008598`.
/// Lightspeed sends at most 4 decimals, far inside that bound. Integers never touch a float.
struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or a numeric string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("non-finite number {v} is not a decimal")));
        }
        // Shortest round-trip text, see the type-level comment.
        let text = v.to_string();
        Decimal::from_str(&text)
            .map_err(|e| E::custom(format!("number {text} does not fit a decimal: {e}")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal_text(v).map_err(E::custom)
    }
}

/// Parses a numeric string such as `"1.227560"`, `" 3 "` or `"1e-3"`.
fn parse_decimal_text(v: &str) -> Result<Decimal, String> {
    let t = v.trim();
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| format!("`{v}` is not a decimal number"))
}

/// Writes a decimal as a JSON number: an integer when it has no fraction (`1`, not `1.0`),
/// otherwise the nearest `f64`, whose shortest representation is the decimal's own text for every
/// value with at most 15 significant digits (all Lightspeed amounts).
fn serialize_decimal_number<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    if value.fract().is_zero()
        && let Some(i) = value.to_i64()
    {
        return s.serialize_i64(i);
    }
    match value.to_string().parse::<f64>() {
        Ok(f) => s.serialize_f64(f),
        Err(_) => s.serialize_f64(value.to_f64().unwrap_or_default()),
    }
}

/// `#[serde(with = "decimal")]` for a required [`Decimal`]: reads a number or a numeric string,
/// writes a JSON number.
pub mod decimal {
    use super::*;

    /// Deserializes a number or numeric string into a [`Decimal`] without float rounding.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }

    /// Serializes a [`Decimal`] as a JSON number.
    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        serialize_decimal_number(value, s)
    }
}

/// `#[serde(default, with = "opt_decimal")]` for an optional [`Decimal`]: like [`decimal`], and
/// `false`, `null`, `""` and `[]` read as `None`.
pub mod opt_decimal {
    use super::*;

    struct OptDecimalVisitor;

    impl<'de> Visitor<'de> for OptDecimalVisitor {
        type Value = Option<Decimal>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number, a numeric string, or false/null/\"\"/[] for absent")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            empty_seq_is_absent(seq, &self)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v {
                Err(E::invalid_type(de::Unexpected::Bool(true), &self))
            } else {
                Ok(None)
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            DecimalVisitor.visit_i64(v).map(Some)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            DecimalVisitor.visit_u64(v).map(Some)
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            DecimalVisitor.visit_f64(v).map(Some)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                DecimalVisitor.visit_str(v).map(Some)
            }
        }
    }

    /// Deserializes an optional decimal; `false`, `null`, `""` and `[]` are `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_option(OptDecimalVisitor)
    }

    /// Serializes `Some` as a JSON number and `None` as `null`.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serialize_decimal_number(v, s),
            None => s.serialize_none(),
        }
    }
}

/// `#[serde(default, deserialize_with = "false_as_none")]`: reads `false`, `null`, `""` and `[]`
/// as `None` and anything else as `Some(T)`.
///
/// Only the JSON literal `false` is "absent": `0` and `true` are handed to `T` unchanged (a
/// generic "falsy" check would turn a real `0` into nothing). Objects are passed to `T` through
/// the original map access, so error paths stay exact.
pub fn false_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_option(AbsentVisitor(PhantomData))
}

struct AbsentVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for AbsentVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value, or false/null/\"\"/[] for absent")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            T::deserialize(BoolDeserializer::<E>::new(true)).map(Some)
        } else {
            Ok(None)
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(I64Deserializer::<E>::new(v)).map(Some)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(U64Deserializer::<E>::new(v)).map(Some)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(F64Deserializer::<E>::new(v)).map(Some)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() {
            return Ok(None);
        }
        T::deserialize(StrDeserializer::<E>::new(v)).map(Some)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        if v.is_empty() {
            return Ok(None);
        }
        T::deserialize(BorrowedStrDeserializer::<E>::new(v)).map(Some)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        if v.is_empty() {
            return Ok(None);
        }
        T::deserialize(StringDeserializer::<E>::new(v)).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // A sequence has to be buffered to tell `[]` (PHP's empty map, i.e. absent) from a list.
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            items.push(item);
        }
        if items.is_empty() {
            // `[]` stays an empty list when `T` is itself a list; for anything else (a struct,
            // a map, free-form JSON) it is absent. `T` only sees a deserializer that can be read
            // as a sequence: a struct whose fields all have defaults would otherwise accept `[]`
            // as a value with every field empty, an object nobody sent.
            return Ok(T::deserialize(EmptySeqOnly::<A::Error>(PhantomData)).ok());
        }
        T::deserialize(serde_json::Value::Array(items))
            .map(Some)
            .map_err(de::Error::custom)
    }
}

/// A deserializer for `[]` that only a sequence type can read; every other type gets an error.
struct EmptySeqOnly<E>(PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for EmptySeqOnly<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::custom("[] is only a value for a list"))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_seq(de::value::SeqDeserializer::new(std::iter::empty::<()>()))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, E> {
        self.deserialize_seq(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct tuple_struct map struct enum identifier
        ignored_any
    }
}

/// Reads a sequence where a scalar is expected: `[]` is absent, anything else an error.
fn empty_seq_is_absent<'de, A, T>(
    mut seq: A,
    expected: &dyn de::Expected,
) -> Result<Option<T>, A::Error>
where
    A: SeqAccess<'de>,
{
    if seq.next_element::<de::IgnoredAny>()?.is_some() {
        return Err(de::Error::invalid_type(de::Unexpected::Seq, expected));
    }
    Ok(None)
}

/// An integer type the integer helpers can produce (`u64`, `i64`, `u32`…).
pub trait Integer: Sized + FromStr + TryFrom<i64> + TryFrom<u64> {}

impl<T: FromStr + TryFrom<i64> + TryFrom<u64>> Integer for T {}

/// Reads a required integer from a JSON number or a numeric string.
struct IntVisitor<T>(PhantomData<T>);

impl<T: Integer> IntVisitor<T> {
    fn convert_i64<E: de::Error>(&self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), self))
    }
}

impl<T: Integer> Visitor<'_> for IntVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an integer ({}) or a numeric string",
            std::any::type_name::<T>()
        )
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.convert_i64(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // `8016.0` is an integer written by a float formatter; `1.5` is not an integer.
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
            return self.convert_i64(v as i64);
        }
        Err(E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.trim()
            .parse::<T>()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// `#[serde(deserialize_with = "int")]` for a required integer such as an object's id: a JSON
/// number or a numeric string (`"id": "389694"`). Anything else, a fraction included, is an error.
pub fn int<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Integer,
{
    d.deserialize_any(IntVisitor(PhantomData))
}

/// `#[serde(default, deserialize_with = "opt_int")]` for an optional integer (counts, positions,
/// stock levels, sizes, references): a JSON number or a numeric string (`"sortOrder": "1"`,
/// `"stockLevelChange": "-10"`); `false`, `null`, `""` and `[]` are `None`. `0` is a real value
/// (see [`opt_id_zero_none`] for the ids where the API uses `0` for "none").
pub fn opt_int<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Integer,
{
    d.deserialize_option(OptIntVisitor(PhantomData))
}

struct OptIntVisitor<T>(PhantomData<T>);

impl<'de, T: Integer> Visitor<'de> for OptIntVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an integer ({}), a numeric string, or false/null/\"\"/[] for absent",
            std::any::type_name::<T>()
        )
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(de::Unexpected::Bool(true), &self))
        } else {
            Ok(None)
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        IntVisitor(PhantomData).visit_i64(v).map(Some)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        IntVisitor(PhantomData).visit_u64(v).map(Some)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        IntVisitor(PhantomData).visit_f64(v).map(Some)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        IntVisitor(PhantomData).visit_str(v).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        empty_seq_is_absent(seq, &self)
    }
}

/// `#[serde(default, deserialize_with = "items")]` for a `Vec<T>`: accepts a JSON array, an
/// object (a PHP associative array; its values are taken in order), or `false`/`null`/`""` for
/// an empty list.
pub fn items<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_any(ItemsVisitor(PhantomData))
}

pub(crate) struct ItemsVisitor<T>(pub(crate) PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ItemsVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list (array or object), or false/null for empty")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(de::Unexpected::Bool(true), &self))
        } else {
            Ok(Vec::new())
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() {
            Ok(Vec::new())
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
        while let Some(item) = seq.next_element()? {
            out.push(item);
        }
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some((_key, value)) = map.next_entry::<de::IgnoredAny, T>()? {
            out.push(value);
        }
        Ok(out)
    }
}

/// `#[serde(default, deserialize_with = "json_object")]` for free-form blobs such as
/// `paymentData`/`shipmentData`: accepts an object, a string holding a JSON object (quotes send
/// `"{\"method\":\"invoice\"}"`), or `false`/`null`/`""`/`[]` for absent.
pub fn json_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Option::<serde_json::Value>::deserialize(d)?;
    match value {
        None | Some(serde_json::Value::Bool(false)) => Ok(None),
        Some(serde_json::Value::Array(a)) if a.is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => serde_json::from_str(&s)
            .map(Some)
            .map_err(|e| de::Error::custom(format!("embedded JSON text: {e}"))),
        Some(other) => T::deserialize(other).map(Some).map_err(de::Error::custom),
    }
}

/// Deserializes an integer id that may arrive as a number or a numeric string; `false`, `null`,
/// `""` and `0` are `None` (used where the API documents `0` as "no relation").
pub fn opt_id_zero_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    let id = match value {
        None | Some(serde_json::Value::Bool(false)) => None,
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
        Some(serde_json::Value::String(s)) => Some(
            s.trim()
                .parse::<u64>()
                .map_err(|_| de::Error::custom(format!("`{s}` is not an id")))?,
        ),
        Some(other) => {
            return Err(de::Error::custom(format!("expected an id, found {other}")));
        }
    };
    Ok(id.filter(|&i| i != 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Money {
        #[serde(with = "decimal")]
        amount: Decimal,
        #[serde(default, with = "opt_decimal")]
        maybe: Option<Decimal>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        id: u64,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Holder {
        #[serde(default, deserialize_with = "false_as_none")]
        text: Option<String>,
        #[serde(default, deserialize_with = "false_as_none")]
        number: Option<u64>,
        #[serde(default, deserialize_with = "false_as_none")]
        inner: Option<Inner>,
        #[serde(default, deserialize_with = "items")]
        list: Vec<u64>,
    }

    fn money(json: &str) -> Money {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn float_keeps_its_json_text() {
        let m = money(r#"{"amount": 2.8843, "maybe": 50.35}"#);
        assert_eq!(m.amount.to_string(), "2.8843");
        assert_eq!(m.maybe.unwrap().to_string(), "50.35");
        // a classic float trap: 0.1 + 0.2 style values stay exact
        assert_eq!(money(r#"{"amount": 0.3}"#).amount.to_string(), "0.3");
        assert_eq!(money(r#"{"amount": 6.2475}"#).amount.to_string(), "6.2475");
    }

    #[test]
    fn integers_and_strings_are_decimals() {
        assert_eq!(money(r#"{"amount": 40}"#).amount, Decimal::from(40));
        assert_eq!(money(r#"{"amount": -10}"#).amount, Decimal::from(-10));
        assert_eq!(
            money(r#"{"amount": "1.227560"}"#).amount.to_string(),
            "1.227560"
        );
        assert_eq!(
            money(r#"{"amount": " 0.0000 "}"#).amount.to_string(),
            "0.0000"
        );
        assert_eq!(money(r#"{"amount": "1e-3"}"#).amount.to_string(), "0.001");
    }

    #[test]
    fn bad_decimals_are_errors() {
        assert!(serde_json::from_str::<Money>(r#"{"amount": "abc"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount": true}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount": 1, "maybe": true}"#).is_err());
    }

    #[test]
    fn optional_decimal_absent_forms() {
        for json in [
            r#"{"amount": 1}"#,
            r#"{"amount": 1, "maybe": null}"#,
            r#"{"amount": 1, "maybe": false}"#,
            r#"{"amount": 1, "maybe": ""}"#,
        ] {
            assert_eq!(money(json).maybe, None, "{json}");
        }
        // zero is a real value, not absent
        assert_eq!(
            money(r#"{"amount": 1, "maybe": 0}"#).maybe,
            Some(Decimal::ZERO)
        );
    }

    #[test]
    fn decimals_serialize_as_shortest_numbers() {
        let m = money(r#"{"amount": 2.8843, "maybe": "0.10"}"#);
        let out = serde_json::to_string(&m).unwrap();
        assert_eq!(out, r#"{"amount":2.8843,"maybe":0.1}"#);
        let m = money(r#"{"amount": "5.00", "maybe": -3}"#);
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"amount":5,"maybe":-3}"#
        );
    }

    #[test]
    fn false_null_empty_string_and_empty_array_are_absent() {
        let h: Holder =
            serde_json::from_str(r#"{"text": false, "number": null, "inner": [], "list": false}"#)
                .unwrap();
        assert_eq!(
            h,
            Holder {
                text: None,
                number: None,
                inner: None,
                list: vec![]
            }
        );
        let h: Holder = serde_json::from_str(r#"{"text": ""}"#).unwrap();
        assert_eq!(h.text, None);
    }

    #[test]
    fn present_values_pass_through() {
        let h: Holder = serde_json::from_str(
            r#"{"text": "x", "number": 0, "inner": {"id": 7}, "list": {"a": 1, "b": 2}}"#,
        )
        .unwrap();
        assert_eq!(h.text.as_deref(), Some("x"));
        // 0 is not false
        assert_eq!(h.number, Some(0));
        assert_eq!(h.inner, Some(Inner { id: 7 }));
        assert_eq!(h.list, vec![1, 2]);
    }

    #[test]
    fn nested_errors_keep_their_path() {
        let json = r#"{"inner": {"id": "seven"}}"#;
        let de = &mut serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Holder>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "inner.id");
    }

    #[derive(Debug, Deserialize)]
    struct Blob {
        method: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    struct BlobHolder {
        #[serde(default, deserialize_with = "json_object")]
        data: Option<Blob>,
    }

    #[test]
    fn json_object_accepts_object_text_and_absent() {
        let h: BlobHolder = serde_json::from_str(r#"{"data": {"method": "invoice"}}"#).unwrap();
        assert_eq!(h.data.unwrap().method.as_deref(), Some("invoice"));
        let h: BlobHolder =
            serde_json::from_str(r#"{"data": "{\"method\":\"invoice\"}"}"#).unwrap();
        assert_eq!(h.data.unwrap().method.as_deref(), Some("invoice"));
        for json in [
            r#"{"data": ""}"#,
            r#"{"data": []}"#,
            r#"{"data": false}"#,
            r#"{}"#,
        ] {
            let h: BlobHolder = serde_json::from_str(json).unwrap();
            assert!(h.data.is_none(), "{json}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct Ints {
        #[serde(deserialize_with = "int")]
        id: u64,
        #[serde(default, deserialize_with = "opt_int")]
        depth: Option<u32>,
        #[serde(default, deserialize_with = "opt_int")]
        change: Option<i64>,
    }

    #[test]
    fn integers_from_numbers_and_numeric_strings() {
        let parse = |j: &str| serde_json::from_str::<Ints>(j);
        let i = parse(r#"{"id": "389694", "depth": " 2 ", "change": "-10"}"#).unwrap();
        assert_eq!((i.id, i.depth, i.change), (389_694, Some(2), Some(-10)));
        let i = parse(r#"{"id": 7.0, "depth": 0, "change": -3}"#).unwrap();
        assert_eq!((i.id, i.depth, i.change), (7, Some(0), Some(-3)));
        for absent in ["null", "false", "\"\"", "[]"] {
            let i = parse(&format!(
                r#"{{"id": 1, "depth": {absent}, "change": {absent}}}"#
            ))
            .unwrap();
            assert_eq!((i.depth, i.change), (None, None), "{absent}");
        }
        for bad in [
            r#"{"id": "x"}"#,
            r#"{"id": 1.5}"#,
            r#"{"id": -1}"#,
            r#"{"id": null}"#,
            r#"{"id": 1, "depth": 5000000000}"#,
            r#"{"id": 1, "depth": "1.5"}"#,
            r#"{"id": 1, "change": true}"#,
            r#"{"id": 1, "change": [1]}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct IdHolder {
        #[serde(default, deserialize_with = "opt_id_zero_none")]
        id: Option<u64>,
    }

    #[test]
    fn zero_ids_are_none_only_where_asked() {
        let parse = |j: &str| serde_json::from_str::<IdHolder>(j).unwrap().id;
        assert_eq!(parse(r#"{"id": 0}"#), None);
        assert_eq!(parse(r#"{"id": false}"#), None);
        assert_eq!(parse(r#"{"id": 12}"#), Some(12));
        assert_eq!(parse(r#"{"id": "12"}"#), Some(12));
    }
}
