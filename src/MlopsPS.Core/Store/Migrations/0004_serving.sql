-- Model serving: endpoints (one scoring host process each) and their deployment history.
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
);

-- Every publish (and every start again) of a model version to an endpoint: which version was live when.
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
CREATE INDEX deployments_by_endpoint ON deployments(endpoint_name, seq DESC);
