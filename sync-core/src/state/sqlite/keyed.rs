//! Cursors, the id map, content hashes and secrets: single-row reads and upserts.

use rusqlite::{Connection, OptionalExtension, params};
use secrecy::{ExposeSecret, SecretString};

use super::rows::{self, micros, time};
use crate::state::StateError;
use crate::state::records::{ContentHash, Cursor, HashOrigin};
use crate::state::statements::{self as sql, for_sqlite};

pub(super) fn get_cursor(
    conn: &Connection,
    connection: &str,
    flow: &str,
) -> Result<Option<Cursor>, StateError> {
    let mut statement = conn.prepare_cached(&for_sqlite(sql::CURSOR_GET))?;
    let mut found = rows::collect(&mut statement, params![connection, flow], |row| {
        rows::cursor(row, 0)
    })?;
    Ok(found.pop())
}

pub(super) fn put_cursor(
    conn: &Connection,
    connection: &str,
    flow: &str,
    cursor: &Cursor,
) -> Result<(), StateError> {
    let boundary = serde_json::to_string(&cursor.boundary)?;
    conn.prepare_cached(&for_sqlite(sql::CURSOR_PUT))?
        .execute(params![
            connection,
            flow,
            micros(cursor.position),
            boundary,
            micros(cursor.updated_at)
        ])?;
    Ok(())
}

pub(super) fn delete_cursor(
    conn: &Connection,
    connection: &str,
    flow: &str,
) -> Result<bool, StateError> {
    let deleted = conn
        .prepare_cached(&for_sqlite(sql::CURSOR_DELETE))?
        .execute(params![connection, flow])?;
    Ok(deleted > 0)
}

pub(super) fn link(conn: &Connection, scope: [&str; 3], target_id: &str) -> Result<(), StateError> {
    let [connection, kind, source_id] = scope;
    conn.prepare_cached(&for_sqlite(sql::LINK))?
        .execute(params![connection, kind, source_id, target_id])?;
    Ok(())
}

pub(super) fn lookup(conn: &Connection, scope: [&str; 3]) -> Result<Option<String>, StateError> {
    Ok(conn
        .prepare_cached(&for_sqlite(sql::LOOKUP))?
        .query_row(scope, |row| row.get(0))
        .optional()?)
}

pub(super) fn reverse_lookup(
    conn: &Connection,
    scope: [&str; 3],
) -> Result<Vec<String>, StateError> {
    let mut statement = conn.prepare_cached(&for_sqlite(sql::REVERSE_LOOKUP))?;
    let mut sources = rows::collect(&mut statement, scope, |row| Ok(row.get(0)?))?;
    sources.sort();
    Ok(sources)
}

pub(super) fn unlink(conn: &Connection, scope: [&str; 3]) -> Result<bool, StateError> {
    Ok(conn
        .prepare_cached(&for_sqlite(sql::UNLINK))?
        .execute(scope)?
        > 0)
}

pub(super) fn get_hash(
    conn: &Connection,
    scope: [&str; 3],
) -> Result<Option<ContentHash>, StateError> {
    let mut statement = conn.prepare_cached(&for_sqlite(sql::HASH_GET))?;
    let mut found = rows::collect(&mut statement, scope, |row| {
        let origin: String = row.get(1)?;
        Ok(ContentHash {
            hash: row.get(0)?,
            origin: HashOrigin::parse(&origin)?,
            updated_at: time(row.get(2)?)?,
        })
    })?;
    Ok(found.pop())
}

pub(super) fn put_hash(
    conn: &Connection,
    scope: [&str; 3],
    hash: &ContentHash,
) -> Result<(), StateError> {
    let [connection, kind, target_id] = scope;
    conn.prepare_cached(&for_sqlite(sql::HASH_PUT))?
        .execute(params![
            connection,
            kind,
            target_id,
            hash.hash,
            hash.origin.as_str(),
            micros(hash.updated_at)
        ])?;
    Ok(())
}

pub(super) fn load_secret(
    conn: &Connection,
    key: &str,
) -> Result<Option<SecretString>, StateError> {
    let value: Option<String> = conn
        .prepare_cached(&for_sqlite(sql::SECRET_GET))?
        .query_row([key], |row| row.get(0))
        .optional()?;
    Ok(value.map(SecretString::from))
}

/// One upsert statement: SQLite applies it atomically, so readers see the old or the new value.
pub(super) fn save_secret(
    conn: &Connection,
    key: &str,
    value: &SecretString,
) -> Result<(), StateError> {
    conn.prepare_cached(&for_sqlite(sql::SECRET_PUT))?
        .execute(params![key, value.expose_secret()])?;
    Ok(())
}

pub(super) fn delete_secret(conn: &Connection, key: &str) -> Result<bool, StateError> {
    Ok(conn
        .prepare_cached(&for_sqlite(sql::SECRET_DELETE))?
        .execute([key])?
        > 0)
}
