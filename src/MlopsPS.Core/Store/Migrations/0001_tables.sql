-- Versioned tables with Iceberg semantics: a table, its schema, its snapshot chain, the data files, and the
-- log of which snapshot was current when. Times are UTC microseconds since the Unix epoch (integers sort and
-- compare without parsing).
--
-- Storage stays linear in the number of commits: a snapshot does not copy its parent's file list. The files a
-- snapshot S can see are found by walking S's parent chain and collecting the files each snapshot added,
-- stopping after an overwrite/delete (it replaced everything before it) or where the parent is gone (expired);
-- a snapshot whose parent was expired keeps what it inherited in inherited_files. So an incremental read of
-- the newest batch touches only the snapshots in its range and the files they added (indexed lookups).
CREATE TABLE tables (
    table_id             INTEGER PRIMARY KEY,
    -- NOCASE: a table's folder is named after it, and Windows/macOS folders are case-insensitive.
    name                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
    schema_json          TEXT NOT NULL,
    dataset              TEXT,
    -- Never NULL once committed: a table is created by the transaction that commits its first snapshot.
    current_snapshot_id  INTEGER NOT NULL,
    last_sequence_number INTEGER NOT NULL,
    -- When the current snapshot last changed (commit or rollback); keeps the snapshot log monotonic.
    last_updated_us      INTEGER NOT NULL,
    created_at_us        INTEGER NOT NULL
);

CREATE TABLE snapshots (
    snapshot_id        INTEGER PRIMARY KEY,
    table_id           INTEGER NOT NULL REFERENCES tables(table_id),
    -- No foreign key: as in Iceberg, a snapshot keeps its parent's id after the parent has been expired.
    parent_id          INTEGER,
    sequence_number    INTEGER NOT NULL,
    committed_at_us    INTEGER NOT NULL,
    operation          TEXT NOT NULL CHECK (operation IN ('append', 'overwrite', 'delete')),
    added_records      INTEGER NOT NULL,
    added_files        INTEGER NOT NULL,
    added_files_size   INTEGER NOT NULL,
    deleted_records    INTEGER NOT NULL,
    deleted_files      INTEGER NOT NULL,
    removed_files_size INTEGER NOT NULL,
    total_records      INTEGER NOT NULL,
    total_files        INTEGER NOT NULL,
    total_files_size   INTEGER NOT NULL,
    UNIQUE (table_id, sequence_number)
);

CREATE TABLE data_files (
    file_id           INTEGER PRIMARY KEY,
    table_id          INTEGER NOT NULL REFERENCES tables(table_id),
    -- Relative to the store folder, '/'-separated, so a store can be moved or copied whole.
    path              TEXT NOT NULL UNIQUE,
    record_count      INTEGER NOT NULL,
    size_bytes        INTEGER NOT NULL,
    -- No foreign key: a file outlives the snapshot that added it while a later snapshot still sees it.
    added_snapshot_id INTEGER NOT NULL
);
CREATE INDEX data_files_by_snapshot ON data_files(added_snapshot_id);
CREATE INDEX data_files_by_table ON data_files(table_id);

-- Written only by snapshot expiry: for a kept snapshot whose parent was expired, the files it could see
-- through that parent. A file is referenced while the snapshot that added it exists or a row here names it.
CREATE TABLE inherited_files (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(snapshot_id),
    file_id     INTEGER NOT NULL REFERENCES data_files(file_id),
    PRIMARY KEY (snapshot_id, file_id)
) WITHOUT ROWID;
CREATE INDEX inherited_files_by_file ON inherited_files(file_id);

-- Iceberg's snapshot log: one row each time a snapshot became current (commit or rollback). The history
-- view and time travel by timestamp read it.
CREATE TABLE snapshot_log (
    entry_id           INTEGER PRIMARY KEY,
    table_id           INTEGER NOT NULL REFERENCES tables(table_id),
    made_current_at_us INTEGER NOT NULL,
    snapshot_id        INTEGER NOT NULL REFERENCES snapshots(snapshot_id)
);
CREATE INDEX snapshot_log_by_table ON snapshot_log(table_id, made_current_at_us);
