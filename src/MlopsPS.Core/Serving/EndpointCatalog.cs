using System.Data.Common;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Serving;

/// <summary>One row of the <c>endpoints</c> table, as stored.</summary>
internal sealed record EndpointRow(
    string Name,
    string BindAddress,
    int RequestedPort,
    int? Port,
    string? Url,
    string? ApiKeyHash,
    long MaxBodyBytes,
    EndpointStatus Status,
    string? StatusMessage,
    string? HostName,
    int? HostPid,
    long? HostStarted,
    string? ControlToken,
    string? CurrentDeploymentId,
    long CreationTime,
    long LastUpdatedTime,
    bool TrackingEnabled)
{
    /// <summary>The recorded host process, if any.</summary>
    public ProcessIdentity? HostProcess =>
        HostPid is { } pid && HostStarted is { } started ? new ProcessIdentity(HostName ?? Environment.MachineName, pid, started) : null;
}

/// <summary>One row of the <c>endpoint_hosts</c> table (migration 0011): one scoring host process of an endpoint.</summary>
internal sealed record HostRow(
    string HostId,
    string EndpointName,
    string MachineName,
    string Status,
    string? StatusMessage,
    string ControlToken,
    string? Url,
    int? Port,
    int? ProcessId,
    long? ProcessStarted,
    string? DeploymentId,
    string? ModelName,
    int? ModelVersion,
    string? FailedDeploymentId,
    long StartTime,
    long? HeartbeatTime,
    long? LeaseExpires)
{
    /// <summary>Running, with a lease that has not expired at <paramref name="nowMs"/>.</summary>
    public bool IsLive(long nowMs) => Status is "Running" or "Stopping" && LeaseExpires is { } lease && lease > nowMs;
}

/// <summary>
/// The SQL of the serving tables (migrations 0004 and 0006), written once for SQLite and PostgreSQL through the
/// catalog-access layer. Shared by the manager and the host process.
/// </summary>
internal sealed class EndpointCatalog(MlopsStore store)
{
    private const string EndpointColumns = """
        name, bind_address, requested_port, port, url, api_key_hash, max_body_bytes, status, status_message,
        host_name, host_pid, host_started, control_token, current_deployment_id, creation_time, last_updated_time,
        tracking_enabled
        """;

    private const string DeploymentColumns = """
        deployment_id, build_id, endpoint_name, model_name, model_version, run_id, status, message, url, port, host_pid,
        start_time, deployed_time, end_time
        """;

    public MlopsStore Store { get; } = store;

    public EndpointRow? Find(string name)
    {
        using var connection = Store.Database.Open();
        return QueryEndpoints(connection, "WHERE name = @p", name).SingleOrDefault();
    }

    public EndpointRow Get(string name) => Find(name) ?? throw new EndpointNotFoundException(name);

    public IReadOnlyList<EndpointRow> List(string pattern)
    {
        using var connection = Store.Database.Open();
        return QueryEndpoints(connection, $"WHERE {Store.Database.Dialect.WildcardMatch("name", "@p")}", Store.Database.Dialect.WildcardPattern(pattern));
    }

    public void Create(string name, string bindAddress, int requestedPort, string? apiKeyHash, long maxBodyBytes, bool trackingEnabled)
    {
        var now = UnixTime.NowMs();
        using var connection = Store.Database.Open();
        Execute(connection, null, """
            INSERT INTO endpoints (name, bind_address, requested_port, api_key_hash, max_body_bytes, status, creation_time, last_updated_time, tracking_enabled)
            VALUES (@name, @bind, @port, @key, @max, 'Stopped', @now, @now, @tracking);
            """,
            ("@name", name), ("@bind", bindAddress), ("@port", requestedPort), ("@key", apiKeyHash), ("@max", maxBodyBytes), ("@now", now),
            ("@tracking", trackingEnabled ? 1L : 0L));
    }

