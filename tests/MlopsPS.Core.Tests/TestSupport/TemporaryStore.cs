using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tests.TestSupport;

/// <summary>
/// A real store, deleted when the test ends: a new temporary folder (SQLite), or a new database of the run's private
/// PostgreSQL cluster with a new temporary warehouse folder.
/// </summary>
public sealed class TemporaryStore : IDisposable
{
    public TemporaryStore()
        : this(StoreBackend.Sqlite, null)
    {
    }

    public TemporaryStore(StoreBackend backend, PostgresCluster? cluster)
    {
        Root = Path.Combine(Path.GetTempPath(), "mlopsps-xunit-" + Guid.NewGuid().ToString("N"));
        Location = backend == StoreBackend.Sqlite
            ? Root
            : (cluster ?? throw new ArgumentNullException(nameof(cluster))).NewStoreLocation(Root);
        Store = MlopsStore.Open(StoreLocation.Parse(Location, Environment.CurrentDirectory));
    }

    /// <summary>The folder of data files, artifacts and logs (the store folder, or the warehouse).</summary>
    public string Root { get; }

    /// <summary>The location to open the store by: the folder, or the postgresql:// URI.</summary>
    public string Location { get; }

    public MlopsStore Store { get; }

    /// <summary>The two backends, as theory data.</summary>
    public static TheoryData<StoreBackend> Backends => new() { StoreBackend.Sqlite, StoreBackend.PostgreSql };

    /// <summary>Opens the same store again, as another process would.</summary>
    public MlopsStore OpenAgain() => MlopsStore.Open(StoreLocation.Parse(Location, Environment.CurrentDirectory));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Store.Location.ConnectionString is { } connectionString)
        {
            // Each PostgreSQL test store is a database with a pool of its own: close its idle connections, or a suite
            // of many such stores runs the cluster out of connections (max_connections).
            using var connection = new Npgsql.NpgsqlConnection(connectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the temp folder is cleaned by the OS later.
        }
    }
}
