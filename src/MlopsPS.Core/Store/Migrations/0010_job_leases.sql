-- Job runs on several machines. A runner identifies itself with runner_id (unique per runner process, whatever the
-- host) and holds a lease on the runs it owns: it renews lease_renewed_at/lease_expires_at on a timer, and any process
-- that finds a queued or running run whose lease expired fails it, naming the runner and when it stopped renewing.
-- queue = 'pool' marks a run queued for any runner of the pool (MlopsPS.JobRunner worker) rather than for the one
-- detached runner that Start-MlopsJob starts. Times are Unix milliseconds (UTC).
ALTER TABLE job_runs ADD COLUMN runner_id TEXT;
ALTER TABLE job_runs ADD COLUMN lease_renewed_at INTEGER;
ALTER TABLE job_runs ADD COLUMN lease_expires_at INTEGER;
ALTER TABLE job_runs ADD COLUMN queue TEXT CHECK (queue IS NULL OR queue = 'pool');
CREATE INDEX job_runs_pool ON job_runs(run_id) WHERE status = 'queued' AND queue = 'pool';
CREATE INDEX job_runs_by_runner ON job_runs(runner_id) WHERE status IN ('queued', 'running');
