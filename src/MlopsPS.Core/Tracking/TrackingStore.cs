using System.Globalization;
using System.Text.Json;
using System.Data.Common;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tracking;

/// <summary>
/// Experiments and runs in the store's catalog, with MLflow's rules: runs have a 32-hex id and a status, params are
/// write-once, metrics keep their whole history, tags change freely, and each run has an artifact folder.
/// A RUNNING run whose process has died is shown, and recorded, as KILLED.
/// </summary>
public sealed class TrackingStore
{
    private readonly MlopsStore _store;

    // The run columns with their params, latest metrics and tags as JSON objects (the aggregate is the dialect's).
    private readonly string _runSelect;

    /// <summary>Works on the experiments and runs of <paramref name="store"/>.</summary>
    public TrackingStore(MlopsStore store)
    {
        _store = store;
        var dialect = store.Database.Dialect;
        _runSelect = $"""
            SELECT r.run_id, r.experiment_id, e.name, r.run_name, r.user_id, r.status, r.start_time, r.end_time,
                   r.artifact_uri, r.lifecycle_stage, r.error_message,
                   (SELECT {dialect.JsonObjectAggregate("key", "value")} FROM params WHERE run_id = r.run_id),
                   (SELECT {dialect.JsonObjectAggregate("key", "value")} FROM latest_metrics WHERE run_id = r.run_id),
                   (SELECT {dialect.JsonObjectAggregate("key", "value")} FROM tags WHERE run_id = r.run_id)
            FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id
            """;
    }

    /// <summary>The experiment called <paramref name="name"/>, created on first use as MLflow's set_experiment.</summary>
    public Experiment GetOrCreateExperiment(string name)
    {
        ValidateName(name, "experiment");
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var existing = FindExperiment(connection, name);
        if (existing is null)
        {
            var now = UnixTime.NowMs();
            using var insert = connection.CreateCommand();
            // ON CONFLICT: on PostgreSQL another process may create it between the look-up and the insert (SQLite's
            // write lock rules that out); then there is no new row and nothing more to do.
            insert.CommandText =
                "INSERT INTO experiments (name, artifact_location, creation_time, last_update_time) VALUES (@name, '', @now, @now) " +
                "ON CONFLICT (name) DO NOTHING RETURNING experiment_id;";
            insert.AddParameter("name", name);
            insert.AddParameter("now", now);
            if (insert.ExecuteScalar() is not { } inserted)
            {
                transaction.Commit();
                return FindExperiment(connection, name)!;
            }

            var id = Convert.ToInt64(inserted, CultureInfo.InvariantCulture);
            using var location = connection.CreateCommand();
            location.CommandText = "UPDATE experiments SET artifact_location = @location WHERE experiment_id = @id;";
            location.AddParameter("location", Path.Combine(_store.ArtifactsDirectory, id.ToString(CultureInfo.InvariantCulture)));
            location.AddParameter("id", id);
            location.ExecuteNonQuery();
        }

        transaction.Commit();
        return FindExperiment(connection, name)!;
    }

    /// <summary>An experiment by name, or by id when <paramref name="nameOrId"/> is a number that names none.</summary>
    public Experiment GetExperiment(string nameOrId)
    {
        using var connection = _store.Database.Open();
        return FindExperiment(connection, nameOrId) ?? throw new ExperimentNotFoundException(nameOrId);
    }

    /// <summary>The experiments whose names match a <c>*</c>/<c>?</c> wildcard pattern, by name.</summary>
    public IReadOnlyList<Experiment> ListExperiments(string? namePattern = null)
    {
        using var connection = _store.Database.Open();
        using var command = connection.CreateCommand();
        var dialect = _store.Database.Dialect;
        command.CommandText = ExperimentSelect + $" WHERE {dialect.WildcardMatch("e.name", "@pattern")} ORDER BY e.name;";
        command.AddParameter("pattern", dialect.WildcardPattern(namePattern ?? "*"));
        return ReadExperiments(command);
    }