    public void UpdateSettings(string name, string bindAddress, int requestedPort, string? apiKeyHash, long maxBodyBytes, bool trackingEnabled)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, """
            UPDATE endpoints SET bind_address = @bind, requested_port = @port, api_key_hash = @key, max_body_bytes = @max,
                tracking_enabled = @tracking, last_updated_time = @now
            WHERE name = @name;
            """,
            ("@name", name), ("@bind", bindAddress), ("@port", requestedPort), ("@key", apiKeyHash), ("@max", maxBodyBytes),
            ("@tracking", trackingEnabled ? 1L : 0L), ("@now", UnixTime.NowMs()));
    }

    /// <summary>Switches the endpoint's prediction tracking; false when the endpoint does not exist.</summary>
    public bool SetTracking(string name, bool enabled)
    {
        using var connection = Store.Database.Open();
        return Execute(connection, null, """
            UPDATE endpoints SET tracking_enabled = @tracking, last_updated_time = @now WHERE name = @name;
            """, ("@name", name), ("@tracking", enabled ? 1L : 0L), ("@now", UnixTime.NowMs())) == 1;
    }

    /// <summary>Records a host launch: a new control token, no process yet.</summary>
    public void BeginLaunch(string name, string controlToken)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, """
            UPDATE endpoints SET status = 'Starting', status_message = NULL, control_token = @token, host_name = NULL,
                host_pid = NULL, host_started = NULL, port = NULL, last_updated_time = @now
            WHERE name = @name;
            """, ("@name", name), ("@token", controlToken), ("@now", UnixTime.NowMs()));
    }

    /// <summary>
    /// The host reports where it listens. Only the launch that holds the current token may: a host started by a
    /// launch that was given up on finds no row to update and exits.
    /// </summary>
    public bool MarkHostReady(string name, string controlToken, int port, string url, ProcessIdentity process)
    {
        using var connection = Store.Database.Open();
        return Execute(connection, null, """
            UPDATE endpoints SET status = 'Running', status_message = NULL, port = @port, url = @url, host_name = @host,
                host_pid = @pid, host_started = @started, last_updated_time = @now
            WHERE name = @name AND control_token = @token;
            """,
            ("@name", name), ("@token", controlToken), ("@port", port), ("@url", url), ("@host", process.Host),
            ("@pid", process.ProcessId), ("@started", process.StartedUnixMs), ("@now", UnixTime.NowMs())) == 1;
    }

    /// <summary>Records that the host is not running: stopped on purpose, or failed to start.</summary>
    public void MarkHostDown(string name, EndpointStatus status, string? message)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, """
            UPDATE endpoints SET status = @status, status_message = @message, control_token = NULL, host_pid = NULL,
                host_started = NULL, last_updated_time = @now
            WHERE name = @name;
            """, ("@name", name), ("@status", status.ToString()), ("@message", message), ("@now", UnixTime.NowMs()));
    }

    public void InsertDeployment(string deploymentId, string buildId, string endpointName, string modelName, int version, string? runId, DeploymentStatus status, string? message)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, """
            INSERT INTO deployments (deployment_id, build_id, endpoint_name, model_name, model_version, run_id, status, message, start_time)
            VALUES (@id, @build, @endpoint, @model, @version, @run, @status, @message, @now);
            """,
            ("@id", deploymentId), ("@build", buildId), ("@endpoint", endpointName), ("@model", modelName), ("@version", version),
            ("@run", runId), ("@status", status.ToString()), ("@message", message), ("@now", UnixTime.NowMs()));
    }

    public void SetDeploymentStatus(string deploymentId, DeploymentStatus status)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, "UPDATE deployments SET status = @status WHERE deployment_id = @id;", ("@id", deploymentId), ("@status", status.ToString()));
    }

    public void FailDeployment(string deploymentId, string message)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, """
            UPDATE deployments SET status = 'Failed', message = @message, end_time = @now WHERE deployment_id = @id;
            """, ("@id", deploymentId), ("@message", message), ("@now", UnixTime.NowMs()));
    }

    /// <summary>
    /// Makes a deployment the endpoint's live one, in one transaction: the previous live deployment is marked
    /// replaced at the same instant, so the history has no gap and no overlap.
    /// </summary>
    public void Promote(string endpointName, string deploymentId, string url, int port, int pid)
    {
        var now = UnixTime.NowMs();
        using var connection = Store.Database.Open();
        using var transaction = Store.Database.Dialect.BeginWrite(connection);
        Execute(connection, transaction, """
            UPDATE deployments SET status = 'Replaced', end_time = @now,
                message = coalesce(message || ' ', '') || 'Replaced by ' || @id || '.'
            WHERE endpoint_name = @endpoint AND status = 'Live' AND deployment_id <> @id;
            """, ("@endpoint", endpointName), ("@id", deploymentId), ("@now", now));
        Execute(connection, transaction, """
            UPDATE deployments SET status = 'Live', deployed_time = @now, url = @url, port = @port, host_pid = @pid
            WHERE deployment_id = @id;
            """, ("@id", deploymentId), ("@now", now), ("@url", url), ("@port", port), ("@pid", pid));
        Execute(connection, transaction, """
            UPDATE endpoints SET current_deployment_id = @id, last_updated_time = @now WHERE name = @endpoint;
            """, ("@endpoint", endpointName), ("@id", deploymentId), ("@now", now));
        transaction.Commit();
    }

    /// <summary>Ends the endpoint's live deployment (the endpoint stopped, or its host was found dead).</summary>
    public void EndLiveDeployment(string endpointName, string message)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, """
            UPDATE deployments SET status = 'Stopped', end_time = @now, message = coalesce(message || ' ', '') || @message
            WHERE endpoint_name = @endpoint AND status = 'Live';
            """, ("@endpoint", endpointName), ("@message", message), ("@now", UnixTime.NowMs()));
    }

    public Deployment? FindDeployment(string deploymentId)
    {
        using var connection = Store.Database.Open();
        return QueryDeployments(connection, "WHERE deployment_id = @p", deploymentId, "").SingleOrDefault();
    }

    /// <summary>Deployments of the endpoints matching a GLOB pattern, newest first; with <paramref name="latestOnly"/> one per endpoint.</summary>
    public IReadOnlyList<Deployment> ListDeployments(string endpointPattern, bool latestOnly)
    {
        using var connection = Store.Database.Open();
        var dialect = Store.Database.Dialect;
        var pattern = dialect.WildcardPattern(endpointPattern);
        var match = dialect.WildcardMatch("endpoint_name", "@p");
        return latestOnly
            ? QueryDeployments(connection, $"WHERE seq IN (SELECT max(seq) FROM deployments WHERE {match} GROUP BY endpoint_name)", pattern, "ORDER BY endpoint_name")
            : QueryDeployments(connection, $"WHERE {match}", pattern, "ORDER BY seq DESC");
    }

    public IReadOnlyList<string> ListNames()
    {
        using var connection = Store.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM endpoints ORDER BY name;";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private const string HostColumns = """
        host_id, endpoint_name, machine_name, status, status_message, control_token, url, port, pid, process_started,
        deployment_id, model_name, model_version, failed_deployment_id, start_time, heartbeat_time, lease_expires
        """;

    /// <summary>The PostgreSQL notification channel of endpoint changes; the payload is the endpoint's name.</summary>
    public const string NotifyChannel = "mlopsps_endpoints";

    /// <summary>The endpoint's target deployment: the one every live host must serve (null before the first publish).</summary>
    public string? GetTarget(string name)
    {
        using var connection = Store.Database.Open();
        return CatalogDatabase.Scalar(connection, null, "SELECT target_deployment_id FROM endpoints WHERE name = @name;", ("@name", name)) as string;
    }

    /// <summary>Sets the deployment every host of the endpoint must serve, and tells the hosts (NOTIFY on PostgreSQL).</summary>
    public void SetTarget(string name, string? deploymentId)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, "UPDATE endpoints SET target_deployment_id = @id, last_updated_time = @now WHERE name = @name;",
            ("@name", name), ("@id", deploymentId), ("@now", UnixTime.NowMs()));
        Notify(connection, name);
    }

    /// <summary>Wakes the hosts of an endpoint (PostgreSQL NOTIFY; SQLite hosts poll).</summary>
    public void Notify(string name)
    {
        using var connection = Store.Database.Open();
        Notify(connection, name);
    }

    public void InsertHost(string hostId, string endpointName, string machineName, string controlToken)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, """
            INSERT INTO endpoint_hosts (host_id, endpoint_name, machine_name, status, control_token, start_time)
            VALUES (@id, @endpoint, @machine, 'Starting', @token, @now);
            """, ("@id", hostId), ("@endpoint", endpointName), ("@machine", machineName), ("@token", controlToken), ("@now", UnixTime.NowMs()));
    }

    public HostRow? FindHost(string hostId)
    {
        using var connection = Store.Database.Open();
        return QueryHosts(connection, "WHERE host_id = @p", hostId).SingleOrDefault();
    }

    /// <summary>The hosts of an endpoint, oldest first (every host ever started, whatever its state).</summary>
    public IReadOnlyList<HostRow> ListHosts(string endpointName)
    {
        using var connection = Store.Database.Open();
        return QueryHosts(connection, "WHERE endpoint_name = @p", endpointName);
    }

    /// <summary>The host reports where it listens and takes its first lease; false when its launch was given up on.</summary>
    public bool MarkHostRowReady(string hostId, string controlToken, int port, string url, ProcessIdentity process, TimeSpan lease)
    {
        var now = UnixTime.NowMs();
        using var connection = Store.Database.Open();
        using var transaction = Store.Database.Dialect.BeginWrite(connection);
        var updated = Execute(connection, transaction, """
            UPDATE endpoint_hosts SET status = 'Running', status_message = NULL, port = @port, url = @url, pid = @pid,
                process_started = @started, heartbeat_time = @now, lease_expires = @lease
            WHERE host_id = @id AND control_token = @token AND status = 'Starting';
            """, ("@id", hostId), ("@token", controlToken), ("@port", port), ("@url", url), ("@pid", process.ProcessId),
            ("@started", process.StartedUnixMs), ("@now", now), ("@lease", now + (long)lease.TotalMilliseconds));
        if (updated == 1)
        {
            Execute(connection, transaction, """
                UPDATE endpoints SET status = 'Running', status_message = NULL, last_updated_time = @now
                WHERE name = (SELECT endpoint_name FROM endpoint_hosts WHERE host_id = @id);
                """, ("@id", hostId), ("@now", now));
        }

        transaction.Commit();
        return updated == 1;
    }

    /// <summary>Renews the host's lease; false when the host is no longer running by the catalog (stopped, or given up on).</summary>
    public bool RenewLease(DbConnection connection, string hostId, string controlToken, TimeSpan lease)
    {
        var now = UnixTime.NowMs();
        return Execute(connection, null, """
            UPDATE endpoint_hosts SET heartbeat_time = @now, lease_expires = @lease
            WHERE host_id = @id AND control_token = @token AND status = 'Running';
            """, ("@id", hostId), ("@token", controlToken), ("@now", now), ("@lease", now + (long)lease.TotalMilliseconds)) == 1;
    }

    /// <summary>Records the deployment the host now serves, or the one it refused (with the reason).</summary>
    public void RecordHostDeployment(DbConnection connection, string hostId, string deploymentId, string modelName, int version, string? failure)
    {
        if (failure is null)
        {
            Execute(connection, null, """
                UPDATE endpoint_hosts SET deployment_id = @dep, model_name = @model, model_version = @version, status_message = NULL
                WHERE host_id = @id;
                """, ("@id", hostId), ("@dep", deploymentId), ("@model", modelName), ("@version", version));
        }
        else
        {
            Execute(connection, null, """
                UPDATE endpoint_hosts SET failed_deployment_id = @dep, status_message = @message WHERE host_id = @id;
                """, ("@id", hostId), ("@dep", deploymentId), ("@message", failure));
        }
    }

    /// <summary>Asks running hosts to stop (they see it at their next poll or notification); returns how many were asked.</summary>
    public int RequestHostStops(string endpointName, string? machineName)
    {
        using var connection = Store.Database.Open();
        var asked = Execute(connection, null, $"""
            UPDATE endpoint_hosts SET status = 'Stopping' WHERE endpoint_name = @endpoint AND status = 'Running'
                {(machineName is null ? "" : "AND machine_name = @machine")};
            """, ("@endpoint", endpointName), ("@machine", machineName ?? ""));
        Notify(connection, endpointName);
        return asked;
    }

    /// <summary>Ends a host's row: stopped, failed to start, or found dead.</summary>
    public void MarkHostRowDown(string hostId, string status, string? message)
    {
        using var connection = Store.Database.Open();
        Execute(connection, null, """
            UPDATE endpoint_hosts SET status = @status, status_message = coalesce(@message, status_message), lease_expires = NULL
            WHERE host_id = @id;
            """, ("@id", hostId), ("@status", status), ("@message", message));
    }

    private void Notify(DbConnection connection, string name)
    {
        if (Store.Backend == StoreBackend.PostgreSql)
        {
            CatalogDatabase.Scalar(connection, null, "SELECT pg_notify(@channel, @name);", ("@channel", NotifyChannel), ("@name", name));
        }
    }

    private static List<HostRow> QueryHosts(DbConnection connection, string where, string parameter)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {HostColumns} FROM endpoint_hosts {where} ORDER BY start_time, host_id;";
        command.AddParameter("p", parameter);
        using var reader = command.ExecuteReader();
        var rows = new List<HostRow>();
        while (reader.Read())
        {
            rows.Add(new HostRow(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                NullableString(reader, 4),
                reader.GetString(5),
                NullableString(reader, 6),
                NullableInt(reader, 7),
                NullableInt(reader, 8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9),
                NullableString(reader, 10),
                NullableString(reader, 11),
                NullableInt(reader, 12),
                NullableString(reader, 13),
                reader.GetInt64(14),
                reader.IsDBNull(15) ? null : reader.GetInt64(15),
                reader.IsDBNull(16) ? null : reader.GetInt64(16)));
        }

        return rows;
    }

    private static List<EndpointRow> QueryEndpoints(DbConnection connection, string where, string parameter)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EndpointColumns} FROM endpoints {where} ORDER BY name;";
        command.AddParameter("p", parameter);
        using var reader = command.ExecuteReader();
        var rows = new List<EndpointRow>();
        while (reader.Read())
        {
            rows.Add(new EndpointRow(
                reader.GetString(0),
                reader.GetString(1),
                Int(reader, 2),
                NullableInt(reader, 3),
                NullableString(reader, 4),
                NullableString(reader, 5),
                reader.GetInt64(6),
                Enum.Parse<EndpointStatus>(reader.GetString(7)),
                NullableString(reader, 8),
                NullableString(reader, 9),
                NullableInt(reader, 10),
                reader.IsDBNull(11) ? null : reader.GetInt64(11),
                NullableString(reader, 12),
                NullableString(reader, 13),
                reader.GetInt64(14),
                reader.GetInt64(15),
                reader.GetInt64(16) != 0));
        }

        return rows;
    }

    private static List<Deployment> QueryDeployments(DbConnection connection, string where, string parameter, string orderBy)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {DeploymentColumns} FROM deployments {where} {orderBy};";
        command.AddParameter("p", parameter);
        using var reader = command.ExecuteReader();
        var deployments = new List<Deployment>();
        while (reader.Read())
        {
            deployments.Add(new Deployment(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                Int(reader, 4),
                NullableString(reader, 5),
                Enum.Parse<DeploymentStatus>(reader.GetString(6)),
                NullableString(reader, 7),
                NullableString(reader, 8),
                NullableInt(reader, 9),
                NullableInt(reader, 10),
                UnixTime.ToDateTime(reader.GetInt64(11)),
                reader.IsDBNull(12) ? null : UnixTime.ToDateTime(reader.GetInt64(12)),
                reader.IsDBNull(13) ? null : UnixTime.ToDateTime(reader.GetInt64(13))));
        }

        return deployments;
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static int? NullableInt(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Int(reader, ordinal);

    // Integers are BIGINT on PostgreSQL and INTEGER (64-bit) on SQLite: read as 64-bit on both.
    private static int Int(DbDataReader reader, int ordinal) => checked((int)reader.GetInt64(ordinal));

    private static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        CatalogDatabase.Execute(connection, transaction, sql, parameters);
}
