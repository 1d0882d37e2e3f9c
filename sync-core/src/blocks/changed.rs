//! Changed-only writes: a record is written to a target only when its content differs from what
//! Koppel wrote there last — or, the first time, from what the target shows. The content hash of
//! what was written is remembered after the target acknowledged; content found in the target
//! unchanged is remembered as observed, so the next run compares with it without asking again.

use std::future::Future;

use super::Worker;
use crate::error::SyncError;
use crate::state::{ContentHash, ContentHashes, HashKind, HashOrigin};

/// What [`write_if_changed`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Written {
    /// The content differed and was written.
    Written,
    /// The content differed; a dry run wrote nothing.
    WouldWrite,
    /// The target holds this content already; nothing was written.
    Unchanged,
}

/// The content of one target record and where it goes.
#[derive(Debug, Clone, Copy)]
pub struct Content<'r> {
    /// What the hash is about (`HashKind::Stock`…).
    pub kind: &'r HashKind,
    /// The record's id in the target.
    pub target_id: &'r str,
    /// The content's canonical text or hash.
    pub content: &'r str,
    /// What the target shows now in the same form, when the caller knows it (used only while no
    /// hash was remembered).
    pub shown: Option<&'r str>,
}

/// Writes `content` with `write` unless it is what was written (or seen) last; remembers it after
/// `write` succeeded. A dry run never calls `write` and remembers nothing.
pub async fn write_if_changed<F, Fut>(
    hashes: &dyn ContentHashes,
    worker: Worker<'_>,
    content: Content<'_>,
    dry_run: bool,
    write: F,
) -> Result<Written, SyncError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), SyncError>>,
{
    let conn = worker.connection;
    let last = hashes
        .get_hash(conn, content.kind, content.target_id)
        .await?;
    let unchanged = match &last {
        Some(h) => h.hash == content.content,
        None => content.shown == Some(content.content),
    };
    let remember = |origin| async move {
        let hash = ContentHash {
            hash: content.content.to_owned(),
            origin,
            updated_at: worker.clock.now(),
        };
        hashes
            .put_hash(conn, content.kind, content.target_id, &hash)
            .await
    };
    if unchanged {
        if last.is_none() && !dry_run {
            remember(HashOrigin::Observed).await?;
        }
        return Ok(Written::Unchanged);
    }
    if dry_run {
        return Ok(Written::WouldWrite);
    }
    write().await?;
    remember(HashOrigin::Koppel).await?;
    Ok(Written::Written)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::state::MemoryStateStore;
    use crate::traits::{Clock, SystemClock};

    #[tokio::test]
    async fn writes_only_what_changed_and_trusts_what_the_target_shows_once() {
        let state = MemoryStateStore::new();
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let worker = Worker {
            connection: "c",
            id: "w",
            clock: &clock,
        };
        let writes = AtomicU32::new(0);
        let write = || async {
            writes.fetch_add(1, Ordering::SeqCst);
            Ok(())
        };
        let content = |text, shown| Content {
            kind: &HashKind::Stock,
            target_id: "v1",
            content: text,
            shown,
        };
        // The target shows 5 already: remembered as observed, not written.
        let w = write_if_changed(&state, worker, content("5", Some("5")), false, write).await;
        assert_eq!(w.unwrap(), Written::Unchanged);
        let w = write_if_changed(&state, worker, content("7", Some("5")), true, write).await;
        assert_eq!(w.unwrap(), Written::WouldWrite);
        assert_eq!(writes.load(Ordering::SeqCst), 0, "a dry run writes nothing");
        let w = write_if_changed(&state, worker, content("7", Some("5")), false, write).await;
        assert_eq!(w.unwrap(), Written::Written);
        // What the target shows no longer matters once Koppel wrote there.
        let w = write_if_changed(&state, worker, content("7", Some("0")), false, write).await;
        assert_eq!(w.unwrap(), Written::Unchanged);
        assert_eq!(writes.load(Ordering::SeqCst), 1);
    }
}
