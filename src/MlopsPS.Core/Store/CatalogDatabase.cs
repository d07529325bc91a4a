using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MlopsPS.Core.Store;

/// <summary>
/// The catalog-access layer: opens connections to either engine with the settings every caller needs, and runs
/// SQL written once with <c>@name</c> parameters (Microsoft.Data.Sqlite and Npgsql both bind that form). What the
/// engines do differently is asked of <see cref="Dialect"/>.
/// </summary>
public sealed class CatalogDatabase
{
    /// <summary>How long a connection waits for another process's lock before it gives up.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly StoreLocation _location;
    private readonly string _connectionString;

    /// <summary>The catalog of the store at <paramref name="location"/>.</summary>
    public CatalogDatabase(StoreLocation location)
    {
        _location = location;
        if (location.Backend == StoreBackend.Sqlite)
        {
            Dialect = SqliteDialect.Instance;
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(location.Root, "catalog.db"),
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = true,
                DefaultTimeout = (int)BusyTimeout.TotalSeconds,
            }.ToString();
        }
        else
        {
            Dialect = PostgreSqlDialect.Instance;
            _connectionString = location.ConnectionString!;
        }
    }

    /// <summary>What differs between the engines.</summary>
    public ICatalogDialect Dialect { get; }

    /// <summary>
    /// Opens a connection. SQLite: WAL journal (readers never block the writer), a busy timeout for cross-process
    /// locks, foreign keys on. PostgreSQL: a pooled Npgsql connection; a server that cannot be reached is one
    /// <see cref="StoreException"/> naming host and port, never the password.
    /// </summary>
    public DbConnection Open()
    {
        if (Dialect.Backend == StoreBackend.Sqlite)
        {
            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            // page_size takes effect only while the file is still empty (a new store), before WAL mode fixes it; for an
            // existing catalog it is a no-op. 16 KiB rather than SQLite's 4 KiB: the bulk of a busy store is the prediction
            // log, appended in batches, and larger pages write it with a fifth less CPU (fewer WAL frames and syscalls).
            Execute(
                connection,
                null,
                "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; " +
                $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};");
            return connection;
        }

        var postgres = new NpgsqlConnection(_connectionString);
        try
        {
            postgres.Open();
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            postgres.Dispose();
            throw new StoreException(
                $"Cannot connect to the PostgreSQL store at {_location.Host}:{_location.Port} ({_location.Display}): {WithoutPassword(e.Message)}", e);
        }

        return postgres;
    }

    /// <summary>Forgets pooled SQLite connections to this catalog (a deleted file must not be reused).</summary>
    public void ClearPool()
    {
        if (Dialect.Backend == StoreBackend.Sqlite)
        {
            using var stale = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(stale);
        }
    }

    /// <summary>A command on <paramref name="connection"/> with <c>@name</c> parameters bound.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        if (transaction is not null)
        {
            // Otherwise the connection's own (Microsoft.Data.Sqlite gives a new command its pending transaction).
            command.Transaction = transaction;
        }

        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        return command;
    }

    /// <summary>Runs a statement; returns the rows it changed.</summary>
    public static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>Runs a query; returns the first column of its first row (null when there is none).</summary>
    public static object? Scalar(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteScalar();
    }

    private string WithoutPassword(string message)
    {
        var password = new NpgsqlConnectionStringBuilder(_connectionString).Password;
        return string.IsNullOrEmpty(password) ? message : message.Replace(password, "***", StringComparison.Ordinal);
    }
}

/// <summary>Parameters written once for both drivers.</summary>
public static class DbCommandExtensions
{
    /// <summary>Adds the parameter <c>@name</c> (null is SQL NULL) and returns it, so a loop can set its value again.</summary>
    public static DbParameter AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name[0] == '@' ? name : "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
