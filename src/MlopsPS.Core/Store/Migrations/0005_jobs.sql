-- Jobs: named PowerShell scripts with a schedule (manual, dependent on one parent job, or cron), the history of
-- their runs, and the store's one cron scheduler process. Times are Unix milliseconds (UTC).
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
CREATE INDEX jobs_by_parent ON jobs(parent_job_id);

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
CREATE INDEX job_runs_by_job ON job_runs(job_name, run_id DESC);
CREATE INDEX job_runs_active ON job_runs(job_id, status) WHERE status IN ('queued', 'running');
CREATE INDEX job_runs_by_trigger ON job_runs(trigger_run_id);
CREATE INDEX job_runs_by_chain ON job_runs(chain_id);

-- The cron scheduler of this store: at most one process, recorded so it can be found, checked and stopped.
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
