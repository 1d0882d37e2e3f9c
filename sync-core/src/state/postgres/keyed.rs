//! Cursors, the id map, content hashes and secrets: single-row reads and upserts.

use deadpool_postgres::GenericClient;
use secrecy::{ExposeSecret, SecretString};

use super::rows::{self, execute, query, query_opt};
use crate::state::StateError;
use crate::state::records::{ContentHash, Cursor, HashOrigin, truncate_to_micros};
use crate::state::statements as sql;

pub(super) async fn get_cursor(
    c: &impl GenericClient,
    connection: &str,
    flow: &str,
) -> Result<Option<Cursor>, StateError> {
    query_opt(c, sql::CURSOR_GET, &[&connection, &flow])
        .await?
        .map(|row| rows::cursor(&row, 0))
        .transpose()
}

pub(super) async fn put_cursor(
    c: &impl GenericClient,
    connection: &str,
    flow: &str,
    cursor: &Cursor,
) -> Result<(), StateError> {
    let boundary: Vec<&str> = cursor.boundary.iter().map(String::as_str).collect();
    let position = truncate_to_micros(cursor.position);
    let updated_at = truncate_to_micros(cursor.updated_at);
    execute(
        c,
        sql::CURSOR_PUT,
        &[&connection, &flow, &position, &boundary, &updated_at],
    )
    .await?;
    Ok(())
}

pub(super) async fn delete_cursor(
    c: &impl GenericClient,
    connection: &str,
    flow: &str,
) -> Result<bool, StateError> {
    Ok(execute(c, sql::CURSOR_DELETE, &[&connection, &flow]).await? > 0)
}

pub(super) async fn link(
    c: &impl GenericClient,
    [connection, kind, source_id]: [&str; 3],
    target_id: &str,
) -> Result<(), StateError> {
    execute(c, sql::LINK, &[&connection, &kind, &source_id, &target_id]).await?;
    Ok(())
}

pub(super) async fn lookup(
    c: &impl GenericClient,
    [connection, kind, source_id]: [&str; 3],
) -> Result<Option<String>, StateError> {
    query_opt(c, sql::LOOKUP, &[&connection, &kind, &source_id])
        .await?
        .map(|row| row.try_get(0).map_err(StateError::from))
        .transpose()
}

pub(super) async fn reverse_lookup(
    c: &impl GenericClient,
    [connection, kind, target_id]: [&str; 3],
) -> Result<Vec<String>, StateError> {
    let mut sources = query(c, sql::REVERSE_LOOKUP, &[&connection, &kind, &target_id])
        .await?
        .iter()
        .map(|row| row.try_get(0).map_err(StateError::from))
        .collect::<Result<Vec<String>, _>>()?;
    sources.sort();
    Ok(sources)
}

pub(super) async fn unlink(
    c: &impl GenericClient,
    [connection, kind, source_id]: [&str; 3],
) -> Result<bool, StateError> {
    Ok(execute(c, sql::UNLINK, &[&connection, &kind, &source_id]).await? > 0)
}

pub(super) async fn get_hash(
    c: &impl GenericClient,
    [connection, kind, target_id]: [&str; 3],
) -> Result<Option<ContentHash>, StateError> {
    let Some(row) = query_opt(c, sql::HASH_GET, &[&connection, &kind, &target_id]).await? else {
        return Ok(None);
    };
    let origin: String = row.try_get(1)?;
    Ok(Some(ContentHash {
        hash: row.try_get(0)?,
        origin: HashOrigin::parse(&origin)?,
        updated_at: row.try_get(2)?,
    }))
}

pub(super) async fn put_hash(
    c: &impl GenericClient,
    [connection, kind, target_id]: [&str; 3],
    hash: &ContentHash,
) -> Result<(), StateError> {
    let updated_at = truncate_to_micros(hash.updated_at);
    execute(
        c,
        sql::HASH_PUT,
        &[
            &connection,
            &kind,
            &target_id,
            &hash.hash,
            &hash.origin.as_str(),
            &updated_at,
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn load_secret(
    c: &impl GenericClient,
    key: &str,
) -> Result<Option<SecretString>, StateError> {
    let Some(row) = query_opt(c, sql::SECRET_GET, &[&key]).await? else {
        return Ok(None);
    };
    let value: String = row.try_get(0)?;
    Ok(Some(SecretString::from(value)))
}

/// One upsert statement: readers see the old or the new value, never neither.
pub(super) async fn save_secret(
    c: &impl GenericClient,
    key: &str,
    value: &SecretString,
) -> Result<(), StateError> {
    execute(c, sql::SECRET_PUT, &[&key, &value.expose_secret()]).await?;
    Ok(())
}

pub(super) async fn delete_secret(c: &impl GenericClient, key: &str) -> Result<bool, StateError> {
    Ok(execute(c, sql::SECRET_DELETE, &[&key]).await? > 0)
}
