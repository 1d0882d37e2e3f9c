//! The SQL both SQL stores run, written once in PostgreSQL's `$N` placeholder style; the SQLite
//! store rewrites `$` to `?` (SQLite's numbered `?N`). The text is dialect-neutral (upserts with
//! `ON CONFLICT`, `RETURNING`, window functions: SQLite ≥ 3.35 and PostgreSQL ≥ 9.5 both have
//! them); only the parameter types differ (see each store). Text ordering is done in Rust, so
//! database collations cannot make the stores disagree.

/// Rewrites `$N` placeholders into SQLite's `?N`.
#[cfg(feature = "sqlite")]
pub(crate) fn for_sqlite(sql: &str) -> String {
    sql.replace('$', "?")
}

// ---- cursors, id map, hashes, secrets ------------------------------------------------------------

pub(crate) const CURSOR_GET: &str =
    "SELECT position_at, boundary, updated_at FROM cursors WHERE connection = $1 AND flow = $2";
pub(crate) const CURSOR_PUT: &str = "INSERT INTO cursors (connection, flow, position_at, boundary, updated_at) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connection, flow) DO UPDATE SET \
     position_at = excluded.position_at, boundary = excluded.boundary, updated_at = excluded.updated_at";
pub(crate) const CURSOR_DELETE: &str = "DELETE FROM cursors WHERE connection = $1 AND flow = $2";
pub(crate) const CURSORS_OF: &str =
    "SELECT flow, position_at, boundary, updated_at FROM cursors WHERE connection = $1";

pub(crate) const LINK: &str = "INSERT INTO id_map (connection, kind, source_id, target_id) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (connection, kind, source_id) DO UPDATE SET \
     target_id = excluded.target_id";
pub(crate) const LOOKUP: &str =
    "SELECT target_id FROM id_map WHERE connection = $1 AND kind = $2 AND source_id = $3";
pub(crate) const REVERSE_LOOKUP: &str =
    "SELECT source_id FROM id_map WHERE connection = $1 AND kind = $2 AND target_id = $3";
pub(crate) const UNLINK: &str =
    "DELETE FROM id_map WHERE connection = $1 AND kind = $2 AND source_id = $3";

pub(crate) const HASH_GET: &str = "SELECT hash, origin, updated_at FROM content_hashes \
     WHERE connection = $1 AND kind = $2 AND target_id = $3";
pub(crate) const HASH_PUT: &str = "INSERT INTO content_hashes (connection, kind, target_id, hash, origin, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (connection, kind, target_id) DO UPDATE SET \
     hash = excluded.hash, origin = excluded.origin, updated_at = excluded.updated_at";

pub(crate) const SECRET_GET: &str = "SELECT value FROM secrets WHERE secret_key = $1";
pub(crate) const SECRET_PUT: &str = "INSERT INTO secrets (secret_key, value) VALUES ($1, $2) \
     ON CONFLICT (secret_key) DO UPDATE SET value = excluded.value";
pub(crate) const SECRET_DELETE: &str = "DELETE FROM secrets WHERE secret_key = $1";

// ---- claims and leases -----------------------------------------------------------------------------

/// Returns a row only when this call created the claim. `$5` token, `$6` stale time.
pub(crate) const CLAIM_INSERT: &str = "INSERT INTO claims (connection, claim_key, owner, since, token, stale_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (connection, claim_key) DO NOTHING RETURNING owner";
pub(crate) const CLAIM_GET: &str = "SELECT owner, since, stale_at, target_id FROM claims \
     WHERE connection = $1 AND claim_key = $2";
/// Returns a row only when the key was free or its claim unconfirmed and stale at `$4`.
pub(crate) const CLAIM_TAKE_OVER: &str = "INSERT INTO claims (connection, claim_key, owner, since, token, stale_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (connection, claim_key) DO UPDATE SET \
     owner = excluded.owner, since = excluded.since, token = excluded.token, stale_at = excluded.stale_at \
     WHERE claims.target_id IS NULL AND claims.stale_at <= excluded.since RETURNING owner";
