//! Helpers shared by the integration tests.
//!
//! Each test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod contract;
pub mod fake;
pub mod sim;

use serde_json::Value;

/// A fixture file as JSON.
pub fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/lightspeed")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The entity inside a fixture: `fixture(name)[key]`, or the first list item under `key`.
pub fn fixture_item(name: &str, key: &str) -> Value {
    let v = fixture(name)[key].clone();
    match v {
        Value::Array(mut items) => items.remove(0),
        other => other,
    }
}
