-- PostgreSQL's form of 0009_store_settings.sql (see there); text is COLLATE "C" as in 0001-0008.
CREATE TABLE store_settings (
    name  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);