/// Moves the stale time of an unconfirmed claim `$3` still holds to `$4`.
pub(crate) const CLAIM_RENEW: &str = "UPDATE claims SET stale_at = $4 \
     WHERE connection = $1 AND claim_key = $2 AND token = $3 AND target_id IS NULL";
/// Confirms an unconfirmed claim `$3` still holds, or answers for one already confirmed with `$4`.
pub(crate) const CLAIM_CONFIRM: &str = "UPDATE claims SET target_id = $4 \
     WHERE connection = $1 AND claim_key = $2 \
     AND ((token = $3 AND target_id IS NULL) OR target_id = $4)";
pub(crate) const CLAIM_RELEASE: &str = "DELETE FROM claims \
     WHERE connection = $1 AND claim_key = $2 AND token = $3 AND target_id IS NULL";

/// Queues a record, or bumps the version of one already waiting. Returns the version.
pub(crate) const INBOX_PUT: &str = "INSERT INTO inbox (connection, flow, record_key, version, queued_at) \
     VALUES ($1, $2, $3, 1, $4) ON CONFLICT (connection, flow, record_key) DO UPDATE SET \
     version = inbox.version + 1 RETURNING version";
pub(crate) const INBOX_PENDING: &str = "SELECT record_key, version, queued_at FROM inbox \
     WHERE connection = $1 AND flow = $2 ORDER BY queued_at, record_key LIMIT $3";
pub(crate) const INBOX_ACK: &str = "DELETE FROM inbox \
     WHERE connection = $1 AND flow = $2 AND record_key = $3 AND version = $4";
pub(crate) const INBOX_OF: &str =
    "SELECT flow, COUNT(*) FROM inbox WHERE connection = $1 GROUP BY flow";

/// One atomic statement: the row is inserted, or taken over when it lapsed (`expires_at <= now`),
/// or extended when `$3` already holds it; otherwise nothing is returned. `SET` expressions read the
/// old row, so `acquired_at` survives an extension.
pub(crate) const LEASE_ACQUIRE: &str = "INSERT INTO leases (connection, flow, holder, acquired_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connection, flow) DO UPDATE SET \
     acquired_at = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > excluded.acquired_at \
                        THEN leases.acquired_at ELSE excluded.acquired_at END, \
     holder = excluded.holder, expires_at = excluded.expires_at \
     WHERE leases.expires_at <= excluded.acquired_at OR leases.holder = excluded.holder \
     RETURNING acquired_at, expires_at";
/// The lease of a holder that has the operating-system lock beside a SQLite file: whatever the row
/// says, the previous holder is gone (its lock died with it), so the row is taken or extended.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub(crate) const LEASE_FORCE: &str = "INSERT INTO leases (connection, flow, holder, acquired_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connection, flow) DO UPDATE SET \
     acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at \
                        ELSE excluded.acquired_at END, \
     holder = excluded.holder, expires_at = excluded.expires_at \
     RETURNING acquired_at, expires_at";
pub(crate) const LEASE_RENEW: &str = "UPDATE leases SET expires_at = $4 \
     WHERE connection = $1 AND flow = $2 AND holder = $3 AND expires_at > $5 \
     RETURNING acquired_at, expires_at";
pub(crate) const LEASE_RELEASE: &str =
    "DELETE FROM leases WHERE connection = $1 AND flow = $2 AND holder = $3";
pub(crate) const LEASES_OF: &str =
    "SELECT flow, holder, acquired_at, expires_at FROM leases WHERE connection = $1";

// ---- dead letters ------------------------------------------------------------------------------------

macro_rules! dead_letter_columns {
    () => {
        "id, connection, flow, record_key, original, mapped, error_kind, error_message, attempts, \
         first_seen, last_seen, next_attempt_at, status"
    };
}