    /// <summary>The names of all experiments (one cheap query, for tab completion).</summary>
    public IReadOnlyList<string> ListExperimentNames()
    {
        using var connection = _store.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM experiments ORDER BY name;";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// Starts a RUNNING run in the experiment (created if needed), owned by this process, with its first tags and
    /// params in the same transaction.
    /// </summary>
    public Run StartRun(
        string experimentName,
        string? runName = null,
        IEnumerable<KeyValuePair<string, string>>? tags = null,
        IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        var experiment = GetOrCreateExperiment(experimentName);
        var runId = Guid.NewGuid().ToString("N");
        var name = string.IsNullOrWhiteSpace(runName) ? RunNames.Generate() : runName;
        var artifactUri = Path.Combine(experiment.ArtifactLocation, runId, "artifacts");
        Directory.CreateDirectory(artifactUri);
        var owner = ProcessIdentity.Current;
        var userId = Environment.UserName;

        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, artifact_uri,
                                  owner_host, owner_pid, owner_started)
                VALUES (@id, @experiment, @name, @user, 'RUNNING', @start, @artifacts, @host, @pid, @started);
                """;
            insert.AddParameter("id", runId);
            insert.AddParameter("experiment", experiment.ExperimentId);
            insert.AddParameter("name", name);
            insert.AddParameter("user", userId);
            insert.AddParameter("start", UnixTime.NowMs());
            insert.AddParameter("artifacts", artifactUri);
            insert.AddParameter("host", owner.Host);
            insert.AddParameter("pid", owner.ProcessId);
            insert.AddParameter("started", owner.StartedUnixMs);
            insert.ExecuteNonQuery();
        }

        var systemTags = new Dictionary<string, string>
        {
            ["mlflow.runName"] = name,
            ["mlflow.user"] = userId,
        };
        UpsertTags(connection, runId, systemTags.Concat(tags ?? []));
        InsertParams(connection, runId, parameters ?? []);
        Touch(connection, experiment.ExperimentId);
        transaction.Commit();
        return GetRun(runId);
    }

    /// <summary>Logs params. The same value again is fine; a different value is an error, as in MLflow.</summary>
    public void LogParams(string runId, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        RequireActive(connection, runId);
        InsertParams(connection, runId, parameters);
        transaction.Commit();
    }

    /// <summary>Appends metric values (key, value, step) stamped now, keeping the latest per key up to date.</summary>
    public void LogMetrics(string runId, IEnumerable<(string Key, double Value, long Step)> metrics)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        RequireActive(connection, runId);
        InsertMetrics(connection, runId, metrics);
        transaction.Commit();
    }

    /// <summary>Sets tags; a tag that exists is overwritten, as in MLflow.</summary>
    public void SetTags(string runId, IEnumerable<KeyValuePair<string, string>> tags)
    {
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        RequireExists(connection, runId);
        UpsertTags(connection, runId, tags);
        transaction.Commit();
    }

    /// <summary>
    /// Ends a RUNNING run with a final status; a failure records its error message. <paramref name="metrics"/>, if
    /// any, are logged (as <see cref="LogMetrics"/> does) in the same transaction.
    /// </summary>
    public Run EndRun(string runId, RunStatus status, string? errorMessage = null, IEnumerable<(string Key, double Value, long Step)>? metrics = null)
    {
        if (status is RunStatus.Running or RunStatus.Scheduled)
        {
            throw new ArgumentException("A run ends as FINISHED, FAILED or KILLED.", nameof(status));
        }

        using (var connection = _store.Database.Open())
        {
            using var transaction = _store.Database.Dialect.BeginWrite(connection);
            RequireActive(connection, runId);
            InsertMetrics(connection, runId, metrics ?? []);
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE runs SET status = @status, end_time = @end, error_message = @error WHERE run_id = @run;";
            update.AddParameter("status", ToText(status));
            update.AddParameter("end", UnixTime.NowMs());
            update.AddParameter("error", errorMessage);
            update.AddParameter("run", runId);
            update.ExecuteNonQuery();
            transaction.Commit();
        }

        return GetRun(runId);
    }

    /// <summary>One run with its params, latest metrics and tags.</summary>
    public Run GetRun(string runId)
    {
        using var connection = _store.Database.Open();
        ReconcileAbandonedRuns(connection);
        using var command = connection.CreateCommand();
        command.CommandText = _runSelect + " WHERE r.run_id = @run;";
        command.AddParameter("run", runId);
        return ReadRuns(command).SingleOrDefault() ?? throw new RunNotFoundException(runId);
    }

    /// <summary>Runs matching an MLflow-style query, newest first unless ordered otherwise.</summary>
    public IReadOnlyList<Run> SearchRuns(RunQuery query)
    {
        var clauses = RunFilterParser.Parse(query.Filter);
        using var connection = _store.Database.Open();
        ReconcileAbandonedRuns(connection);
        using var command = connection.CreateCommand();
        var sql = new RunSearchSql(command, _store.Database.Dialect);
        var conditions = new List<string> { "r.lifecycle_stage = 'active'" };
        if (query.Experiments is { Count: > 0 } experiments)
        {
            var ids = experiments.Select(e => FindExperiment(connection, e)?.ExperimentId ?? throw new ExperimentNotFoundException(e));
            conditions.Add($"r.experiment_id IN ({string.Join(", ", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)))})");
        }

        conditions.AddRange(sql.Conditions(clauses));
        var order = sql.OrderTerms(query.OrderBy ?? []).Append("r.start_time DESC").Append("r.run_id");
        command.CommandText = $"{_runSelect} WHERE {string.Join(" AND ", conditions)} ORDER BY {string.Join(", ", order)} LIMIT @limit;";
        command.AddParameter("limit", Math.Max(0, query.MaxResults));
        return ReadRuns(command);
    }

    /// <summary>Every logged value of a run's metrics (one key, or all), by key then step.</summary>
    public IReadOnlyList<MetricPoint> GetMetricHistory(string runId, string? key = null)
    {
        using var connection = _store.Database.Open();
        RequireExists(connection, runId);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT key, value, timestamp, step FROM metrics
            WHERE run_id = @run AND (CAST(@key AS TEXT) IS NULL OR key = @key)
            ORDER BY key, step, timestamp, rowid;
            """;
        command.AddParameter("run", runId);
        command.AddParameter("key", key);
        using var reader = command.ExecuteReader();
        var points = new List<MetricPoint>();
        while (reader.Read())
        {
            points.Add(new MetricPoint(runId, reader.GetString(0), reader.GetDouble(1), UnixTime.ToDateTime(reader.GetInt64(2)), reader.GetInt64(3)));
        }

        return points;
    }

