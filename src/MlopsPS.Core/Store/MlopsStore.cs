using Microsoft.Data.Sqlite;

namespace MlopsPS.Core.Store;

/// <summary>
/// One store folder: the SQLite catalog (<c>catalog.db</c>, WAL mode) and the folders of Parquet data files,
/// run artifacts and logs. Cheap to create; every operation opens its own short-lived connection, so several
/// processes (cmdlets, jobs, scoring hosts) share one store safely.
/// </summary>
public sealed class MlopsStore
{
    /// <summary>How long a connection waits for another process's write lock before it gives up.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;

    private MlopsStore(string root, StoreSource source)
    {
        Root = root;
        Source = source;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = CatalogPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <summary>The store folder.</summary>
    public string Root { get; }

    /// <summary>Where the location came from.</summary>
    public StoreSource Source { get; }

    /// <summary>The SQLite catalog file.</summary>
    public string CatalogPath => Path.Combine(Root, "catalog.db");

    /// <summary>Parquet data files, one folder per table.</summary>
    public string TablesDirectory => Path.Combine(Root, "tables");

    /// <summary>Run artifacts, one folder per run.</summary>
    public string ArtifactsDirectory => Path.Combine(Root, "artifacts");

    /// <summary>Job and host logs.</summary>
    public string LogsDirectory => Path.Combine(Root, "logs");

    /// <summary>
    /// Opens the store at <paramref name="root"/>, creating the folder layout and the catalog if needed and
    /// applying any pending migrations.
    /// </summary>
    public static MlopsStore Open(string root, StoreSource source = StoreSource.Parameter)
    {
        var store = new MlopsStore(Path.GetFullPath(root), source);
        try
        {
            Directory.CreateDirectory(store.Root);
            Directory.CreateDirectory(store.TablesDirectory);
            Directory.CreateDirectory(store.ArtifactsDirectory);
            Directory.CreateDirectory(store.LogsDirectory);
            if (!File.Exists(store.CatalogPath))
            {
                // A pooled connection may still hold a catalog that was deleted with its folder; it would keep
                // reading and writing the deleted file instead of the new one.
                using var stale = new SqliteConnection(store._connectionString);
                SqliteConnection.ClearPool(stale);
            }

            using var connection = store.OpenConnection();
            CatalogMigrations.Apply(connection);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new StoreException($"Cannot open the MlopsPS store at '{store.Root}': {e.Message}", e);
        }

        return store;
    }

    /// <summary>Resolves the location (parameter, environment, working directory) and opens that store.</summary>
    public static MlopsStore Resolve(string? storeParameter, string workingDirectory)
    {
        var (path, source) = StoreLocator.Resolve(storeParameter, workingDirectory);
        return Open(path, source);
    }

    /// <summary>
    /// Opens a connection with the settings every caller needs: WAL journal (readers never block the writer),
    /// a busy timeout for cross-process locks, and foreign keys on.
    /// </summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // page_size takes effect only while the file is still empty (a new store), before WAL mode fixes it; for an
        // existing catalog it is a no-op. 16 KiB rather than SQLite's 4 KiB: the bulk of a busy store is the prediction
        // log, appended in batches, and larger pages write it with a fifth less CPU (fewer WAL frames and syscalls).
        pragma.CommandText =
            "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; " +
            $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Facts about the store for <c>Get-MlopsStore</c>.</summary>
    public StoreInfo Describe()
    {
        using var connection = OpenConnection();
        return new StoreInfo(
            Root,
            Source,
            CatalogPath,
            CatalogMigrations.ReadVersion(connection),
            CountRows(connection, "tables"));
    }

    private static long CountRows(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table};";
        return (long)command.ExecuteScalar()!;
    }
}