pub(crate) const DEAD_LETTER_SELECT: &str =
    concat!("SELECT ", dead_letter_columns!(), " FROM dead_letters");
pub(crate) const DEAD_LETTER_GET: &str = concat!(
    "SELECT ",
    dead_letter_columns!(),
    " FROM dead_letters WHERE id = $1"
);
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub(crate) const DEAD_LETTER_FIND: &str = "SELECT attempts, status, first_seen FROM dead_letters \
     WHERE connection = $1 AND flow = $2 AND record_key = $3";
/// PostgreSQL only: the same read, locking the row until the transaction ends.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) const DEAD_LETTER_FIND_LOCKED: &str = "SELECT attempts, status, first_seen FROM dead_letters \
     WHERE connection = $1 AND flow = $2 AND record_key = $3 FOR UPDATE";
/// `$1..$11`: connection, flow, record_key, original, mapped, error_kind, error_message, attempts,
/// first_seen, last_seen, next_attempt_at. Returns nothing when a concurrent insert won.
pub(crate) const DEAD_LETTER_INSERT: &str = concat!(
    "INSERT INTO dead_letters (connection, flow, record_key, original, mapped, error_kind, \
     error_message, attempts, first_seen, last_seen, next_attempt_at, status) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending') \
     ON CONFLICT (connection, flow, record_key) DO NOTHING RETURNING ",
    dead_letter_columns!()
);
/// Same parameters as [`DEAD_LETTER_INSERT`].
pub(crate) const DEAD_LETTER_UPDATE: &str = concat!(
    "UPDATE dead_letters SET original = $4, mapped = $5, error_kind = $6, error_message = $7, \
     attempts = $8, first_seen = $9, last_seen = $10, next_attempt_at = $11, status = 'pending' \
     WHERE connection = $1 AND flow = $2 AND record_key = $3 RETURNING ",
    dead_letter_columns!()
);
pub(crate) const DEAD_LETTERS_DUE: &str = concat!(
    "SELECT ",
    dead_letter_columns!(),
    " FROM dead_letters WHERE connection = $1 AND flow = $2 AND status = 'pending' \
     AND next_attempt_at <= $3 AND attempts < $4 ORDER BY next_attempt_at, id"
);
pub(crate) const DEAD_LETTER_SET_STATUS: &str = "UPDATE dead_letters SET status = $2 WHERE id = $1";
pub(crate) const DEAD_LETTERS_PENDING_OF: &str = "SELECT flow, COUNT(*) FROM dead_letters \
     WHERE connection = $1 AND status = 'pending' GROUP BY flow";

// ---- runs and activity ---------------------------------------------------------------------------

macro_rules! run_columns {
    () => {
        "id, connection, flow, started_at, dry_run, finished_at, outcome, report"
    };
}

pub(crate) const RUN_INSERT: &str =
    "INSERT INTO runs (connection, flow, started_at, dry_run) VALUES ($1, $2, $3, $4) RETURNING id";
pub(crate) const RUN_FINISH: &str =
    "UPDATE runs SET finished_at = $2, outcome = $3, report = $4 WHERE id = $1";
pub(crate) const RUN_SELECT: &str = concat!("SELECT ", run_columns!(), " FROM runs");
pub(crate) const RUN_GET: &str = concat!("SELECT ", run_columns!(), " FROM runs WHERE id = $1");
pub(crate) const RUNS_LATEST_PER_FLOW: &str = concat!(
    "SELECT ",
    run_columns!(),
    " FROM (SELECT ",
    run_columns!(),
    ", ROW_NUMBER() OVER (PARTITION BY flow ORDER BY started_at DESC, id DESC) AS row_rank \
     FROM runs WHERE connection = $1) latest WHERE row_rank = 1"
);

pub(crate) const ACTIVITY_INSERT: &str = "INSERT INTO activity (run_id, connection, flow, record_key, stage, \
     direction, received, sent, answer, outcome, message, at, redacted) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";
