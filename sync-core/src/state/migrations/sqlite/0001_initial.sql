-- Koppel state store, SQLite, version 1.
-- Timestamps are INTEGER microseconds since the Unix epoch (UTC): exact, compact and ordered.
-- JSON payloads are TEXT.

CREATE TABLE cursors (
    connection  TEXT    NOT NULL,
    flow        TEXT    NOT NULL,
    position_at INTEGER NOT NULL,
    boundary    TEXT    NOT NULL, -- JSON array of record keys seen at position_at
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (connection, flow)
);

CREATE TABLE id_map (
    connection TEXT NOT NULL,
    kind       TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    target_id  TEXT NOT NULL,
    PRIMARY KEY (connection, kind, source_id)
);
CREATE INDEX id_map_by_target ON id_map (connection, kind, target_id);

CREATE TABLE content_hashes (
    connection TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    target_id  TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    origin     TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (connection, kind, target_id)
);

CREATE TABLE claims (
    connection TEXT    NOT NULL,
    claim_key  TEXT    NOT NULL,
    owner      TEXT    NOT NULL,
    since      INTEGER NOT NULL,
    target_id  TEXT,             -- set once confirmed
    PRIMARY KEY (connection, claim_key)
);

CREATE TABLE dead_letters (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    connection      TEXT    NOT NULL,
    flow            TEXT    NOT NULL,
    record_key      TEXT    NOT NULL,
    original        TEXT    NOT NULL,
    mapped          TEXT,
    error_kind      TEXT    NOT NULL,
    error_message   TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    first_seen      INTEGER NOT NULL,
    last_seen       INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    UNIQUE (connection, flow, record_key)
);
CREATE INDEX dead_letters_due ON dead_letters (connection, flow, status, next_attempt_at);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    connection  TEXT    NOT NULL,
    flow        TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    dry_run     INTEGER NOT NULL,
    finished_at INTEGER,
    outcome     TEXT,
    report      TEXT
);
CREATE INDEX runs_by_scope ON runs (connection, flow, started_at);

CREATE TABLE activity (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id     INTEGER,
    connection TEXT    NOT NULL,
    flow       TEXT    NOT NULL,
    record_key TEXT,
    stage      TEXT    NOT NULL,
    direction  TEXT    NOT NULL,
    received   TEXT,
    sent       TEXT,
    answer     TEXT,
    outcome    TEXT    NOT NULL,
    message    TEXT,
    at         INTEGER NOT NULL,
    redacted   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX activity_by_run ON activity (run_id);
CREATE INDEX activity_by_record ON activity (connection, record_key);
CREATE INDEX activity_by_time ON activity (at);

CREATE TABLE secrets (
    secret_key TEXT PRIMARY KEY,
    value      TEXT NOT NULL
);

CREATE TABLE leases (
    connection  TEXT    NOT NULL,
    flow        TEXT    NOT NULL,
    holder      TEXT    NOT NULL,
    acquired_at INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (connection, flow)
);
