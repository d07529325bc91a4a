-- PostgreSQL's form of 0008_iceberg.sql (see there for what each column is for); text is COLLATE "C" as in 0001-0007.
-- The Iceberg SQL catalog's tables (iceberg_tables, iceberg_namespace_properties) are created by the migration's code
-- step with the same statements as on SQLite, which are the ones PyIceberg's SqlCatalog issues and Java's JdbcCatalog
-- reads on PostgreSQL too.
ALTER TABLE tables ADD COLUMN table_uuid TEXT COLLATE "C";
ALTER TABLE tables ADD COLUMN metadata_location TEXT COLLATE "C";

ALTER TABLE snapshots ADD COLUMN manifest_list TEXT COLLATE "C";
ALTER TABLE snapshots ADD COLUMN carries_parent_manifests BIGINT NOT NULL DEFAULT 0;

CREATE TABLE metadata_files (
    table_id            BIGINT NOT NULL REFERENCES tables(table_id),
    version             BIGINT NOT NULL,
    location            TEXT COLLATE "C" NOT NULL,
    written_at_ms       BIGINT NOT NULL,
    current_snapshot_id BIGINT,
    PRIMARY KEY (table_id, version)
);
