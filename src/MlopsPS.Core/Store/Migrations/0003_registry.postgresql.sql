-- PostgreSQL's form of 0003_registry.sql: the same tables, columns and constraints in PostgreSQL's types. SQLite's INTEGER is
-- 64-bit (BIGINT here), its REAL 8 bytes (DOUBLE PRECISION), BLOB is BYTEA; an INTEGER PRIMARY KEY that SQLite
-- numbers by itself is an identity column; NOCASE names are unique on lower(name); WITHOUT ROWID has no meaning here.

-- The model registry with MLflow's concepts: registered models, numbered versions made from runs, aliases.
CREATE TABLE registered_models (
    name              TEXT PRIMARY KEY,
    description       TEXT,
    creation_time     BIGINT NOT NULL,
    last_updated_time BIGINT NOT NULL
);

CREATE TABLE model_versions (
    name           TEXT NOT NULL REFERENCES registered_models(name),
    version        BIGINT NOT NULL,
    run_id         TEXT REFERENCES runs(run_id),
    source         TEXT NOT NULL,
    status         TEXT NOT NULL,
    status_message TEXT,
    signature_json TEXT,
    description    TEXT,
    creation_time  BIGINT NOT NULL,
    PRIMARY KEY (name, version)
);
CREATE INDEX model_versions_by_run ON model_versions(run_id);

CREATE TABLE model_aliases (
    name    TEXT NOT NULL REFERENCES registered_models(name),
    alias   TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
);
