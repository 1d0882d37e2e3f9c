//! Dotted paths into JSON records: `customer.email`, `lines.0.sku`, or a flat key such as
//! `addressBillingCity`.

use serde_json::{Map, Value};

/// The value at `path`. A key that literally contains the whole path wins over walking the dots;
/// a numeric segment indexes into an array.
pub fn get<'a>(record: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(value) = record.as_object().and_then(|m| m.get(path)) {
        return Some(value);
    }
    path.split('.')
        .try_fold(record, |value, segment| match value {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

/// Set `path` in `map` to `value`, creating nested objects; a non-object in the way is replaced.
pub fn set(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = map
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(inner) = entry {
                set(inner, rest, value);
            }
        }
    }
}

/// A value as text: strings as they are, numbers and booleans printed, null as empty, arrays and
/// objects as JSON.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn get_walks_objects_and_arrays_and_prefers_flat_keys() {
        let record = json!({
            "customer": {"email": "a@b.nl"},
            "lines": [{"sku": "S1"}],
            "a.b": 1,
            "a": {"b": 2},
            "addressBillingCity": "Utrecht"
        });
        assert_eq!(get(&record, "customer.email"), Some(&json!("a@b.nl")));
        assert_eq!(get(&record, "lines.0.sku"), Some(&json!("S1")));
        assert_eq!(get(&record, "a.b"), Some(&json!(1)));
        assert_eq!(get(&record, "addressBillingCity"), Some(&json!("Utrecht")));
        assert_eq!(get(&record, "customer.phone"), None);
        assert_eq!(get(&record, "lines.x"), None);
    }

    #[test]
    fn set_creates_nested_objects() {
        let mut map = Map::new();
        set(&mut map, "debtor.name", json!("Jan"));
        set(&mut map, "debtor.city", json!("Utrecht"));
        set(&mut map, "flat", json!(1));
        set(&mut map, "flat.inner", json!(2));
        assert_eq!(
            Value::Object(map),
            json!({"debtor": {"name": "Jan", "city": "Utrecht"}, "flat": {"inner": 2}})
        );
        assert_eq!(text(&json!(1.5)), "1.5");
        assert_eq!(text(&json!(null)), "");
        assert_eq!(text(&json!(true)), "true");
    }
}
