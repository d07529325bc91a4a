using Microsoft.Data.Sqlite;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>A real store in a fresh temporary folder, deleted afterwards.</summary>
internal sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Root = Path.Combine(Path.GetTempPath(), "mlopsps-tests", Guid.NewGuid().ToString("N"));
        Store = MlopsStore.Open(Root);
        Catalog = new TableCatalog(Store);
    }

    public string Root { get; }

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
