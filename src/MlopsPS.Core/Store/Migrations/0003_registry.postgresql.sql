-- PostgreSQL's form of 0003_registry.sql: the same tables, columns and constraints in PostgreSQL's types. SQLite's INTEGER is
-- 64-bit (BIGINT here), its REAL 8 bytes (DOUBLE PRECISION), BLOB is BYTEA; an INTEGER PRIMARY KEY that SQLite
-- numbers by itself is an identity column; NOCASE names are unique on lower(name); WITHOUT ROWID has no meaning here.
-- Text is COLLATE "C", SQLite's BINARY: names sort and compare by their bytes whatever the server's locale.

-- The model registry with MLflow's concepts: registered models, numbered versions made from runs, aliases.
CREATE TABLE registered_models (
    name              TEXT COLLATE "C" PRIMARY KEY,
    description       TEXT COLLATE "C",
    creation_time     BIGINT NOT NULL,
    last_updated_time BIGINT NOT NULL
);

CREATE TABLE model_versions (
    name           TEXT COLLATE "C" NOT NULL REFERENCES registered_models(name),
    version        BIGINT NOT NULL,
    run_id         TEXT COLLATE "C" REFERENCES runs(run_id),
    source         TEXT COLLATE "C" NOT NULL,
    status         TEXT COLLATE "C" NOT NULL,
    status_message TEXT COLLATE "C",
    signature_json TEXT COLLATE "C",
    description    TEXT COLLATE "C",
    creation_time  BIGINT NOT NULL,
    PRIMARY KEY (name, version)
);
CREATE INDEX model_versions_by_run ON model_versions(run_id);

CREATE TABLE model_aliases (
    name    TEXT COLLATE "C" NOT NULL REFERENCES registered_models(name),
    alias   TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
);
