-- Versioned tables with Iceberg semantics: a table, its schema, its snapshot chain, the data files
-- each snapshot can see, and the history of which snapshot was current when.
CREATE TABLE tables (
    table_id            INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    schema_json         TEXT NOT NULL,
    dataset             TEXT,
    current_snapshot_id INTEGER,
    last_sequence       INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL
);

CREATE TABLE snapshots (
    snapshot_id     INTEGER PRIMARY KEY,
    table_id        INTEGER NOT NULL REFERENCES tables(table_id),
    parent_id       INTEGER,
    sequence_number INTEGER NOT NULL,
    committed_at    TEXT NOT NULL,
    operation       TEXT NOT NULL,
    summary_json    TEXT NOT NULL,
    UNIQUE (table_id, sequence_number)
);
CREATE INDEX snapshots_by_table ON snapshots(table_id, sequence_number);

CREATE TABLE data_files (
    file_id         INTEGER PRIMARY KEY,
    table_id        INTEGER NOT NULL REFERENCES tables(table_id),
    path            TEXT NOT NULL UNIQUE,
    record_count    INTEGER NOT NULL,
    size_bytes      INTEGER NOT NULL,
    added_snapshot  INTEGER NOT NULL
);

-- The files each snapshot can see: a snapshot's manifest. An append copies its parent's set and adds its
-- own file; reading the newest batch only needs the files added by the snapshots in the range.
CREATE TABLE snapshot_files (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(snapshot_id),
    file_id     INTEGER NOT NULL REFERENCES data_files(file_id),
    PRIMARY KEY (snapshot_id, file_id)
) WITHOUT ROWID;
CREATE INDEX snapshot_files_by_file ON snapshot_files(file_id);

CREATE TABLE snapshot_history (
    table_id        INTEGER NOT NULL REFERENCES tables(table_id),
    made_current_at TEXT NOT NULL,
    snapshot_id     INTEGER NOT NULL,
    parent_id       INTEGER
);
CREATE INDEX snapshot_history_by_table ON snapshot_history(table_id, made_current_at);
