-- Koppel state store, PostgreSQL, version 1.
-- Runs inside the store's schema (search_path); timestamps are TIMESTAMPTZ (microseconds),
-- payloads JSON (not JSONB: the activity log must show a payload with its keys in the order the
-- API sent them, and nothing queries inside payloads).

CREATE TABLE cursors (
    connection  TEXT        NOT NULL,
    flow        TEXT        NOT NULL,
    position_at TIMESTAMPTZ NOT NULL,
    boundary    TEXT[]      NOT NULL, -- record keys seen at position_at
    updated_at  TIMESTAMPTZ NOT NULL,
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
    connection TEXT        NOT NULL,
    kind       TEXT        NOT NULL,
    target_id  TEXT        NOT NULL,
    hash       TEXT        NOT NULL,
    origin     TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection, kind, target_id)
);

CREATE TABLE claims (
    connection TEXT        NOT NULL,
    claim_key  TEXT        NOT NULL,
    owner      TEXT        NOT NULL,
    since      TIMESTAMPTZ NOT NULL,
    target_id  TEXT,                  -- set once confirmed
    PRIMARY KEY (connection, claim_key)
);

CREATE TABLE dead_letters (
    id              BIGSERIAL   PRIMARY KEY,
    connection      TEXT        NOT NULL,
    flow            TEXT        NOT NULL,
    record_key      TEXT        NOT NULL,
    original        JSON        NOT NULL,
    mapped          JSON,
    error_kind      TEXT        NOT NULL,
    error_message   TEXT        NOT NULL,
    attempts        INTEGER     NOT NULL,
    first_seen      TIMESTAMPTZ NOT NULL,
    last_seen       TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    status          TEXT        NOT NULL,
    UNIQUE (connection, flow, record_key)
);
CREATE INDEX dead_letters_due ON dead_letters (connection, flow, status, next_attempt_at);

CREATE TABLE runs (
    id          BIGSERIAL   PRIMARY KEY,
    connection  TEXT        NOT NULL,
    flow        TEXT        NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    dry_run     BOOLEAN     NOT NULL,
    finished_at TIMESTAMPTZ,
    outcome     TEXT,
    report      JSON
);
CREATE INDEX runs_by_scope ON runs (connection, flow, started_at);

CREATE TABLE activity (
    id         BIGSERIAL   PRIMARY KEY,
    run_id     BIGINT,
    connection TEXT        NOT NULL,
    flow       TEXT        NOT NULL,
    record_key TEXT,
    stage      TEXT        NOT NULL,
    direction  TEXT        NOT NULL,
    received   JSON,
    sent       JSON,
    answer     JSON,
    outcome    TEXT        NOT NULL,
    message    TEXT,
    at         TIMESTAMPTZ NOT NULL,
    redacted   BOOLEAN     NOT NULL DEFAULT FALSE
);
CREATE INDEX activity_by_run ON activity (run_id);
CREATE INDEX activity_by_record ON activity (connection, record_key);
CREATE INDEX activity_by_time ON activity (at);

CREATE TABLE secrets (
    secret_key TEXT PRIMARY KEY,
    value      TEXT NOT NULL
);

CREATE TABLE leases (
    connection  TEXT        NOT NULL,
    flow        TEXT        NOT NULL,
    holder      TEXT        NOT NULL,
    acquired_at TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection, flow)
);
