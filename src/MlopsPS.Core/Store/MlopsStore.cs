using Microsoft.Data.Sqlite;

namespace MlopsPS.Core.Store;

/// <summary>
/// One store: the catalog (SQLite <c>catalog.db</c> in the store folder, WAL mode; or a PostgreSQL database) and the
/// folders of Parquet data files, run artifacts and logs (in the store folder, or the PostgreSQL store's warehouse).
/// Cheap to create; every operation opens its own short-lived connection, so several processes (cmdlets, jobs,
/// scoring hosts) share one store safely.
/// </summary>
public sealed class MlopsStore
{
    /// <summary>How long a connection waits for another process's write lock before it gives up.</summary>
    public static readonly TimeSpan BusyTimeout = CatalogDatabase.BusyTimeout;

    private MlopsStore(StoreLocation location, StoreSource source)
    {
        Location = location;
        Source = source;
        Database = new CatalogDatabase(location);
    }

    /// <summary>The folder of data files, artifacts and logs: the store folder, or a PostgreSQL store's warehouse.</summary>
    public string Root => Location.Root;

    /// <summary>Where the store is, and which engine holds its catalog.</summary>
    public StoreLocation Location { get; }

    /// <summary>The catalog's database engine.</summary>
    public StoreBackend Backend => Location.Backend;

    /// <summary>The catalog-access layer.</summary>
    public CatalogDatabase Database { get; }

    /// <summary>Where the location came from.</summary>
    public StoreSource Source { get; }

    /// <summary>The SQLite catalog file (a folder store's); a PostgreSQL store's catalog is its database.</summary>
    public string CatalogPath => Backend == StoreBackend.Sqlite
        ? Path.Combine(Root, "catalog.db")
        : Location.Display[..Location.Display.IndexOf('?', StringComparison.Ordinal)];

    /// <summary>Parquet data files, one folder per table.</summary>
    public string TablesDirectory => Path.Combine(Root, "tables");

    /// <summary>Run artifacts, one folder per run.</summary>
    public string ArtifactsDirectory => Path.Combine(Root, "artifacts");

    /// <summary>Job and host logs.</summary>
    public string LogsDirectory => Path.Combine(Root, "logs");

    /// <summary>
    /// Opens the store folder at <paramref name="root"/>, creating the folder layout and the catalog if needed and
    /// applying any pending migrations.
    /// </summary>
    public static MlopsStore Open(string root, StoreSource source = StoreSource.Parameter) =>
        Open(StoreLocation.Folder(root, Environment.CurrentDirectory), source);

    /// <summary>
    /// Opens the store at <paramref name="location"/>: creates the folder layout, and creates or migrates the catalog.
    /// </summary>
    public static MlopsStore Open(StoreLocation location, StoreSource source = StoreSource.Parameter)
    {
        var store = new MlopsStore(location, source);
        try
        {
            Directory.CreateDirectory(store.Root);
            Directory.CreateDirectory(store.TablesDirectory);
            Directory.CreateDirectory(store.ArtifactsDirectory);
            Directory.CreateDirectory(store.LogsDirectory);
            if (store.Backend == StoreBackend.Sqlite && !File.Exists(store.CatalogPath))
            {
                // A pooled connection may still hold a catalog that was deleted with its folder; it would keep
                // reading and writing the deleted file instead of the new one.
                store.Database.ClearPool();
            }

            CatalogMigrations.Apply(store.Database, store.Root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException or Npgsql.NpgsqlException)
        {
            throw new StoreException($"Cannot open the MlopsPS store at '{location.Display}': {e.Message}", e);
        }

        return store;
    }

    /// <summary>Resolves the location (parameter, environment, working directory) and opens that store.</summary>
    public static MlopsStore Resolve(string? storeParameter, string workingDirectory)
    {
        var (location, source) = StoreLocator.ResolveLocation(storeParameter, workingDirectory);
        return Open(location, source);
    }

    /// <summary>
    /// Opens a SQLite connection with the settings every caller needs: WAL journal (readers never block the writer),
    /// a busy timeout for cross-process locks, and foreign keys on. Only code written for SQLite alone uses it (the
    /// prediction log's C-API writer); a PostgreSQL store is refused with <see cref="PostgreSqlNotSupportedException"/>.
    /// </summary>
    public SqliteConnection OpenConnection()
    {
        if (Backend != StoreBackend.Sqlite)
        {
            throw new PostgreSqlNotSupportedException("A raw SQLite connection");
        }

        return (SqliteConnection)Database.Open();
    }

    /// <summary>Facts about the store for <c>Get-MlopsStore</c>.</summary>
    public StoreInfo Describe()
    {
        using var connection = Database.Open();
        return new StoreInfo(
            Location.Display,
            Source,
            CatalogPath,
            Database.Dialect.ReadSchemaVersion(connection, null),
            Convert.ToInt64(CatalogDatabase.Scalar(connection, null, "SELECT count(*) FROM tables;"), System.Globalization.CultureInfo.InvariantCulture),
            Backend,
            Root,
            Tables.Iceberg.IcebergCatalogName.Read(connection, null));
    }
}
