-- The model registry with MLflow's concepts: registered models, numbered versions made from runs, aliases.
CREATE TABLE registered_models (
    name              TEXT PRIMARY KEY,
    description       TEXT,
    creation_time     INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL
);

CREATE TABLE model_versions (
    name           TEXT NOT NULL REFERENCES registered_models(name),
    version        INTEGER NOT NULL,
    run_id         TEXT REFERENCES runs(run_id),
    source         TEXT NOT NULL,
    status         TEXT NOT NULL,
    status_message TEXT,
    signature_json TEXT,
    description    TEXT,
    creation_time  INTEGER NOT NULL,
    PRIMARY KEY (name, version)
) WITHOUT ROWID;
CREATE INDEX model_versions_by_run ON model_versions(run_id);

CREATE TABLE model_aliases (
    name    TEXT NOT NULL REFERENCES registered_models(name),
    alias   TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
) WITHOUT ROWID;
