BEGIN TRANSACTION;
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
INSERT INTO "data_files" VALUES(1,1,'tables/telco/data-91b1d2b78ef5493db6491b4946cec3cf.parquet',50,4989,6038918424716038725);
INSERT INTO "data_files" VALUES(2,1,'tables/telco/data-1aefac935e6445fe9401b580b2d5c9ca.parquet',40,4495,7985040843444199027);
INSERT INTO "data_files" VALUES(3,1,'tables/telco/data-b59b78acdc334481998ddece9f325bdf.parquet',30,4009,4066867435279121586);
INSERT INTO "data_files" VALUES(4,1,'tables/telco/data-799e48fb81b949b382158e0a96c5734b.parquet',20,3483,9051658251746246696);
INSERT INTO "data_files" VALUES(5,2,'tables/fraud.cards/data-e502a4ba5c884d77b77af1350c9f691f.parquet',25,6012,445064968790219180);
CREATE TABLE deployments (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment_id  TEXT NOT NULL UNIQUE,
    build_id       TEXT NOT NULL,
    endpoint_name  TEXT NOT NULL REFERENCES endpoints(name),
    model_name     TEXT NOT NULL,
    model_version  INTEGER NOT NULL,
    run_id         TEXT,
    status         TEXT NOT NULL,
    message        TEXT,
    url            TEXT,
    port           INTEGER,
    host_pid       INTEGER,
    -- When the publish started, when the version began serving, when it stopped serving (or failed).
    start_time     INTEGER NOT NULL,
    deployed_time  INTEGER,
    end_time       INTEGER,
    FOREIGN KEY (model_name, model_version) REFERENCES model_versions(name, version)
);
CREATE TABLE endpoints (
    name             TEXT PRIMARY KEY,
    bind_address     TEXT NOT NULL,
    -- The port asked for; 0 = any free port, chosen by the host each time it starts.
    requested_port   INTEGER NOT NULL,
    -- The port the running (or last) host listens on, and the URL a client on this machine uses.
    port             INTEGER,
    url              TEXT,
    -- SHA-256 of the API key (hex); the key itself is never stored. NULL = no key required.
    api_key_hash     TEXT,
    max_body_bytes   INTEGER NOT NULL,
    status           TEXT NOT NULL,
    status_message   TEXT,
    -- The host process: pid and start time (pids are reused, start times are not), and its machine.
    host_name        TEXT,
    host_pid         INTEGER,
    host_started     INTEGER,
    -- Random per host launch; authorises the host's loopback control routes (swap, shutdown).
    control_token    TEXT,
    current_deployment_id TEXT,
    creation_time    INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL
, tracking_enabled INTEGER NOT NULL DEFAULT 1);
CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
    key           TEXT NOT NULL,
    value         TEXT NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;
