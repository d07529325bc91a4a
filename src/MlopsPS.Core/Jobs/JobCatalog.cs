using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Data.Common;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// Job definitions and the job history in the store's catalog. Every change that depends on what it reads runs in
/// one <c>BEGIN IMMEDIATE</c> transaction, so several processes (shells, runners, the scheduler) agree on which run
/// of a job may start, which cron tick has fired and which dependent runs a success created.
/// Reads first reconcile runs whose runner process has died: such a run is marked failed, never left queued or
/// running forever, and a job process it left behind is killed.
/// </summary>
public sealed class JobCatalog
{
    /// <summary>How long the scheduler may go without a heartbeat (it records one every 5 s) before it is declared dead.</summary>
    public static readonly TimeSpan SchedulerLease = TimeSpan.FromSeconds(30);

    /// <summary>How long a queued run may wait for a runner process to take it up before it is declared lost.</summary>
    public static readonly TimeSpan RunnerCheckInGrace = TimeSpan.FromSeconds(60);

    private const string RunColumns =
        "run_id, job_name, job_id, status, trigger_kind, trigger_text, trigger_run_id, chain_id, scheduled_tick, " +
        "queued_time, start_time, end_time, exit_code, log_path, runner_pid, process_pid, error_message";

    private const string DefinitionSelect =
        "SELECT j.job_id, j.name, j.description, j.script_kind, j.script, j.arguments, j.working_directory, j.schedule, " +
        "p.name, j.cron, j.cron_time_zone, j.timeout_ms, j.environment_json, j.creation_time, j.last_updated_time, " +
        "lr.run_id, lr.status, coalesce(lr.start_time, lr.queued_time) " +
        "FROM jobs j LEFT JOIN jobs p ON p.job_id = j.parent_job_id " +
        "LEFT JOIN job_runs lr ON lr.run_id = (SELECT max(run_id) FROM job_runs WHERE job_id = j.job_id)";

    private static readonly string[] s_reservedVariables = ["MLOPSPS_HOME", "MLOPSPS_JOB_NAME", "MLOPSPS_JOB_RUN_ID", "MLOPSPS_JOB_CHAIN_ID"];

    private readonly MlopsStore _store;
    private readonly TimeProvider _clock;

