-- Settings of the store that a user may choose (Set-MlopsStore), one row each; a setting without a row has its
-- default. The first is the Iceberg SQL catalog's catalog name ('iceberg.catalog-name', default 'mlops'), under which
-- the store's tables are registered in iceberg_tables and iceberg_namespace_properties.
CREATE TABLE store_settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
