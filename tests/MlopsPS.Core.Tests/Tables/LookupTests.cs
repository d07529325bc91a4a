using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>The tests of <see cref="LookupTests"/> on a SQLite store.</summary>
public sealed class SqliteLookupTests() : LookupTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlLookupTests(PostgresCluster cluster) : LookupTests(StoreBackend.PostgreSql, cluster);

public abstract class LookupTests(StoreBackend backend, PostgresCluster? cluster)
{
    [Fact]
    public void UnknownTable_FailsWithTableNotFound_EverywhereATableIsNamed()
    {
        using var temp = new TempStore(backend, cluster);

        var error = Assert.Throws<TableNotFoundException>(() => temp.Catalog.GetTable("missing"));

        Assert.Equal(MlopsErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal("TableNotFound", error.ErrorId);
        Assert.Equal("missing", error.Table);
        Assert.Throws<TableNotFoundException>(() => temp.Catalog.CurrentSnapshot("missing"));
        Assert.Throws<TableNotFoundException>(() => temp.Catalog.ListSnapshots("missing"));
        Assert.Throws<TableNotFoundException>(() => temp.Catalog.History("missing"));
        Assert.Throws<TableNotFoundException>(() => temp.Catalog.Scan("missing", ScanSpec.Current));
        Assert.Throws<TableNotFoundException>(() => temp.Catalog.Rollback("missing", 1));
        Assert.Throws<TableNotFoundException>(() => temp.Catalog.ExpireSnapshots("missing"));
        Assert.False(temp.Catalog.TableExists("missing"));
    }

    [Fact]
    public void UnknownSnapshot_FailsWithSnapshotNotFound_EvenWhenItBelongsToAnotherTable()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("a", [SampleRows.Batch(0, 10)]);
        var other = temp.Catalog.Append("b", [SampleRows.Batch(0, 10)]);

        var error = Assert.Throws<SnapshotNotFoundException>(() => temp.Catalog.GetSnapshot("a", other.SnapshotId));

        Assert.Equal(MlopsErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal(other.SnapshotId, error.SnapshotId);
        Assert.Throws<SnapshotNotFoundException>(() => temp.Catalog.Scan("a", ScanSpec.AsOfSnapshot(other.SnapshotId)));
    }

    [Fact]
    public void ListTables_FiltersWithWildcards_CaseInsensitively()
    {
        using var temp = new TempStore(backend, cluster);
        foreach (var name in new[] { "lab.telco", "lab.iot", "prod.telco" })
        {
            temp.Catalog.Append(name, [SampleRows.Batch(0, 10)]);
        }

        Assert.Equal(["lab.iot", "lab.telco", "prod.telco"], temp.Catalog.ListTables().Select(t => t.Name));
        Assert.Equal(["lab.iot", "lab.telco"], temp.Catalog.ListTables("LAB.*").Select(t => t.Name));
        Assert.Equal(["lab.telco", "prod.telco"], temp.Catalog.ListTables("*.telco").Select(t => t.Name));
        Assert.Equal(["lab.iot"], temp.Catalog.ListTables("lab.i?t").Select(t => t.Name));
        Assert.Empty(temp.Catalog.ListTables("nothing*"));
    }

    [Fact]
    public void ListTables_ReportsEachTablesCurrentState()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var current = temp.Catalog.Append("t", [SampleRows.Batch(10, 5)]);

        var info = Assert.Single(temp.Catalog.ListTables());

        Assert.Equal(current.SnapshotId, info.CurrentSnapshotId);
        Assert.Equal(2, info.SnapshotCount);
        Assert.Equal(15, info.TotalRecords);
        Assert.Equal(current.CommittedAt, info.LastUpdatedAt);
        Assert.Null(info.Dataset);
    }
}
