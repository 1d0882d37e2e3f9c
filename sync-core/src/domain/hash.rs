//! Content hashes of mapped payloads, to skip unchanged writes and suppress echoes.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::SyncError;

/// A SHA-256 hash of a value's canonical JSON, as lowercase hex.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContentHash(pub String);

impl ContentHash {
    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", self.0)
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hash `value` as canonical JSON: object keys sorted at every level, so two payloads with the same
/// content hash the same whatever order their maps were built in.
pub fn content_hash<T: Serialize + ?Sized>(value: &T) -> Result<ContentHash, SyncError> {
    let mut json = serde_json::to_value(value)?;
    sort_keys(&mut json);
    let bytes = serde_json::to_vec(&json)?;
    Ok(ContentHash(hex::encode(Sha256::digest(&bytes))))
}

fn sort_keys(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(sort_keys);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_hash() {
        let a = json!({"b": 1, "a": {"y": [1, 2], "x": null}});
        let b = json!({"a": {"x": null, "y": [1, 2]}, "b": 1});
        assert_eq!(content_hash(&a).unwrap(), content_hash(&b).unwrap());
        let c = json!({"a": {"x": null, "y": [2, 1]}, "b": 1});
        assert_ne!(content_hash(&a).unwrap(), content_hash(&c).unwrap());
        assert_eq!(content_hash(&a).unwrap().as_str().len(), 64);
    }
}