    /// <summary>Works on the jobs of <paramref name="store"/>; <paramref name="clock"/> is the time source (tests pass their own).</summary>
    public JobCatalog(MlopsStore store, TimeProvider? clock = null)
    {
        _store = store;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The store.</summary>
    public MlopsStore Store => _store;

    /// <summary>The folder of the job logs (and the scripts each run executed).</summary>
    public string LogsDirectory => Path.Combine(_store.LogsDirectory, "jobs");

    private long NowMs => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    // ----- Definitions ---------------------------------------------------------------------------------------------

    /// <summary>Stores a new job. Its parent must exist; a cron expression must parse.</summary>
    public JobDefinition Register(JobSpec spec)
    {
        ValidateName(spec.Name);
        ValidateScript(spec.Script);
        var timeoutMs = ValidateTimeout(spec.Timeout);
        var environment = ValidateEnvironment(spec.Environment);
        ValidateWorkingDirectory(spec.WorkingDirectory);
        var cron = ValidateSchedule(spec.Schedule, spec.Name);

        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        if (FindJobId(connection, spec.Name) is not null)
        {
            throw new JobExistsException(spec.Name);
        }

        var parentId = ResolveParent(connection, spec.Schedule, selfId: null, spec.Name);
        var now = NowMs;
        connection.Run(
            "INSERT INTO jobs (name, description, script_kind, script, arguments, working_directory, schedule, parent_job_id, " +
            "cron, cron_time_zone, cron_since, timeout_ms, environment_json, creation_time, last_updated_time) " +
            "VALUES (@name, @description, @kind, @script, @arguments, @directory, @schedule, @parent, @cron, @zone, @since, @timeout, @environment, @now, @now);",
            ("@name", spec.Name),
            ("@description", string.IsNullOrEmpty(spec.Description) ? null : spec.Description),
            ("@kind", spec.Script.Kind == JobScriptKind.File ? "file" : "text"),
            ("@script", spec.Script.Text),
            ("@arguments", string.IsNullOrWhiteSpace(spec.Script.Arguments) ? null : spec.Script.Arguments.Trim()),
            ("@directory", string.IsNullOrEmpty(spec.WorkingDirectory) ? null : spec.WorkingDirectory),
            ("@schedule", JobText.Of(spec.Schedule.Kind)),
            ("@parent", parentId),
            ("@cron", cron?.Text),
            ("@zone", cron?.TimeZone.Id),
            ("@since", cron is null ? null : now),
            ("@timeout", timeoutMs),
            ("@environment", JsonSerializer.Serialize(environment)),
            ("@now", now));
        transaction.Commit();
        return ReadDefinitions(connection, "WHERE lower(j.name) = lower(@name)", ("@name", spec.Name)).Single();
    }

    /// <summary>A job by name (case-insensitive).</summary>
    public JobDefinition Get(string name)
    {
        using var connection = _store.Database.Open();
        return ReadDefinitions(connection, "WHERE lower(j.name) = lower(@name)", ("@name", name)).SingleOrDefault() ?? throw new JobNotFoundException(name);
    }

    /// <summary>The jobs whose names match a <c>*</c>/<c>?</c> wildcard pattern (case-insensitive), by name.</summary>
    public IReadOnlyList<JobDefinition> List(string? namePattern = null)
    {
        using var connection = _store.Database.Open();
        return ReadDefinitions(connection, "WHERE lower(j.name) LIKE lower(@pattern) ESCAPE '\\'", ("@pattern", SqlLike.FromWildcard(namePattern ?? "*")));
    }

    /// <summary>The names of all jobs (one cheap query, for tab completion).</summary>
    public IReadOnlyList<string> ListNames()
    {
        using var connection = _store.Database.Open();
        using var command = connection.Command("SELECT name FROM jobs ORDER BY lower(name), name;");
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Changes a job. A new parent must exist and must not depend on the job (no cycles).</summary>
    public JobDefinition Update(string name, JobChanges changes)
    {
        if (changes.NewName is not null)
        {
            ValidateName(changes.NewName);
        }

        if (changes.Script is not null)
        {
            ValidateScript(changes.Script);
        }

        long? timeoutMs = changes.Timeout is TimeSpan timeout && timeout != TimeSpan.Zero ? ValidateTimeout(timeout) : null;
        var environment = changes.Environment is null ? null : ValidateEnvironment(changes.Environment);
        if (!string.IsNullOrEmpty(changes.WorkingDirectory))
        {
            ValidateWorkingDirectory(changes.WorkingDirectory);
        }

        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var jobId = FindJobId(connection, name) ?? throw new JobNotFoundException(name);
        var newName = changes.NewName ?? name;
        var cron = changes.Schedule is null ? null : ValidateSchedule(changes.Schedule, newName);
        var now = NowMs;
        var assignments = new List<string> { "last_updated_time = @now" };
        var parameters = new List<(string, object?)> { ("@id", jobId), ("@now", now) };

        if (changes.NewName is not null && !string.Equals(changes.NewName, CurrentName(connection, jobId), StringComparison.Ordinal))
        {
            if (FindJobId(connection, changes.NewName) is long other && other != jobId)
            {
                throw new JobExistsException(changes.NewName);
            }

            assignments.Add("name = @name");
            parameters.Add(("@name", changes.NewName));
            connection.Run("UPDATE job_runs SET job_name = @name WHERE job_id = @id;", ("@name", changes.NewName), ("@id", jobId));
        }

        if (changes.Script is not null)
        {
            assignments.Add("script_kind = @kind, script = @script, arguments = @arguments");
            parameters.Add(("@kind", changes.Script.Kind == JobScriptKind.File ? "file" : "text"));
            parameters.Add(("@script", changes.Script.Text));
            parameters.Add(("@arguments", string.IsNullOrWhiteSpace(changes.Script.Arguments) ? null : changes.Script.Arguments.Trim()));
        }

        if (changes.Schedule is not null)
        {
            var parentId = ResolveParent(connection, changes.Schedule, jobId, newName);
            assignments.Add("schedule = @schedule, parent_job_id = @parent, cron = @cron, cron_time_zone = @zone, cron_since = @since, cron_last_tick = NULL");
            parameters.Add(("@schedule", JobText.Of(changes.Schedule.Kind)));
            parameters.Add(("@parent", parentId));
            parameters.Add(("@cron", cron?.Text));
            parameters.Add(("@zone", cron?.TimeZone.Id));
            parameters.Add(("@since", cron is null ? null : now));
        }

        if (changes.Timeout is not null)
        {
            assignments.Add("timeout_ms = @timeout");
            parameters.Add(("@timeout", timeoutMs));
        }

        if (environment is not null)
        {
            assignments.Add("environment_json = @environment");
            parameters.Add(("@environment", JsonSerializer.Serialize(environment)));
        }

        if (changes.WorkingDirectory is not null)
        {
            assignments.Add("working_directory = @directory");
            parameters.Add(("@directory", changes.WorkingDirectory.Length == 0 ? null : changes.WorkingDirectory));
        }

        if (changes.Description is not null)
        {
            assignments.Add("description = @description");
            parameters.Add(("@description", changes.Description.Length == 0 ? null : changes.Description));
        }

        connection.Run($"UPDATE jobs SET {string.Join(", ", assignments)} WHERE job_id = @id;", [.. parameters]);
        transaction.Commit();
        return ReadDefinitions(connection, "WHERE j.job_id = @id", ("@id", jobId)).Single();
    }

    /// <summary>
    /// Removes a job; its run history stays. A job that other jobs depend on, or that has runs queued or running, is
    /// removed only with <paramref name="force"/>: its dependents become manual jobs and its active runs are stopped.
    /// </summary>
    public JobRemoval Remove(string name, bool force)
    {
        JobDefinition job;
        var stopped = new List<(long RunId, ProcessIdentity? Process)>();
        IReadOnlyList<string> dependents;
        using (var connection = _store.Database.Open())
        {
            ReconcileDeadRunners(connection);
            using var transaction = _store.Database.Dialect.BeginWrite(connection);
            job = ReadDefinitions(connection, "WHERE lower(j.name) = lower(@name)", ("@name", name)).SingleOrDefault() ?? throw new JobNotFoundException(name);
            dependents = job.Dependents;
            var active = ActiveRuns(connection, job.JobId);
            if (!force && (dependents.Count > 0 || active.Count > 0))
            {
                var reasons = new List<string>();
                if (dependents.Count > 0)
                {
                    reasons.Add($"{(dependents.Count == 1 ? "job" : "jobs")} {QuoteList(dependents)} {(dependents.Count == 1 ? "depends" : "depend")} on it");
                }

                if (active.Count > 0)
                {
                    reasons.Add($"{(active.Count == 1 ? "run" : "runs")} {string.Join(", ", active.Select(a => a.RunId))} {(active.Count == 1 ? "is" : "are")} queued or running");
                }

                throw new JobInUseException(
                    $"Job '{job.Name}' is in use: {string.Join("; ", reasons)}. Use -Force to remove it anyway " +
                    "(dependent jobs become manual jobs, active runs are stopped).");
            }

            var now = NowMs;
            foreach (var (runId, process) in active)
            {
                connection.Run(
                    "UPDATE job_runs SET status = 'stopped', end_time = @now, error_message = @error WHERE run_id = @run AND status IN ('queued', 'running');",
                    ("@now", now), ("@run", runId), ("@error", $"Stopped because job '{job.Name}' was unregistered."));
                stopped.Add((runId, process));
            }

            connection.Run(
                "UPDATE jobs SET schedule = 'manual', parent_job_id = NULL, last_updated_time = @now WHERE parent_job_id = @id;",
                ("@now", now), ("@id", job.JobId));
            connection.Run("DELETE FROM jobs WHERE job_id = @id;", ("@id", job.JobId));
            transaction.Commit();
        }

        foreach (var (_, process) in stopped)
        {
            if (process is not null)
            {
                ProcessTree.Kill(process);
            }
        }

        return new JobRemoval(job, dependents, stopped.Select(s => s.RunId).ToArray());
    }

    // ----- Runs: reads ---------------------------------------------------------------------------------------------

    /// <summary>A run by id.</summary>
    public JobRun GetRun(long runId)
    {
        using var connection = _store.Database.Open();
        ReconcileDeadRunners(connection);
        return ReadRun(connection, runId) ?? throw new JobRunNotFoundException(runId);
    }

    /// <summary>The job history, newest first, narrowed by <paramref name="query"/>.</summary>
    public IReadOnlyList<JobRun> ListRuns(JobRunQuery? query = null)
    {
        query ??= new JobRunQuery();
        using var connection = _store.Database.Open();
        ReconcileDeadRunners(connection);
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (query.Jobs is { Count: > 0 } jobs)
        {
            var clauses = new List<string>();
            for (var i = 0; i < jobs.Count; i++)
            {
                clauses.Add($"lower(job_name) LIKE lower(@job{i}) ESCAPE '\\'");
                parameters.Add(($"@job{i}", SqlLike.FromWildcard(jobs[i])));
            }

            where.Add("(" + string.Join(" OR ", clauses) + ")");
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = new List<string>();
            for (var i = 0; i < statuses.Count; i++)
            {
                names.Add($"@status{i}");
                parameters.Add(($"@status{i}", JobText.Of(statuses[i])));
            }

            where.Add($"status IN ({string.Join(", ", names)})");
        }

        if (query.Since is DateTime since)
        {
            where.Add("queued_time >= @since");
            parameters.Add(("@since", UnixTime.ToMs(since)));
        }

        if (query.ChainId is long chain)
        {
            where.Add("chain_id = @chain");
            parameters.Add(("@chain", chain));
        }

        parameters.Add(("@limit", Math.Max(1, query.Limit)));
        var sql = $"SELECT {RunColumns} FROM job_runs" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty) +
            " ORDER BY run_id DESC LIMIT @limit;";
        return ReadRuns(connection, sql, [.. parameters]);
    }

    /// <summary>A run and every run its success triggered, directly or through others, in run order.</summary>
    public IReadOnlyList<JobRun> GetChain(long runId)
    {
        using var connection = _store.Database.Open();
        ReconcileDeadRunners(connection);
        var runs = ReadRuns(
            connection,
            "WITH RECURSIVE chain(id) AS (SELECT @run UNION ALL SELECT r.run_id FROM job_runs r JOIN chain c ON r.trigger_run_id = c.id) " +
            $"SELECT {RunColumns} FROM job_runs WHERE run_id IN (SELECT id FROM chain) ORDER BY run_id;",
            ("@run", runId));
        return runs.Count == 0 ? throw new JobRunNotFoundException(runId) : runs;
    }

    /// <summary>
    /// How many runs a chain started by a run of <paramref name="jobName"/> has when every job succeeds: the job and
    /// all the jobs below it in the dependency tree, as defined now.
    /// </summary>
    public int ExpectedChainLength(string jobName)
    {
        using var connection = _store.Database.Open();
        var count = connection.Scalar(
            "WITH RECURSIVE tree(id) AS (SELECT job_id FROM jobs WHERE lower(name) = lower(@name) UNION ALL SELECT j.job_id FROM jobs j JOIN tree t ON j.parent_job_id = t.id) " +
            "SELECT count(*) FROM tree;",
            ("@name", jobName));
        return Math.Max(1, Convert.ToInt32(count, CultureInfo.InvariantCulture));
    }

    /// <summary>The lines of a run's log (the last <paramref name="tail"/> when given); none before it starts.</summary>
    public IReadOnlyList<string> ReadLog(long runId, int? tail = null)
    {
        var run = GetRun(runId);
        if (!File.Exists(run.LogPath))
        {
            return [];
        }

        // The job may still be writing: share the file.
        using var stream = new FileStream(run.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        var window = tail is int n ? new Queue<string>(Math.Max(0, n)) : null;
        while (reader.ReadLine() is { } line)
        {
            if (window is null)
            {
                lines.Add(line);
                continue;
            }

            if (tail == 0)
            {
                continue;
            }

            if (window.Count == tail)
            {
                window.Dequeue();
            }

            window.Enqueue(line);
        }

        return window is null ? lines : window.ToArray();
    }

    /// <summary>
    /// Marks queued and running runs whose runner process has ended as failed (killing a job process it left
    /// behind), and queued runs that no runner took up within <see cref="RunnerCheckInGrace"/>. Every read does this
    /// first; returns how many runs it marked.
    /// </summary>
    public int ReconcileDeadRunners()
    {
        using var connection = _store.Database.Open();
        return ReconcileDeadRunners(connection);
    }

    // ----- Runs: the runner's side --------------------------------------------------------------------------------

    /// <summary>Queues a manual run of a job.</summary>
    internal JobRun EnqueueManual(string jobName)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var (jobId, name) = FindJob(connection, jobName) ?? throw new JobNotFoundException(jobName);
        var runId = InsertRun(connection, jobId, name, JobTriggerKind.Manual, $"manual by {Environment.UserName}", null, null, null, null);
        transaction.Commit();
        return ReadRun(connection, runId)!;
    }

    /// <summary>The cron jobs, for the scheduler.</summary>
    internal IReadOnlyList<CronJobState> ListCronJobs()
    {
        using var connection = _store.Database.Open();
        using var command = connection.Command(
            "SELECT job_id, name, cron, cron_time_zone, cron_since, cron_last_tick FROM jobs WHERE schedule = 'cron' ORDER BY lower(name), name;");
        using var reader = command.ExecuteReader();
        var jobs = new List<CronJobState>();
        while (reader.Read())
        {
            jobs.Add(new CronJobState(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.StringOrNull(3), reader.Int64OrNull(4), reader.Int64OrNull(5)));
        }

        return jobs;
    }

    /// <summary>
    /// Queues the run of a cron tick and records the tick as fired, in one transaction that first checks the tick
    /// is newer than the last fired one and the schedule is still the one the scheduler read: a tick never fires
    /// twice, even with two schedulers. When a run of the job is still queued (not started), the tick is coalesced
    /// into it instead of queueing another, so a job slower than its schedule never piles up runs. Returns the new
    /// run, or null with the run it was coalesced into (or nothing, when the tick had fired or the schedule changed).
    /// </summary>
    internal (JobRun? Run, long? CoalescedInto) EnqueueScheduled(CronJobState job, DateTimeOffset tick, DateTimeOffset? firstMissedTick)
    {
        var tickMs = tick.ToUnixTimeMilliseconds();
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var fired = connection.Run(
            "UPDATE jobs SET cron_last_tick = @tick WHERE job_id = @id AND schedule = 'cron' AND cron = @cron " +
            "AND coalesce(cron_last_tick, cron_since, 0) < @tick;",
            ("@tick", tickMs), ("@id", job.JobId), ("@cron", job.Cron));
        if (fired == 0)
        {
            return (null, null);
        }

        if (connection.Scalar(
            "SELECT run_id FROM job_runs WHERE job_id = @id AND status = 'queued' ORDER BY run_id LIMIT 1;", ("@id", job.JobId)) is long waiting)
        {
            transaction.Commit();
            return (null, waiting);
        }

        var text = $"schedule '{job.Cron}' at {tick.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";
        if (firstMissedTick is DateTimeOffset missed && missed < tick)
        {
            text += $" (ticks missed since {missed.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} coalesced into this run)";
        }

        var runId = InsertRun(connection, job.JobId, job.Name, JobTriggerKind.Schedule, text, null, null, tickMs, null);
        transaction.Commit();
        return (ReadRun(connection, runId)!, null);
    }

    /// <summary>Records the runner process of a queued run. False when the run is no longer queued.</summary>
    internal bool CheckIn(long runId, RunnerLease runner)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var now = NowMs;
        var changed = connection.Run(
            "UPDATE job_runs SET runner_host = @host, runner_pid = @pid, runner_started = @started, runner_id = @runner, " +
            "lease_renewed_at = @now, lease_expires_at = @expires WHERE run_id = @run AND status = 'queued';",
            [.. RunnerParameters(runner, now), ("@run", runId)]);
        transaction.Commit();
        return changed == 1;
    }

