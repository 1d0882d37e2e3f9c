-- Koppel state store, SQLite, version 2: fencing tokens and stale times on claims; the inbox of
-- records announced (by webhooks) and not yet processed.

-- The claim's fencing token: renew, confirm and release must name it.
ALTER TABLE claims ADD COLUMN token INTEGER NOT NULL DEFAULT 0;
-- When an unconfirmed claim goes stale (microseconds since the epoch); renewed while its owner works.
-- Claims written by version 1 count as stale at once: whoever meets one looks the record up in the
-- target before it takes the claim over.
ALTER TABLE claims ADD COLUMN stale_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE inbox (
    connection TEXT    NOT NULL,
    flow       TEXT    NOT NULL,
    record_key TEXT    NOT NULL,
    version    INTEGER NOT NULL, -- bumped by every new announcement
    queued_at  INTEGER NOT NULL,
    PRIMARY KEY (connection, flow, record_key)
);
CREATE INDEX inbox_by_age ON inbox (connection, flow, queued_at);
