//! Cursors, the id map, content hashes and secrets.

use secrecy::SecretString;

use super::{Inner, key2, key3};
use crate::state::records::{ContentHash, Cursor, truncate_to_micros};

impl Inner {
    pub(super) fn get_cursor(&self, connection: &str, flow: &str) -> Option<Cursor> {
        self.cursors.get(&key2(connection, flow)).cloned()
    }

    pub(super) fn put_cursor(&mut self, connection: &str, flow: &str, cursor: &Cursor) {
        let mut cursor = cursor.clone();
        cursor.position = truncate_to_micros(cursor.position);
        cursor.updated_at = truncate_to_micros(cursor.updated_at);
        self.cursors.insert(key2(connection, flow), cursor);
    }

    pub(super) fn delete_cursor(&mut self, connection: &str, flow: &str) -> bool {
        self.cursors.remove(&key2(connection, flow)).is_some()
    }

    pub(super) fn link(&mut self, [connection, kind, source_id]: [&str; 3], target_id: &str) {
        self.id_map
            .insert(key3(connection, kind, source_id), target_id.to_owned());
    }

    pub(super) fn lookup(&self, [connection, kind, source_id]: [&str; 3]) -> Option<String> {
        self.id_map.get(&key3(connection, kind, source_id)).cloned()
    }

    /// Sorted, because the map is ordered by source id within a (connection, kind).
    pub(super) fn reverse_lookup(&self, [connection, kind, target_id]: [&str; 3]) -> Vec<String> {
        self.id_map
            .iter()
            .filter(|((c, k, _), t)| c == connection && k == kind && t.as_str() == target_id)
            .map(|((_, _, source), _)| source.clone())
            .collect()
    }

    pub(super) fn unlink(&mut self, [connection, kind, source_id]: [&str; 3]) -> bool {
        self.id_map
            .remove(&key3(connection, kind, source_id))
            .is_some()
    }

    pub(super) fn get_hash(&self, [connection, kind, target_id]: [&str; 3]) -> Option<ContentHash> {
        self.hashes.get(&key3(connection, kind, target_id)).cloned()
    }

    pub(super) fn put_hash(
        &mut self,
        [connection, kind, target_id]: [&str; 3],
        hash: &ContentHash,
    ) {
        let mut hash = hash.clone();
        hash.updated_at = truncate_to_micros(hash.updated_at);
        self.hashes.insert(key3(connection, kind, target_id), hash);
    }

    pub(super) fn load_secret(&self, key: &str) -> Option<SecretString> {
        self.secrets.get(key).cloned()
    }

    pub(super) fn save_secret(&mut self, key: &str, value: &SecretString) {
        self.secrets.insert(key.to_owned(), value.clone());
    }

    pub(super) fn delete_secret(&mut self, key: &str) -> bool {
        self.secrets.remove(key).is_some()
    }
}
