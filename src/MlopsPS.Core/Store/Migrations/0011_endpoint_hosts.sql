-- Several scoring hosts per endpoint (issue 12): one row per host process, on any machine sharing the store. A host
-- renews its lease (lease_expires, Unix ms) while it runs; a host whose lease has expired is dead, whatever its pid.
-- The endpoint's target deployment is the version every live host must serve: each host follows it (PostgreSQL
-- LISTEN/NOTIFY, or a short poll) and records what it serves, or the deployment it refused and why.
ALTER TABLE endpoints ADD COLUMN target_deployment_id TEXT;

CREATE TABLE endpoint_hosts (
    host_id              TEXT PRIMARY KEY,
    endpoint_name        TEXT NOT NULL REFERENCES endpoints(name),
    machine_name         TEXT NOT NULL,
    status               TEXT NOT NULL,
    status_message       TEXT,
    control_token        TEXT NOT NULL,
    url                  TEXT,
    port                 INTEGER,
    pid                  INTEGER,
    process_started      INTEGER,
    deployment_id        TEXT,
    model_name           TEXT,
    model_version        INTEGER,
    failed_deployment_id TEXT,
    start_time           INTEGER NOT NULL,
    heartbeat_time       INTEGER,
    lease_expires        INTEGER
);
CREATE INDEX endpoint_hosts_by_endpoint ON endpoint_hosts(endpoint_name, start_time);
