-- Several scoring hosts per endpoint (issue 12): one row per host process, on any machine sharing the store. A host
-- renews its lease (lease_expires, Unix ms) while it runs; a host whose lease has expired is dead, whatever its pid.
-- The endpoint's target deployment is the version every live host must serve: each host follows it (PostgreSQL
-- LISTEN/NOTIFY, or a short poll) and records what it serves, or the deployment it refused and why.
ALTER TABLE endpoints ADD COLUMN target_deployment_id TEXT COLLATE "C";

CREATE TABLE endpoint_hosts (
    host_id              TEXT COLLATE "C" PRIMARY KEY,
    endpoint_name        TEXT COLLATE "C" NOT NULL REFERENCES endpoints(name),
    machine_name         TEXT COLLATE "C" NOT NULL,
    status               TEXT COLLATE "C" NOT NULL,
    status_message       TEXT COLLATE "C",
    control_token        TEXT COLLATE "C" NOT NULL,
    url                  TEXT COLLATE "C",
    port                 BIGINT,
    pid                  BIGINT,
    process_started      BIGINT,
    deployment_id        TEXT COLLATE "C",
    model_name           TEXT COLLATE "C",
    model_version        BIGINT,
    failed_deployment_id TEXT COLLATE "C",
    start_time           BIGINT NOT NULL,
    heartbeat_time       BIGINT,
    lease_expires        BIGINT
);
CREATE INDEX endpoint_hosts_by_endpoint ON endpoint_hosts(endpoint_name, start_time);