pub(crate) const ACTIVITY_SELECT: &str = "SELECT id, redacted, run_id, connection, flow, record_key, stage, \
     direction, received, sent, answer, outcome, message, at FROM activity";
pub(crate) const ACTIVITY_PURGE: &str = "DELETE FROM activity WHERE at < $1";
/// A batch of entries still to redact (bounded, so a huge log never sits in memory at once).
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub(crate) const ACTIVITY_TO_REDACT: &str = "SELECT id, received, sent, answer FROM activity \
     WHERE at < $1 AND redacted = FALSE ORDER BY id LIMIT $2";
/// PostgreSQL only: the same batch, locked, so two redactions never count an entry twice.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) const ACTIVITY_TO_REDACT_LOCKED: &str = "SELECT id, received, sent, answer FROM activity \
     WHERE at < $1 AND redacted = FALSE ORDER BY id LIMIT $2 FOR UPDATE";
pub(crate) const ACTIVITY_SET_REDACTED: &str =
    "UPDATE activity SET received = $2, sent = $3, answer = $4, redacted = TRUE WHERE id = $1";
/// How many entries `redact_activity` loads per batch.
pub(crate) const REDACT_BATCH: i64 = 500;

// ---- overview ----------------------------------------------------------------------------------------

pub(crate) const SCHEMA_VERSION: &str = "SELECT MAX(version) FROM schema_migrations";
/// One row of counts, in [`StoreStats`](super::StoreStats) field order.
pub(crate) const STATS_COUNTS: &str = "SELECT \
     (SELECT COUNT(*) FROM cursors), (SELECT COUNT(*) FROM id_map), \
     (SELECT COUNT(*) FROM content_hashes), \
     (SELECT COUNT(*) FROM claims WHERE target_id IS NULL), \
     (SELECT COUNT(*) FROM claims WHERE target_id IS NOT NULL), \
     (SELECT COUNT(*) FROM dead_letters WHERE status = 'pending'), \
     (SELECT COUNT(*) FROM dead_letters), (SELECT COUNT(*) FROM runs), \
     (SELECT COUNT(*) FROM activity), (SELECT COUNT(*) FROM secrets), (SELECT COUNT(*) FROM leases)";
pub(crate) const STATS_CONNECTIONS: &str = "SELECT connection FROM cursors \
     UNION SELECT connection FROM id_map UNION SELECT connection FROM content_hashes \
     UNION SELECT connection FROM claims UNION SELECT connection FROM dead_letters \
     UNION SELECT connection FROM runs UNION SELECT connection FROM activity \
     UNION SELECT connection FROM leases UNION SELECT connection FROM inbox";
pub(crate) const ID_LINKS_PER_KIND: &str =
    "SELECT kind, COUNT(*) FROM id_map WHERE connection = $1 GROUP BY kind";
pub(crate) const HASHES_PER_KIND: &str =
    "SELECT kind, COUNT(*) FROM content_hashes WHERE connection = $1 GROUP BY kind";
pub(crate) const CLAIMS_IN_FLIGHT_OF: &str =
    "SELECT COUNT(*) FROM claims WHERE connection = $1 AND target_id IS NULL";

/// The stats record from the row of [`STATS_COUNTS`] (kept next to the query that fixes the order).
pub(crate) fn stats_from_counts(
    backend: &str,
    schema_version: Option<i64>,
    connections: Vec<String>,
    counts: [u64; 11],
) -> super::StoreStats {
    let [
        cursors,
        id_links,
        content_hashes,
        claims_in_flight,
        claims_done,
        dead_letters_pending,
        dead_letters_total,
        runs,
        activity_entries,
        secrets,
        leases,
    ] = counts;
    super::StoreStats {
        backend: backend.to_owned(),
        schema_version,
        connections,
        cursors,
        id_links,
        content_hashes,
        claims_in_flight,
        claims_done,
        dead_letters_pending,
        dead_letters_total,
        runs,
        activity_entries,
        secrets,
        leases,
    }
}
