//! What the sales-order and journal mappings share: the reference rule, configured columns, values.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use serde_json::Value;
use sync_core::domain::{BookingLine, ExternalReference};
use sync_core::error::SyncError;

use crate::dataset::Row;
use crate::validate::FieldFacts;

/// The reference text to stamp in `table.column`. The reference is the idempotency key of a booking,
/// so it is never truncated: one longer than the column (per the client's field facts) is a skippable
/// mapping error asking for a shorter reference format.
pub(super) fn reference_text(
    reference: &ExternalReference,
    table: &str,
    column: &str,
    facts: &FieldFacts,
) -> Result<String, SyncError> {
    let text = reference.as_str().trim();
    if text.is_empty() {
        return Err(SyncError::mapping(
            "the booking has an empty external reference",
        ));
    }
    let length = text.chars().count();
    if let Some(max) = facts.get(table, column).and_then(|f| f.max_len)
        && length > max
    {
        return Err(SyncError::mapping(format!(
            "external reference `{text}` is {length} characters but {table}.{column} holds {max}; \
             use a shorter reference format (it is never truncated: bookings are found by it)"
        )));
    }
    Ok(text.to_owned())
}

/// A decimal as a JSON number, so an extra column is declared numeric (`N`). Built from the decimal's
/// text; exact for every amount with up to 15 significant digits (see the write encoder).
pub(super) fn decimal_value(amount: Decimal) -> Value {
    serde_json::Number::from_str(&amount.normalize().to_string())
        .map(Value::Number)
        .unwrap_or_else(|_| Value::String(amount.to_string()))
}

/// Sets `column` in `row` when both are present.
pub(super) fn put(row: &mut Row, column: Option<&str>, value: Option<impl Into<Value>>) {
    if let (Some(column), Some(value)) = (column, value) {
        row.insert(column, value);
    }
}

/// Adds configured constant columns.
pub(super) fn put_constants(row: &mut Row, constants: &BTreeMap<String, String>) {
    for (column, value) in constants {
        row.insert(column.clone(), value.clone());
    }
}

/// Midnight of a date (document dates are dates; AccountView's columns are date-times).
pub(super) fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN)
}

/// How a line is named in errors: its position and description.
pub(super) fn describe_line(index: usize, line: &BookingLine) -> String {
    format!("line {} (`{}`)", index + 1, line.description)
}