    /// <summary>
    /// Moves a queued run to running when no other run of its job is running or queued ahead of it (first come,
    /// first served), all in one transaction: a job never runs twice at once, whichever processes trigger it.
    /// </summary>
    internal ClaimResult TryClaim(long runId, RunnerLease runner)
    {
        using var connection = _store.Database.Open();
        ReconcileDeadRunners(connection);
        var dialect = _store.Database.Dialect;
        using var transaction = dialect.BeginWrite(connection);

        // PostgreSQL: the job's row lock serializes the claims of one job's runs, whichever machines make them (READ
        // COMMITTED alone would let two claimants both see no run ahead); the run's row lock holds off a stop. SQLite's
        // BEGIN IMMEDIATE already serializes every writer.
        connection.Scalar(
            $"SELECT job_id FROM jobs WHERE job_id = (SELECT job_id FROM job_runs WHERE run_id = @run){dialect.RowLock()};", ("@run", runId));
        connection.Scalar($"SELECT run_id FROM job_runs WHERE run_id = @run{dialect.RowLock()};", ("@run", runId));
        var run = ReadRun(connection, runId) ?? throw new JobRunNotFoundException(runId);
        if (run.Status != JobRunStatus.Queued)
        {
            transaction.Commit();
            return new ClaimResult(ClaimOutcome.Gone, run, null, $"run {runId} is {JobText.Of(run.Status)}");
        }

        var job = run.JobId is long jobId ? ReadDefinitions(connection, "WHERE j.job_id = @id", ("@id", jobId)).SingleOrDefault() : null;
        if (job is null)
        {
            connection.Run(
                "UPDATE job_runs SET status = 'failed', end_time = @now, error_message = @error WHERE run_id = @run;",
                ("@now", NowMs), ("@run", runId), ("@error", $"Job '{run.JobName}' was unregistered before the run started."));
            transaction.Commit();
            return new ClaimResult(ClaimOutcome.Gone, ReadRun(connection, runId)!, null, "the job was unregistered");
        }

        using (var ahead = connection.Command(
            "SELECT run_id, status FROM job_runs WHERE job_id = @job AND run_id <> @run " +
            "AND (status = 'running' OR (status = 'queued' AND run_id < @run)) ORDER BY run_id LIMIT 1;",
            ("@job", job.JobId), ("@run", runId)))
        using (var reader = ahead.ExecuteReader())
        {
            if (reader.Read())
            {
                var reason = $"run {reader.GetInt64(0)} of job '{job.Name}' is {reader.GetString(1)}";
                reader.Close();
                transaction.Commit();
                return new ClaimResult(ClaimOutcome.Busy, run, job, reason);
            }
        }

        var claimed = connection.Run(
            "UPDATE job_runs SET status = 'running', start_time = @now, runner_host = @host, runner_pid = @pid, runner_started = @started, " +
            "runner_id = @runner, lease_renewed_at = @now, lease_expires_at = @expires WHERE run_id = @run AND status = 'queued';",
            [.. RunnerParameters(runner, NowMs), ("@run", runId)]);
        transaction.Commit();
        return claimed == 1
            ? new ClaimResult(ClaimOutcome.Claimed, ReadRun(connection, runId)!, job, null)
            : new ClaimResult(ClaimOutcome.Gone, ReadRun(connection, runId)!, null, $"run {runId} is no longer queued");
    }