CREATE TABLE experiments (
    experiment_id     INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    artifact_location TEXT NOT NULL,
    lifecycle_stage   TEXT NOT NULL DEFAULT 'active',
    creation_time     INTEGER NOT NULL,
    last_update_time  INTEGER NOT NULL
);
CREATE TABLE ground_truth (
    prediction_seq INTEGER PRIMARY KEY REFERENCES prediction_log(seq),
    label          TEXT NOT NULL,
    recorded_at    INTEGER NOT NULL
);
CREATE TABLE inherited_files (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(snapshot_id),
    file_id     INTEGER NOT NULL REFERENCES data_files(file_id),
    PRIMARY KEY (snapshot_id, file_id)
) WITHOUT ROWID;
INSERT INTO "inherited_files" VALUES(4066867435279121586,1);
INSERT INTO "inherited_files" VALUES(4066867435279121586,2);
CREATE TABLE job_runs (
    run_id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NULL once the job is unregistered; job_name keeps the history readable.
    job_id          INTEGER REFERENCES jobs(job_id) ON DELETE SET NULL,
    job_name        TEXT NOT NULL COLLATE NOCASE,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'timed_out', 'stopped')),
    trigger_kind    TEXT NOT NULL CHECK (trigger_kind IN ('manual', 'schedule', 'dependency')),
    trigger_text    TEXT NOT NULL,
    -- The run whose success triggered this one (trigger_kind = 'dependency').
    trigger_run_id  INTEGER,
    -- The run that started the chain: itself for a manual or scheduled run, its trigger's chain otherwise.
    chain_id        INTEGER NOT NULL,
    scheduled_tick  INTEGER,
    queued_time     INTEGER NOT NULL,
    start_time      INTEGER,
    end_time        INTEGER,
    exit_code       INTEGER,
    log_path        TEXT NOT NULL,
    -- The detached runner process that executes the run (and its dependents): a run whose runner died is
    -- marked failed on the next read instead of staying queued or running forever.
    runner_host     TEXT,
    runner_pid      INTEGER,
    runner_started  INTEGER,
    -- The job's own pwsh process, killed with its children on timeout or stop.
    process_host    TEXT,
    process_pid     INTEGER,
    process_started INTEGER,
    error_message   TEXT
);
CREATE TABLE job_scheduler (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    status          TEXT NOT NULL CHECK (status IN ('running', 'stopping', 'stopped')),
    host            TEXT,
    pid             INTEGER,
    process_started INTEGER,
    start_time      INTEGER,
    heartbeat_time  INTEGER,
    stop_time       INTEGER,
    log_path        TEXT,
    message         TEXT
);
CREATE TABLE jobs (
    job_id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description       TEXT,
    -- 'file': script is an absolute .ps1 path and arguments are appended to its command line as written;
    -- 'text': script is PowerShell text (a script block's body).
    script_kind       TEXT NOT NULL CHECK (script_kind IN ('file', 'text')),
    script            TEXT NOT NULL,
    arguments         TEXT,
    working_directory TEXT,
    schedule          TEXT NOT NULL CHECK (schedule IN ('manual', 'dependent', 'cron')),
    parent_job_id     INTEGER REFERENCES jobs(job_id),
    cron              TEXT,
    cron_time_zone    TEXT,
    -- When the cron schedule was set: ticks before it never fire.
    cron_since        INTEGER,
    -- The newest cron tick that has fired (older missed ticks were coalesced into it); a tick fires only when it is
    -- newer than this, so a tick is never run twice, whatever the scheduler's restarts.
    cron_last_tick    INTEGER,
    timeout_ms        INTEGER CHECK (timeout_ms IS NULL OR timeout_ms > 0),
    environment_json  TEXT NOT NULL DEFAULT '{}',
    creation_time     INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL,
    CHECK ((schedule = 'dependent') = (parent_job_id IS NOT NULL)),
    CHECK ((schedule = 'cron') = (cron IS NOT NULL))
);
CREATE TABLE latest_metrics (
    run_id    TEXT NOT NULL REFERENCES runs(run_id),
    key       TEXT NOT NULL,
    value     REAL NOT NULL,
    timestamp INTEGER NOT NULL,
    step      INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE metrics (
    run_id    TEXT NOT NULL REFERENCES runs(run_id),
    key       TEXT NOT NULL,
    value     REAL NOT NULL,
    timestamp INTEGER NOT NULL,
    step      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE model_aliases (
    name    TEXT NOT NULL REFERENCES registered_models(name),
    alias   TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
) WITHOUT ROWID;
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
CREATE TABLE params (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE prediction_log (
    seq            INTEGER PRIMARY KEY,       -- the order of writing
    prediction_id  BLOB NOT NULL,             -- the UUID the caller got: 16 bytes, RFC 4122 order (v7: time-ordered)
    source_id      INTEGER NOT NULL,          -- prediction_sources
    predicted_at   INTEGER NOT NULL,          -- unix ms, the time in prediction_id
    inputs         BLOB NOT NULL,             -- little-endian float32 per feature, NaN = missing (rows from 0006: their JSON text)
    prediction     TEXT NOT NULL,             -- the class label returned
    probability    REAL NOT NULL,             -- P(second class label)
    latency_us     INTEGER NOT NULL           -- the latency of the request that carried it
);
CREATE TABLE prediction_sources (
    source_id     INTEGER PRIMARY KEY,
    endpoint_name TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    model_name    TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    features_json TEXT NOT NULL,              -- ["feature", ...]: the names of each prediction's inputs, in order
    UNIQUE (endpoint_name, deployment_id, model_name, model_version, features_json)
);
CREATE TABLE registered_models (
    name              TEXT PRIMARY KEY,
    description       TEXT,
    creation_time     INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL
);
CREATE TABLE runs (
    run_id          TEXT PRIMARY KEY,
    experiment_id   INTEGER NOT NULL REFERENCES experiments(experiment_id),
    run_name        TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    status          TEXT NOT NULL,
    start_time      INTEGER NOT NULL,
    end_time        INTEGER,
    artifact_uri    TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    -- The process that owns a RUNNING run, so a run whose process died is shown as KILLED, not RUNNING forever.
    owner_host      TEXT NOT NULL,
    owner_pid       INTEGER NOT NULL,
    owner_started   INTEGER NOT NULL,
    error_message   TEXT
);
CREATE TABLE snapshot_log (
    entry_id           INTEGER PRIMARY KEY,
    table_id           INTEGER NOT NULL REFERENCES tables(table_id),
    made_current_at_us INTEGER NOT NULL,
    snapshot_id        INTEGER NOT NULL REFERENCES snapshots(snapshot_id)
);
INSERT INTO "snapshot_log" VALUES(3,1,1796285667357912,4066867435279121586);
INSERT INTO "snapshot_log" VALUES(4,1,1796285667382203,9051658251746246696);
INSERT INTO "snapshot_log" VALUES(5,1,1796285667457657,4066867435279121586);
INSERT INTO "snapshot_log" VALUES(6,2,1796285667473697,445064968790219180);
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
INSERT INTO "snapshots" VALUES(445064968790219180,2,NULL,1,1796285667473697,'append',25,1,6012,0,0,0,25,1,6012);
INSERT INTO "snapshots" VALUES(4066867435279121586,1,7985040843444199027,3,1796285667357912,'append',30,1,4009,0,0,0,120,3,13493);
INSERT INTO "snapshots" VALUES(9051658251746246696,1,4066867435279121586,4,1796285667382203,'append',20,1,3483,0,0,0,140,4,16976);
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
INSERT INTO "tables" VALUES(1,'telco','[{"name":"id","type":"Int64","nullable":false},{"name":"device_id","type":"String","nullable":false},{"name":"manufacturer","type":"String","nullable":false},{"name":"event_type","type":"String","nullable":false},{"name":"longitude","type":"Double","nullable":false},{"name":"latitude","type":"Double","nullable":false},{"name":"iot_signal_1","type":"Int64","nullable":false},{"name":"iot_signal_2","type":"Int64","nullable":false},{"name":"iot_signal_3","type":"Int64","nullable":false},{"name":"iot_signal_4","type":"Int64","nullable":false},{"name":"cell_tower_failure","type":"Int64","nullable":false}]','TelcoCellTowers',4066867435279121586,4,1796285667457657,1796285667084450);
INSERT INTO "tables" VALUES(2,'fraud.cards','[{"name":"transaction_id","type":"Int64","nullable":false},{"name":"credit_card_number","type":"String","nullable":false},{"name":"credit_card_provider","type":"String","nullable":false},{"name":"transaction_type","type":"String","nullable":false},{"name":"event_ts","type":"Timestamp","nullable":false},{"name":"longitude","type":"Double","nullable":false},{"name":"latitude","type":"Double","nullable":false},{"name":"credit_card_balance","type":"Double","nullable":false},{"name":"bank_account_balance","type":"Double","nullable":false},{"name":"mortgage_balance","type":"Double","nullable":false},{"name":"savings_account_balance","type":"Double","nullable":false},{"name":"total_est_nworth","type":"Double","nullable":false},{"name":"primary_loan_balance","type":"Double","nullable":false},{"name":"secondary_loan_balance","type":"Double","nullable":false},{"name":"uni_loan_balance","type":"Double","nullable":false},{"name":"transaction_currency","type":"String","nullable":false},{"name":"transaction_amount","type":"Double","nullable":false},{"name":"fraud_trx","type":"Int64","nullable":false}]','CreditCardTransactions',445064968790219180,1,1796285667473697,1796285667473697);
CREATE TABLE tags (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX data_files_by_snapshot ON data_files(added_snapshot_id);
CREATE INDEX data_files_by_table ON data_files(table_id);
CREATE INDEX inherited_files_by_file ON inherited_files(file_id);
CREATE INDEX snapshot_log_by_table ON snapshot_log(table_id, made_current_at_us);
CREATE INDEX runs_by_experiment ON runs(experiment_id, start_time DESC);
CREATE INDEX metrics_by_run ON metrics(run_id, key, step);
CREATE INDEX model_versions_by_run ON model_versions(run_id);
CREATE INDEX deployments_by_endpoint ON deployments(endpoint_name, seq DESC);
CREATE INDEX jobs_by_parent ON jobs(parent_job_id);
CREATE INDEX job_runs_by_job ON job_runs(job_name, run_id DESC);
CREATE INDEX job_runs_active ON job_runs(job_id, status) WHERE status IN ('queued', 'running');
CREATE INDEX job_runs_by_trigger ON job_runs(trigger_run_id);
CREATE INDEX job_runs_by_chain ON job_runs(chain_id);
CREATE INDEX prediction_log_by_source_time ON prediction_log(source_id, predicted_at);
CREATE INDEX prediction_log_0006_ids ON prediction_log(prediction_id) WHERE typeof(inputs) = 'text';
DELETE FROM "sqlite_sequence";
COMMIT;
