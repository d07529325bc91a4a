using Microsoft.Data.Sqlite;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>A real store in a fresh temporary folder, deleted afterwards.</summary>
internal sealed class TempStore : IDisposable
{
    public TempStore()
        : this(StoreBackend.Sqlite, null)
    {
    }

    /// <summary>A store on <paramref name="backend"/>: on PostgreSQL a database of its own in <paramref name="cluster"/>.</summary>
    public TempStore(StoreBackend backend, MlopsPS.Core.Tests.TestSupport.PostgresCluster? cluster)
    {
        Root = Path.Combine(Path.GetTempPath(), "mlopsps-tests", Guid.NewGuid().ToString("N"));
        Location = backend == StoreBackend.Sqlite
            ? Root
            : (cluster ?? throw new ArgumentNullException(nameof(cluster))).NewStoreLocation(Root);
        Store = MlopsStore.Open(StoreLocation.Parse(Location, Environment.CurrentDirectory));
        Catalog = new TableCatalog(Store);
    }

    /// <summary>The folder of the store's files (the store folder, or the PostgreSQL store's warehouse).</summary>
    public string Root { get; }

    /// <summary>The location to open the store by (another process's -Store): the folder, or the postgresql:// URI.</summary>
    public string Location { get; }

    public MlopsStore Store { get; }

    public TableCatalog Catalog { get; }

    /// <summary>A catalog with small row groups, so tests see several without writing 100k rows.</summary>
    public TableCatalog CatalogWithRowGroups(int rows) => new(Store, CommitRetryPolicy.Default, rows);

    public string TableFolder(string table) => Path.Combine(Root, "tables", table);

    /// <summary>The files in a table's folder, by name.</summary>
    public string[] FilesOf(string table) =>
        Directory.Exists(TableFolder(table))
            ? Directory.GetFiles(TableFolder(table)).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray()
            : [];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
