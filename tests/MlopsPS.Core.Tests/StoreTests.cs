using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests;

public sealed class StoreTests
{
    [Fact]
    public void AStoreDeletedAndMadeAgainInTheSameProcess_IsReallyNew()
    {
        var root = Path.Combine(Path.GetTempPath(), "mlopsps-xunit-" + Guid.NewGuid().ToString("N"));
        var catalog = new TableCatalog(MlopsStore.Open(root));
        catalog.Append("t", [new ColumnBatch(new TableSchema([new ColumnSpec("x", ColumnType.Int64)]), [new long[] { 1 }], 1)]);

        Directory.Delete(root, recursive: true);
        var again = MlopsStore.Open(root);

        Assert.Equal(0, again.Describe().TableCount);
        Assert.True(File.Exists(again.CatalogPath));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Open_AppliesEveryMigration_AndTwoOpensAgree()
    {
        var root = Path.Combine(Path.GetTempPath(), "mlopsps-xunit-" + Guid.NewGuid().ToString("N"));
        var first = MlopsStore.Open(root).Describe();
        var second = MlopsStore.Open(root).Describe();

        Assert.Equal(CatalogMigrations.LatestVersion, first.SchemaVersion);
        Assert.Equal(first, second);
        Directory.Delete(root, recursive: true);
    }
}