    /// <summary>
    /// The run a queued run waits for (another run of its job, running or queued ahead of it), or null: a cheap
    /// read, so that a waiting runner takes the write lock only when its turn may have come.
    /// </summary>
    internal long? RunAhead(long runId)
    {
        using var connection = _store.Database.Open();
        return connection.Scalar(
            "SELECT o.run_id FROM job_runs r JOIN job_runs o ON o.job_id = r.job_id AND o.run_id <> r.run_id " +
            "WHERE r.run_id = @run AND r.status = 'queued' " +
            "AND (o.status = 'running' OR (o.status = 'queued' AND o.run_id < r.run_id)) ORDER BY o.run_id LIMIT 1;",
            ("@run", runId)) as long?;
    }

    /// <summary>Records the job's process. False when the run was stopped meanwhile (the caller then kills the process).</summary>
    internal bool RecordProcess(long runId, ProcessIdentity process)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var changed = connection.Run(
            "UPDATE job_runs SET process_host = @host, process_pid = @pid, process_started = @started WHERE run_id = @run AND status = 'running';",
            ("@host", process.Host), ("@pid", process.ProcessId), ("@started", process.StartedUnixMs), ("@run", runId));
        transaction.Commit();
        return changed == 1;
    }

    /// <summary>
    /// Records how a running run ended. A success queues a run of each dependent job in the same transaction, so
    /// whoever sees the success also sees the runs it triggered; any other end names the dependents it did not start.
    /// Nothing changes when the run is no longer running (stopped meanwhile, or declared dead).
    /// </summary>
    internal FinishResult Finish(long runId, JobRunStatus status, int? exitCode, string? error, RunnerLease runner)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var run = ReadRun(connection, runId) ?? throw new JobRunNotFoundException(runId);
        if (run.Status != JobRunStatus.Running)
        {
            transaction.Commit();
            return new FinishResult(false, run, []);
        }

        var dependents = run.JobId is long jobId ? Dependents(connection, jobId) : [];
        if (status != JobRunStatus.Succeeded && dependents.Count > 0)
        {
            error = (error is null ? string.Empty : error + " ") + DependentsNotStarted(dependents);
        }

        var recorded = connection.Run(
            "UPDATE job_runs SET status = @status, end_time = @now, exit_code = @exit, error_message = @error WHERE run_id = @run AND status = 'running';",
            ("@status", JobText.Of(status)), ("@now", NowMs), ("@exit", exitCode), ("@error", error), ("@run", runId));
        if (recorded == 0)
        {
            // PostgreSQL: stopped or declared dead between the read and the update (the update waited for that
            // transaction's row lock, then found the run no longer running). Nothing is recorded, nothing is queued.
            transaction.Commit();
            return new FinishResult(false, ReadRun(connection, runId)!, []);
        }

        var created = new List<long>();
        if (status == JobRunStatus.Succeeded)
        {
            foreach (var (childId, childName) in dependents)
            {
                created.Add(InsertRun(
                    connection, childId, childName, JobTriggerKind.Dependency, $"after run {run.RunId} of job '{run.JobName}'",
                    run.RunId, run.ChainId, null, runner));
            }
        }

        transaction.Commit();
        return new FinishResult(true, ReadRun(connection, runId)!, created);
    }

    /// <summary>
    /// Stops a queued or running run: records it stopped, then kills its process tree. Returns the run and whether it
    /// was active; an ended run is returned unchanged.
    /// </summary>
    internal (JobRun Run, bool Stopped) Stop(long runId, string reason)
    {
        ProcessIdentity? process;
        using (var connection = _store.Database.Open())
        {
            ReconcileDeadRunners(connection);
            using var transaction = _store.Database.Dialect.BeginWrite(connection);
            var run = ReadRun(connection, runId) ?? throw new JobRunNotFoundException(runId);
            if (run.IsFinished)
            {
                transaction.Commit();
                return (run, false);
            }

            process = ReadIdentity(connection, runId, "process");
            var dependents = run.JobId is long jobId ? Dependents(connection, jobId) : [];
            var error = run.Status == JobRunStatus.Queued ? reason + " It had not started." : reason;
            if (dependents.Count > 0)
            {
                error += " " + DependentsNotStarted(dependents);
            }

            connection.Run(
                "UPDATE job_runs SET status = 'stopped', end_time = @now, error_message = @error WHERE run_id = @run AND status IN ('queued', 'running');",
                ("@now", NowMs), ("@error", error), ("@run", runId));
            transaction.Commit();
        }

        if (process is not null)
        {
            ProcessTree.Kill(process);
        }

        return (GetRun(runId), true);
    }

    /// <summary>Marks a queued run failed (its runner could not start). False when it was not queued any more.</summary>
    internal bool FailQueued(long runId, string error)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var changed = connection.Run(
            "UPDATE job_runs SET status = 'failed', end_time = @now, error_message = @error WHERE run_id = @run AND status = 'queued';",
            ("@now", NowMs), ("@error", error), ("@run", runId));
        transaction.Commit();
        return changed == 1;
    }

    /// <summary>
    /// Queues a manual run of a job for the runner pool: no runner is started for it; the next free
    /// <c>MlopsPS.JobRunner worker</c> on any machine claims it (<see cref="ClaimNextPooled"/>). It waits however long.
    /// </summary>
    public JobRun EnqueueForPool(string jobName)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var (jobId, name) = FindJob(connection, jobName) ?? throw new JobNotFoundException(jobName);
        var runId = InsertRun(connection, jobId, name, JobTriggerKind.Manual, $"manual by {Environment.UserName} (runner pool)", null, null, null, null, "pool");
        transaction.Commit();
        return ReadRun(connection, runId)!;
    }

    /// <summary>
    /// Takes the oldest pooled run that no runner owns and whose job has no run running or queued ahead, and records
    /// <paramref name="runner"/> as its runner (with a lease); null when there is none. On PostgreSQL the candidate is
    /// read <c>FOR UPDATE SKIP LOCKED</c> inside the claiming transaction: two runners on two machines never take one
    /// run, and neither waits for the other. On SQLite BEGIN IMMEDIATE serializes them.
    /// </summary>
    public long? ClaimNextPooled(RunnerLease runner)
    {
        using var connection = _store.Database.Open();
        ReconcileDeadRunners(connection);
        var dialect = _store.Database.Dialect;
        using var transaction = dialect.BeginWrite(connection);
        var candidate = connection.Scalar(
            "SELECT r.run_id FROM job_runs r WHERE r.status = 'queued' AND r.queue = 'pool' AND r.runner_id IS NULL " +
            "AND NOT EXISTS (SELECT 1 FROM job_runs o WHERE o.job_id = r.job_id AND o.run_id <> r.run_id " +
            "AND (o.status = 'running' OR (o.status = 'queued' AND o.run_id < r.run_id))) " +
            $"ORDER BY r.run_id LIMIT 1{dialect.RowLock(skipLocked: true)};") as long?;
        if (candidate is not long runId)
        {
            transaction.Commit();
            return null;
        }

        var now = NowMs;
        var taken = connection.Run(
            "UPDATE job_runs SET runner_host = @host, runner_pid = @pid, runner_started = @started, runner_id = @runner, " +
            "lease_renewed_at = @now, lease_expires_at = @expires WHERE run_id = @run AND status = 'queued' AND runner_id IS NULL;",
            [.. RunnerParameters(runner, now), ("@run", runId)]);
        transaction.Commit();
        return taken == 1 ? runId : null;
    }

    /// <summary>
    /// Renews the lease of every queued or running run <paramref name="runner"/> owns; returns how many. A run already
    /// declared dead (its lease had expired) is not revived.
    /// </summary>
    public int RenewLease(RunnerLease runner)
    {
        using var connection = _store.Database.Open();
        var now = NowMs;
        return connection.Run(
            "UPDATE job_runs SET lease_renewed_at = @now, lease_expires_at = @expires WHERE runner_id = @runner AND status IN ('queued', 'running');",
            ("@now", now), ("@expires", now + (long)runner.Duration.TotalMilliseconds), ("@runner", runner.RunnerId));
    }

    private static (string, object?)[] RunnerParameters(RunnerLease runner, long now) =>
    [
        ("@host", runner.Process.Host), ("@pid", runner.Process.ProcessId), ("@started", runner.Process.StartedUnixMs),
        ("@runner", runner.RunnerId), ("@now", now), ("@expires", now + (long)runner.Duration.TotalMilliseconds),
    ];

    private static string Stamp(long ms) =>
        UnixTime.ToDateTime(ms).ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // ----- The scheduler's record ----------------------------------------------------------------------------------

    /// <summary>The scheduler's state (a scheduler process that died is shown, and recorded, as stopped).</summary>
    public SchedulerInfo GetScheduler()
    {
        using var connection = _store.Database.Open();
        ReconcileScheduler(connection);
        return ReadScheduler(connection);
    }

    /// <summary>
    /// Records <paramref name="me"/> as the store's scheduler. Returns false, with the live scheduler, when another
    /// scheduler process runs.
    /// </summary>
    internal bool TryRegisterScheduler(ProcessIdentity me, string logPath, out SchedulerInfo current)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        ReconcileScheduler(connection);
        var existing = ReadIdentityOfScheduler(connection);
        if (existing.Identity is not null && existing.Active && existing.Identity != me)
        {
            transaction.Commit();
            current = ReadScheduler(connection);
            return false;
        }

        var now = NowMs;
        connection.Run(
            "INSERT INTO job_scheduler (id, status, host, pid, process_started, start_time, heartbeat_time, stop_time, log_path, message) " +
            "VALUES (1, 'running', @host, @pid, @started, @now, @now, NULL, @log, NULL) " +
            "ON CONFLICT (id) DO UPDATE SET status = 'running', host = @host, pid = @pid, process_started = @started, start_time = @now, " +
            "heartbeat_time = @now, stop_time = NULL, log_path = @log, message = NULL;",
            ("@host", me.Host), ("@pid", me.ProcessId), ("@started", me.StartedUnixMs), ("@now", now), ("@log", logPath));
        transaction.Commit();
        current = ReadScheduler(connection);
        return true;
    }

    /// <summary>
    /// Whether the scheduler <paramref name="me"/> should keep running (no stop asked, not replaced); with
    /// <paramref name="recordHeartbeat"/> it also records that it is alive.
    /// </summary>
    internal bool SchedulerHeartbeat(ProcessIdentity me, bool recordHeartbeat)
    {
        using var connection = _store.Database.Open();
        if (recordHeartbeat)
        {
            connection.Run(
                "UPDATE job_scheduler SET heartbeat_time = @now WHERE id = 1 AND pid = @pid AND host = @host;",
                ("@now", NowMs), ("@pid", me.ProcessId), ("@host", me.Host));
        }

        return connection.Scalar(
            "SELECT 1 FROM job_scheduler WHERE id = 1 AND status = 'running' AND pid = @pid AND host = @host AND process_started = @started;",
            ("@pid", me.ProcessId), ("@host", me.Host), ("@started", me.StartedUnixMs)) is not null;
    }

    /// <summary>Asks the scheduler to stop; returns its process when one is running.</summary>
    internal ProcessIdentity? RequestSchedulerStop()
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        ReconcileScheduler(connection);
        var (identity, active) = ReadIdentityOfScheduler(connection);
        if (!active)
        {
            transaction.Commit();
            return null;
        }

        connection.Run("UPDATE job_scheduler SET status = 'stopping' WHERE id = 1 AND status = 'running';");
        transaction.Commit();
        return identity;
    }

    /// <summary>Records that the scheduler <paramref name="who"/> has stopped.</summary>
    internal void MarkSchedulerStopped(ProcessIdentity who, string message)
    {
        using var connection = _store.Database.Open();
        connection.Run(
            "UPDATE job_scheduler SET status = 'stopped', stop_time = @now, message = @message WHERE id = 1 AND pid = @pid AND host = @host AND status <> 'stopped';",
            ("@now", NowMs), ("@message", message), ("@pid", who.ProcessId), ("@host", who.Host));
    }

    // ----- Internals -----------------------------------------------------------------------------------------------

    private int ReconcileDeadRunners(DbConnection connection)
    {
        var now = NowMs;
        var dead = new List<(long RunId, ProcessIdentity? Runner, ProcessIdentity? Process, long? JobId, string Error, bool LeaseExpired)>();
        using (var command = connection.Command(
            "SELECT run_id, status, queued_time, runner_host, runner_pid, runner_started, process_host, process_pid, process_started, job_id, " +
            "runner_id, lease_renewed_at, lease_expires_at, queue FROM job_runs WHERE status IN ('queued', 'running');"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var runner = IdentityAt(reader, 3);
                var process = IdentityAt(reader, 6);
                var jobId = reader.Int64OrNull(9);
                var runnerId = reader.StringOrNull(10);
                if (reader.Int64OrNull(12) is long expires && expires < now)
                {
                    // Works across machines: the runner's host and pid mean nothing here, its silence does.
                    var renewed = reader.Int64OrNull(11) ?? expires;
                    dead.Add((reader.GetInt64(0), runner, process, jobId,
                        $"Runner {runnerId ?? "?"} on {runner?.Host ?? "?"} stopped renewing its lease at {Stamp(renewed)} (it expired at {Stamp(expires)}): " +
                        "the runner was killed, crashed or lost the store.", true));
                }
                else if (runner is null && reader.StringOrNull(13) == "pool")
                {
                    // Waits for any runner of the pool, however long.
                }
                else if (runner is null)
                {
                    var waited = TimeSpan.FromMilliseconds(now - reader.GetInt64(2));
                    if (waited > RunnerCheckInGrace)
                    {
                        dead.Add((reader.GetInt64(0), null, process, jobId,
                            $"No runner process took the run up within {RunnerCheckInGrace.TotalSeconds:0} s of being queued (the process that started it may have been killed).", false));
                    }
                }
                else if (runner.HasEnded())
                {
                    dead.Add((reader.GetInt64(0), runner, process, jobId,
                        $"The runner process (pid {runner.ProcessId} on {runner.Host}) ended before the run finished: it was killed or crashed.", false));
                }
            }
        }

        if (dead.Count == 0)
        {
            return 0;
        }

        DbTransaction? transaction = _store.Database.Dialect.BeginWrite(connection);
        try
        {
            var marked = 0;
            foreach (var (runId, runner, process, jobId, error, leaseExpired) in dead)
            {
                var message = error;
                if (process is not null && ProcessTree.Kill(process))
                {
                    // A job process must not outlive its runner: a new run of the job could otherwise overlap it.
                    message += $" Its job process (pid {process.ProcessId}) was still running and has been killed.";
                }

                if (jobId is long id && Dependents(connection, id) is { Count: > 0 } dependents)
                {
                    message += " " + DependentsNotStarted(dependents);
                }

                marked += connection.Run(
                    "UPDATE job_runs SET status = 'failed', end_time = @now, error_message = @error " +
                    "WHERE run_id = @run AND status IN ('queued', 'running') AND runner_pid IS NOT DISTINCT FROM @pid AND runner_started IS NOT DISTINCT FROM @started " +
                    // A lease renewed since the read keeps the run (the runner was slow, not dead).
                    (leaseExpired ? "AND lease_expires_at < @now;" : ";"),
                    ("@now", now), ("@error", message), ("@run", runId), ("@pid", runner?.ProcessId), ("@started", runner?.StartedUnixMs));
            }

            transaction?.Commit();
            return marked;
        }
        finally
        {
            transaction?.Dispose();
        }
    }

    private void ReconcileScheduler(DbConnection connection)
    {
        var (identity, active) = ReadIdentityOfScheduler(connection);
        if (identity is null || !active)
        {
            return;
        }

        // The scheduler records a heartbeat every 5 s: one silent for SchedulerLease is dead wherever it ran (its pid
        // can be checked on its own machine only, where an ended process is seen at once).
        var now = NowMs;
        var heartbeat = connection.Scalar("SELECT heartbeat_time FROM job_scheduler WHERE id = 1;") as long?;
        var silent = heartbeat is long beat && now - beat > (long)SchedulerLease.TotalMilliseconds;
        if (!silent && !identity.HasEnded())
        {
            return;
        }

        var status = connection.Scalar("SELECT status FROM job_scheduler WHERE id = 1;") as string;
        var message = status == "stopping"
            ? "Stopped."
            : silent && !identity.HasEnded()
                ? $"The scheduler (pid {identity.ProcessId} on {identity.Host}) stopped recording its heartbeat at {Stamp(heartbeat!.Value)}: it was killed, crashed or lost the store."
                : $"The scheduler process (pid {identity.ProcessId} on {identity.Host}) ended without being stopped: it was killed or crashed.";
        connection.Run(
            "UPDATE job_scheduler SET status = 'stopped', stop_time = @now, message = @message WHERE id = 1 AND status <> 'stopped' AND pid = @pid;",
            ("@now", now), ("@message", message), ("@pid", identity.ProcessId));
    }

    private static (ProcessIdentity? Identity, bool Active) ReadIdentityOfScheduler(DbConnection connection)
    {
        using var command = connection.Command("SELECT host, pid, process_started, status FROM job_scheduler WHERE id = 1;");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return (null, false);
        }

        return (IdentityAt(reader, 0), reader.GetString(3) != "stopped");
    }

    private SchedulerInfo ReadScheduler(DbConnection connection)
    {
        var (nextJob, nextTime, cronJobs) = NextCronTick(connection);
        using var command = connection.Command(
            "SELECT status, pid, start_time, heartbeat_time, stop_time, log_path, message FROM job_scheduler WHERE id = 1;");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return new SchedulerInfo(SchedulerStatus.Stopped, null, null, null, null, null, "The scheduler has never run in this store.", cronJobs, nextJob, nextTime);
        }

        var status = reader.GetString(0) switch
        {
            "running" => SchedulerStatus.Running,
            "stopping" => SchedulerStatus.Stopping,
            _ => SchedulerStatus.Stopped,
        };
        return new SchedulerInfo(
            status,
            status == SchedulerStatus.Stopped ? null : reader.Int32OrNull(1),
            ToTime(reader.Int64OrNull(2)),
            ToTime(reader.Int64OrNull(3)),
            ToTime(reader.Int64OrNull(4)),
            reader.StringOrNull(5),
            reader.StringOrNull(6),
            cronJobs,
            nextJob,
            nextTime);
    }

    private (string? Job, DateTime? Time, int Count) NextCronTick(DbConnection connection)
    {
        using var command = connection.Command("SELECT name, cron, cron_time_zone FROM jobs WHERE schedule = 'cron';");
        using var reader = command.ExecuteReader();
        string? job = null;
        DateTime? time = null;
        var count = 0;
        while (reader.Read())
        {
            count++;
            if (NextTick(reader.GetString(1), reader.StringOrNull(2)) is DateTime next && (time is null || next < time))
            {
                job = reader.GetString(0);
                time = next;
            }
        }

        return (job, time, count);
    }

    private DateTime? NextTick(string cron, string? zone)
    {
        try
        {
            return CronSchedule.Parse(cron, CronSchedule.FindTimeZone(zone)).NextTick(_clock.GetUtcNow())?.UtcDateTime;
        }
        catch (InvalidJobDefinitionException)
        {
            return null;
        }
    }

    private long InsertRun(
        DbConnection connection, long jobId, string jobName, JobTriggerKind trigger, string triggerText,
        long? triggerRunId, long? chainId, long? scheduledTick, RunnerLease? runner, string? queue = null)
    {
        var now = NowMs;
        var runId = (long)connection.Scalar(
            "INSERT INTO job_runs (job_id, job_name, status, trigger_kind, trigger_text, trigger_run_id, chain_id, scheduled_tick, queued_time, log_path, " +
            "runner_host, runner_pid, runner_started, runner_id, lease_renewed_at, lease_expires_at, queue) " +
            "VALUES (@job, @name, 'queued', @trigger, @text, @triggerRun, coalesce(@chain, 0), @tick, @now, '', @host, @pid, @started, " +
            "@runner, @renewed, @expires, @queue) RETURNING run_id;",
            ("@job", jobId), ("@name", jobName), ("@trigger", JobText.Of(trigger)), ("@text", triggerText), ("@triggerRun", triggerRunId),
            ("@chain", chainId), ("@tick", scheduledTick), ("@now", now),
            ("@host", runner?.Process.Host), ("@pid", runner?.Process.ProcessId), ("@started", runner?.Process.StartedUnixMs),
            ("@runner", runner?.RunnerId), ("@renewed", runner is null ? null : now),
            ("@expires", runner is null ? null : now + (long)runner.Duration.TotalMilliseconds), ("@queue", queue))!;
        connection.Run(
            "UPDATE job_runs SET log_path = @log, chain_id = coalesce(@chain, run_id) WHERE run_id = @run;",
            ("@log", $"logs/jobs/{runId.ToString(CultureInfo.InvariantCulture)}-{Slug(jobName)}.log"), ("@chain", chainId), ("@run", runId));
        return runId;
    }

    private JobRun? ReadRun(DbConnection connection, long runId) =>
        ReadRuns(connection, $"SELECT {RunColumns} FROM job_runs WHERE run_id = @run;", ("@run", runId)).SingleOrDefault();

    private List<JobRun> ReadRuns(DbConnection connection, string sql, params (string, object?)[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var runs = new List<JobRun>();
        while (reader.Read())
        {
            var logPath = reader.GetString(13);
            runs.Add(new JobRun(
                RunId: reader.GetInt64(0),
                JobName: reader.GetString(1),
                JobId: reader.Int64OrNull(2),
                Status: JobText.ParseStatus(reader.GetString(3)),
                TriggerKind: JobText.ParseTrigger(reader.GetString(4)),
                Trigger: reader.GetString(5),
                TriggerRunId: reader.Int64OrNull(6),
                ChainId: reader.GetInt64(7),
                ScheduledTick: ToTime(reader.Int64OrNull(8)),
                QueuedAt: UnixTime.ToDateTime(reader.GetInt64(9)),
                StartTime: ToTime(reader.Int64OrNull(10)),
                EndTime: ToTime(reader.Int64OrNull(11)),
                ExitCode: reader.Int32OrNull(12),
                LogPath: logPath.Length == 0 ? string.Empty : Path.GetFullPath(Path.Combine(_store.Root, logPath)),
                RunnerProcessId: reader.Int32OrNull(14),
                ProcessId: reader.Int32OrNull(15),
                Error: reader.StringOrNull(16)));
        }

        return runs;
    }

    private List<JobDefinition> ReadDefinitions(DbConnection connection, string where, params (string, object?)[] parameters)
    {
        var dependents = new Dictionary<long, List<string>>();
        using (var children = connection.Command("SELECT parent_job_id, name FROM jobs WHERE parent_job_id IS NOT NULL ORDER BY lower(name), name;"))
        using (var reader = children.ExecuteReader())
        {
            while (reader.Read())
            {
                var parent = reader.GetInt64(0);
                if (!dependents.TryGetValue(parent, out var list))
                {
                    dependents[parent] = list = [];
                }

                list.Add(reader.GetString(1));
            }
        }

        using var command = connection.Command($"{DefinitionSelect} {where} ORDER BY lower(j.name), j.name;", parameters);
        using var rows = command.ExecuteReader();
        var jobs = new List<JobDefinition>();
        while (rows.Read())
        {
            var jobId = rows.GetInt64(0);
            var kind = JobText.ParseSchedule(rows.GetString(7));
            var schedule = kind switch
            {
                JobScheduleKind.Dependent => JobSchedule.DependsOn(rows.GetString(8)),
                JobScheduleKind.Cron => JobSchedule.OnCron(rows.GetString(9)),
                _ => JobSchedule.Manual,
            };
            var script = rows.GetString(3) == "file"
                ? JobScript.File(rows.GetString(4), rows.StringOrNull(5))
                : JobScript.Inline(rows.GetString(4));
            var zone = rows.StringOrNull(10);
            jobs.Add(new JobDefinition(
                JobId: jobId,
                Name: rows.GetString(1),
                Description: rows.StringOrNull(2),
                Script: script,
                Schedule: schedule,
                CronTimeZone: zone,
                Timeout: rows.Int64OrNull(11) is long ms ? TimeSpan.FromMilliseconds(ms) : null,
                Environment: new SortedDictionary<string, string>(
                    JsonSerializer.Deserialize<Dictionary<string, string>>(rows.GetString(12)) ?? [], StringComparer.Ordinal),
                WorkingDirectory: rows.StringOrNull(6),
                CreatedAt: UnixTime.ToDateTime(rows.GetInt64(13)),
                UpdatedAt: UnixTime.ToDateTime(rows.GetInt64(14)),
                Dependents: dependents.TryGetValue(jobId, out var children) ? children : [],
                LastRunId: rows.Int64OrNull(15),
                LastRunStatus: rows.StringOrNull(16) is string status ? JobText.ParseStatus(status) : null,
                LastRunTime: ToTime(rows.Int64OrNull(17)),
                NextRunTime: kind == JobScheduleKind.Cron ? NextTick(rows.GetString(9), zone) : null));
        }

        return jobs;
    }

    private static List<(long RunId, ProcessIdentity? Process)> ActiveRuns(DbConnection connection, long jobId)
    {
        using var command = connection.Command(
            "SELECT run_id, process_host, process_pid, process_started FROM job_runs WHERE job_id = @job AND status IN ('queued', 'running') ORDER BY run_id;",
            ("@job", jobId));
        using var reader = command.ExecuteReader();
        var runs = new List<(long, ProcessIdentity?)>();
        while (reader.Read())
        {
            runs.Add((reader.GetInt64(0), IdentityAt(reader, 1)));
        }

        return runs;
    }

    private static List<(long JobId, string Name)> Dependents(DbConnection connection, long jobId)
    {
        using var command = connection.Command("SELECT job_id, name FROM jobs WHERE parent_job_id = @job ORDER BY lower(name), name;", ("@job", jobId));
        using var reader = command.ExecuteReader();
        var children = new List<(long, string)>();
        while (reader.Read())
        {
            children.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return children;
    }

    private static string DependentsNotStarted(List<(long JobId, string Name)> dependents) =>
        $"The chain stopped here: {(dependents.Count == 1 ? "dependent job" : "dependent jobs")} {QuoteList(dependents.Select(d => d.Name))} {(dependents.Count == 1 ? "was" : "were")} not started.";

    private static ProcessIdentity? ReadIdentity(DbConnection connection, long runId, string prefix)
    {
        using var command = connection.Command($"SELECT {prefix}_host, {prefix}_pid, {prefix}_started FROM job_runs WHERE run_id = @run;", ("@run", runId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? IdentityAt(reader, 0) : null;
    }

    private static ProcessIdentity? IdentityAt(DbDataReader reader, int first) =>
        reader.IsDBNull(first) || reader.IsDBNull(first + 1)
            ? null
            : new ProcessIdentity(reader.GetString(first), reader.Int32OrNull(first + 1)!.Value, reader.Int64OrNull(first + 2) ?? 0);

    private static long? FindJobId(DbConnection connection, string name) =>
        connection.Scalar("SELECT job_id FROM jobs WHERE lower(name) = lower(@name);", ("@name", name)) as long?;

    private static (long JobId, string Name)? FindJob(DbConnection connection, string name)
    {
        using var command = connection.Command("SELECT job_id, name FROM jobs WHERE lower(name) = lower(@name);", ("@name", name));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    private static string CurrentName(DbConnection connection, long jobId) =>
        (string)connection.Scalar("SELECT name FROM jobs WHERE job_id = @id;", ("@id", jobId))!;

    /// <summary>The parent's id for a dependent schedule; refuses unknown parents and cycles.</summary>
    private static long? ResolveParent(DbConnection connection, JobSchedule schedule, long? selfId, string selfName)
    {
        if (schedule.Kind != JobScheduleKind.Dependent)
        {
            return null;
        }

        var parentName = schedule.Parent!;
        var parent = FindJob(connection, parentName)
            ?? throw new InvalidJobDefinitionException($"Job '{selfName}' cannot depend on '{parentName}': no such job. Register the parent job first.");
        if (parent.JobId == selfId || string.Equals(parent.Name, selfName, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidJobDefinitionException($"Job '{selfName}' cannot depend on itself.");
        }

        if (selfId is long self)
        {
            // Walk up from the new parent: meeting the job itself means the new edge would close a loop.
            var path = new List<string> { parent.Name };
            long? current = connection.Scalar("SELECT parent_job_id FROM jobs WHERE job_id = @id;", ("@id", parent.JobId)) as long?;
            while (current is long id)
            {
                var name = CurrentName(connection, id);
                path.Add(name);
                if (id == self)
                {
                    throw new InvalidJobDefinitionException(
                        $"Job '{selfName}' cannot depend on '{parent.Name}': that would make a cycle ('{selfName}' -> {string.Join(" -> ", path.Select(p => $"'{p}'"))}, " +
                        "each depending on the next). A job's chain must end.");
                }

                current = connection.Scalar("SELECT parent_job_id FROM jobs WHERE job_id = @id;", ("@id", id)) as long?;
            }
        }

        return parent.JobId;
    }

    private static CronSchedule? ValidateSchedule(JobSchedule schedule, string jobName)
    {
        switch (schedule.Kind)
        {
            case JobScheduleKind.Dependent:
                if (string.IsNullOrWhiteSpace(schedule.Parent))
                {
                    throw new InvalidJobDefinitionException($"Job '{jobName}' is dependent but names no parent job.");
                }

                return null;
            case JobScheduleKind.Cron:
                return CronSchedule.Parse(schedule.Cron ?? string.Empty);
            default:
                return null;
        }
    }

    internal static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || name.Trim() != name ||
            name.Any(c => char.IsControl(c) || c is '*' or '?' or '[' or ']'))
        {
            throw new InvalidJobDefinitionException(
                $"'{name}' is not a valid job name: use 1 to 100 characters, no leading or trailing spaces, no control characters and no wildcards (* ? [ ]).");
        }
    }

    private static void ValidateScript(JobScript script)
    {
        if (script.Kind == JobScriptKind.Text)
        {
            if (string.IsNullOrWhiteSpace(script.Text))
            {
                throw new InvalidJobDefinitionException("A job's script cannot be empty.");
            }

            return;
        }

        if (!Path.IsPathFullyQualified(script.Text))
        {
            throw new InvalidJobDefinitionException($"A job's script path must be absolute: '{script.Text}'.");
        }

        if (!string.Equals(Path.GetExtension(script.Text), ".ps1", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidJobDefinitionException($"A job's script must be a .ps1 file: '{script.Text}'.");
        }

        if (!File.Exists(script.Text))
        {
            throw new InvalidJobDefinitionException($"The job's script '{script.Text}' does not exist.");
        }
    }

    private static long? ValidateTimeout(TimeSpan? timeout)
    {
        if (timeout is not TimeSpan value)
        {
            return null;
        }

        if (value < TimeSpan.FromSeconds(1) || value > TimeSpan.FromDays(30))
        {
            throw new InvalidJobDefinitionException($"A job's timeout must be between 1 second and 30 days; {value} is not.");
        }

        return (long)value.TotalMilliseconds;
    }

    private static SortedDictionary<string, string> ValidateEnvironment(IReadOnlyDictionary<string, string>? environment)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrEmpty(name) || name.Contains('=', StringComparison.Ordinal) || name.Any(char.IsControl))
            {
                throw new InvalidJobDefinitionException($"'{name}' is not a valid environment variable name.");
            }

            if (s_reservedVariables.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidJobDefinitionException(
                    $"The environment variable {name} is set by MlopsPS for every run (the store and the run) and cannot be given to a job.");
            }

            result[name] = value ?? string.Empty;
        }

        return result;
    }

    private static void ValidateWorkingDirectory(string? directory)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        if (!Path.IsPathFullyQualified(directory) || !Directory.Exists(directory))
        {
            throw new InvalidJobDefinitionException($"The working folder '{directory}' does not exist (an absolute path is required).");
        }
    }

    private static string Slug(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }

            if (builder.Length >= 40)
            {
                break;
            }
        }

        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? "job" : slug;
    }

    private static string QuoteList(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static DateTime? ToTime(long? milliseconds) => milliseconds is long ms ? UnixTime.ToDateTime(ms) : null;
}

/// <summary>What <see cref="JobCatalog.Remove"/> did.</summary>
public sealed record JobRemoval(JobDefinition Job, IReadOnlyList<string> DetachedDependents, IReadOnlyList<long> StoppedRuns);

/// <summary>The scheduler's view of a cron job.</summary>
internal sealed record CronJobState(long JobId, string Name, string Cron, string? TimeZoneId, long? SinceMs, long? LastTickMs);

/// <summary>How a claim went.</summary>
internal enum ClaimOutcome
{
    /// <summary>The run is now running in the caller.</summary>
    Claimed,

    /// <summary>Another run of the job is running or queued ahead; try again later.</summary>
    Busy,

    /// <summary>The run is no longer queued (stopped, failed); nothing to do.</summary>
    Gone,
}

/// <summary>The result of <see cref="JobCatalog.TryClaim"/>.</summary>
internal sealed record ClaimResult(ClaimOutcome Outcome, JobRun Run, JobDefinition? Job, string? Reason);

/// <summary>The result of <see cref="JobCatalog.Finish"/>: whether it was recorded, and the dependent runs it queued.</summary>
internal sealed record FinishResult(bool Recorded, JobRun Run, IReadOnlyList<long> Dependents);