    /// <summary>The files in a run's artifact folder.</summary>
    public IReadOnlyList<RunArtifact> ListArtifacts(string runId)
    {
        var root = GetRun(runId).ArtifactUri;
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file => new RunArtifact(runId, Path.GetRelativePath(root, file).Replace('\\', '/'), file, new FileInfo(file).Length))
            .ToArray();
    }

    private const string ExperimentSelect = """
        SELECT e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time,
               (SELECT count(*) FROM runs r WHERE r.experiment_id = e.experiment_id) AS run_count
        FROM experiments e
        """;


    private static Experiment? FindExperiment(DbConnection connection, string nameOrId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = ExperimentSelect + " WHERE e.name = @name OR (CAST(e.experiment_id AS TEXT) = @name AND NOT EXISTS (SELECT 1 FROM experiments x WHERE x.name = @name));";
        command.AddParameter("name", nameOrId);
        return ReadExperiments(command).FirstOrDefault();
    }

    private static IReadOnlyList<Experiment> ReadExperiments(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var experiments = new List<Experiment>();
        while (reader.Read())
        {
            experiments.Add(new Experiment(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                UnixTime.ToDateTime(reader.GetInt64(4)),
                UnixTime.ToDateTime(reader.GetInt64(5)),
                Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture)));
        }

        return experiments;
    }

    private static IReadOnlyList<Run> ReadRuns(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var runs = new List<Run>();
        while (reader.Read())
        {
            runs.Add(new Run(
                RunId: reader.GetString(0),
                ExperimentId: reader.GetInt64(1),
                ExperimentName: reader.GetString(2),
                RunName: reader.GetString(3),
                UserId: reader.GetString(4),
                Status: ParseStatus(reader.GetString(5)),
                StartTime: UnixTime.ToDateTime(reader.GetInt64(6)),
                EndTime: reader.IsDBNull(7) ? null : UnixTime.ToDateTime(reader.GetInt64(7)),
                ArtifactUri: reader.GetString(8),
                LifecycleStage: reader.GetString(9),
                ErrorMessage: reader.IsDBNull(10) ? null : reader.GetString(10),
                Params: ReadMap<string>(reader, 11),
                Metrics: ReadMap<double>(reader, 12),
                Tags: ReadMap<string>(reader, 13)));
        }

        return runs;
    }

    private static IReadOnlyDictionary<string, T> ReadMap<T>(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return new SortedDictionary<string, T>(StringComparer.Ordinal);
        }

        var map = JsonSerializer.Deserialize<Dictionary<string, T>>(reader.GetString(ordinal)) ?? [];
        return new SortedDictionary<string, T>(map, StringComparer.Ordinal);
    }

    /// <summary>Marks RUNNING runs whose owning process has ended as KILLED, so none stays RUNNING forever.</summary>
    private static void ReconcileAbandonedRuns(DbConnection connection)
    {
        var abandoned = new List<(string RunId, ProcessIdentity Owner)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT run_id, owner_host, owner_pid, owner_started FROM runs WHERE status = 'RUNNING';";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var owner = new ProcessIdentity(reader.GetString(1), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture), reader.GetInt64(3));
                if (owner.HasEnded())
                {
                    abandoned.Add((reader.GetString(0), owner));
                }
            }
        }

        foreach (var (runId, owner) in abandoned)
        {
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE runs SET status = 'KILLED', end_time = @end, error_message = @error WHERE run_id = @run AND status = 'RUNNING';";
            update.AddParameter("end", UnixTime.NowMs());
            update.AddParameter("error", $"The process that ran it (pid {owner.ProcessId} on {owner.Host}) ended before the run finished.");
            update.AddParameter("run", runId);
            update.ExecuteNonQuery();
        }
    }

    // Params are write-once: the same value again is fine, a different one is an error.
    private static void InsertParams(DbConnection connection, string runId, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        using var existing = connection.CreateCommand();
        existing.CommandText = "SELECT value FROM params WHERE run_id = @run AND key = @key;";
        existing.AddParameter("run", runId);
        var existingKey = existing.AddParameter("key", null);
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO params (run_id, key, value) VALUES (@run, @key, @value);";
        insert.AddParameter("run", runId);
        var key = insert.AddParameter("key", null);
        var value = insert.AddParameter("value", null);
        foreach (var parameter in parameters)
        {
            ValidateName(parameter.Key, "param");
            existingKey.Value = parameter.Key;
            if (existing.ExecuteScalar() is string old)
            {
                if (!string.Equals(old, parameter.Value, StringComparison.Ordinal))
                {
                    throw new ParamChangedException(runId, parameter.Key, old, parameter.Value);
                }

                continue;
            }

            key.Value = parameter.Key;
            value.Value = parameter.Value;
            insert.ExecuteNonQuery();
        }
    }

    // Appends metric values stamped now, keeping the latest per key up to date.
    private static void InsertMetrics(DbConnection connection, string runId, IEnumerable<(string Key, double Value, long Step)> metrics)
    {
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO metrics (run_id, key, value, timestamp, step) VALUES (@run, @key, @value, @ts, @step);
            INSERT INTO latest_metrics (run_id, key, value, timestamp, step) VALUES (@run, @key, @value, @ts, @step)
            ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step
            WHERE excluded.step > latest_metrics.step
               OR (excluded.step = latest_metrics.step AND excluded.timestamp >= latest_metrics.timestamp);
            """;
        insert.AddParameter("run", runId);
        insert.AddParameter("ts", UnixTime.NowMs());
        var key = insert.AddParameter("key", null);
        var value = insert.AddParameter("value", null);
        var step = insert.AddParameter("step", null);
        foreach (var metric in metrics)
        {
            ValidateName(metric.Key, "metric");
            key.Value = metric.Key;
            value.Value = metric.Value;
            step.Value = metric.Step;
            insert.ExecuteNonQuery();
        }
    }

    private static void UpsertTags(DbConnection connection, string runId, IEnumerable<KeyValuePair<string, string>> tags)
    {
        using var upsert = connection.CreateCommand();
        upsert.CommandText = "INSERT INTO tags (run_id, key, value) VALUES (@run, @key, @value) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value;";
        var key = upsert.AddParameter("key", null);
        var value = upsert.AddParameter("value", null);
        upsert.AddParameter("run", runId);
        foreach (var tag in tags)
        {
            ValidateName(tag.Key, "tag");
            key.Value = tag.Key;
            value.Value = tag.Value;
            upsert.ExecuteNonQuery();
        }
    }

    private static RunStatus RequireExists(DbConnection connection, string runId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT status FROM runs WHERE run_id = @run;";
        command.AddParameter("run", runId);
        return command.ExecuteScalar() is string status ? ParseStatus(status) : throw new RunNotFoundException(runId);
    }

    private static void RequireActive(DbConnection connection, string runId)
    {
        var status = RequireExists(connection, runId);
        if (status != RunStatus.Running)
        {
            throw new RunNotActiveException(runId, status);
        }
    }

    private static void Touch(DbConnection connection, long experimentId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE experiments SET last_update_time = @now WHERE experiment_id = @id;";
        command.AddParameter("now", UnixTime.NowMs());
        command.AddParameter("id", experimentId);
        command.ExecuteNonQuery();
    }

    private static void ValidateName(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 250)
        {
            throw new MlopsException($"A {what} name must be 1 to 250 characters and not blank.", MlopsErrorKind.InvalidArgument, errorId: "InvalidName");
        }
    }


    internal static string ToText(RunStatus status) => status.ToString().ToUpperInvariant();

    private static RunStatus ParseStatus(string text) => Enum.Parse<RunStatus>(text, ignoreCase: true);
}
