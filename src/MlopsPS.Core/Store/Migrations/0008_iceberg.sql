-- Tables become Apache Iceberg tables (format v2). The rows below stay the engine's fast index; every commit also
-- writes the table's Iceberg files (a manifest, a manifest list, metadata/vN.metadata.json) in the same transaction.
-- The Iceberg SQL catalog's own tables (iceberg_tables, iceberg_namespace_properties) are created by this migration's
-- code step with PyIceberg's exact statements (Tables/Iceberg/IcebergCatalogSchema.cs), which then writes the Iceberg
-- metadata of every table already in the store (Tables/Iceberg/IcebergBackfill.cs).

-- The table's Iceberg uuid, and the metadata file of MlopsPS's newest commit: when iceberg_tables points elsewhere,
-- another engine has committed since.
ALTER TABLE tables ADD COLUMN table_uuid TEXT;
ALTER TABLE tables ADD COLUMN metadata_location TEXT;

-- The snapshot's manifest list (a file:// URI), and whether it carries all of its parent's manifests over (MlopsPS's
-- appends do; another engine's may merge them): then the parent's list need not be read to know which manifests are
-- still needed.
ALTER TABLE snapshots ADD COLUMN manifest_list TEXT;
ALTER TABLE snapshots ADD COLUMN carries_parent_manifests INTEGER NOT NULL DEFAULT 0;

-- Every metadata file of a table still on disk, in the order written: the metadata log, and what expiry may delete
-- (a file whose current snapshot was expired).
CREATE TABLE metadata_files (
    table_id            INTEGER NOT NULL REFERENCES tables(table_id),
    version             INTEGER NOT NULL,
    location            TEXT NOT NULL,
    written_at_ms       INTEGER NOT NULL,
    current_snapshot_id INTEGER,
    PRIMARY KEY (table_id, version)
) WITHOUT ROWID;
