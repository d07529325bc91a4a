using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>The tests of <see cref="IncrementalScanTests"/> on a SQLite store.</summary>
public sealed class SqliteIncrementalScanTests() : IncrementalScanTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlIncrementalScanTests(PostgresCluster cluster) : IncrementalScanTests(StoreBackend.PostgreSql, cluster);

public abstract class IncrementalScanTests(StoreBackend backend, PostgresCluster? cluster)
{
    [Fact]
    public void Incremental_FromTheParentOfTheLatest_ReturnsExactlyTheNewestBatch()
    {
        using var temp = new TempStore(backend, cluster);
        var snapshots = Enumerable.Range(0, 5).Select(i => temp.Catalog.Append("t", [SampleRows.Batch(i * 100, 100)])).ToArray();
        var latest = snapshots[^1];

        var scan = temp.Catalog.Scan("t", ScanSpec.Incremental(latest.ParentId!.Value));

        Assert.Equal(snapshots[^2], scan.StartSnapshot);
        Assert.Equal(latest, scan.EndSnapshot);
        Assert.Equal(latest.DataFiles[^1], Assert.Single(scan.Files).Path);
        Assert.Equal(100, scan.RecordCount);
        Assert.Equal(SampleRows.Range(400, 100), SampleRows.Ids(scan));
    }

    [Fact]
    public void Incremental_BetweenTwoSnapshots_ReturnsTheRowsAppendedAfterTheStartUpToTheEnd()
    {
        using var temp = new TempStore(backend, cluster);
        var snapshots = Enumerable.Range(0, 5).Select(i => temp.Catalog.Append("t", [SampleRows.Batch(i * 10, 10)])).ToArray();

        var scan = temp.Catalog.Scan("t", ScanSpec.Incremental(snapshots[0].SnapshotId, snapshots[2].SnapshotId).WithColumns("id"));

        Assert.Equal(SampleRows.Range(10, 20), SampleRows.Ids(scan));
        Assert.Empty(SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Incremental(snapshots[2].SnapshotId, snapshots[2].SnapshotId))));
    }

    [Fact]
    public void Incremental_AcrossAnOverwrite_FailsAsIceberg()
    {
        using var temp = new TempStore(backend, cluster);
        var start = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var overwrite = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)], new AppendOptions { Overwrite = true });
        var end = temp.Catalog.Append("t", [SampleRows.Batch(20, 10)]);

        var error = Assert.Throws<IncrementalScanNotSupportedException>(() => temp.Catalog.Scan("t", ScanSpec.Incremental(start.SnapshotId)));

        Assert.StartsWith($"Found overwrite operation, cannot support incremental data in snapshots ({start.SnapshotId}, {end.SnapshotId}]", error.Message, StringComparison.Ordinal);
        Assert.Equal(MlopsErrorKind.InvalidOperation, error.Kind);
        Assert.Equal(SampleRows.Range(20, 10), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Incremental(overwrite.SnapshotId))));
    }

    [Fact]
    public void Incremental_FromASnapshotThatIsNotAnAncestorOfTheEnd_FailsAsIceberg()
    {
        using var temp = new TempStore(backend, cluster);
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var abandoned = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        temp.Catalog.Rollback("t", first.SnapshotId);
        var end = temp.Catalog.Append("t", [SampleRows.Batch(20, 10)]);

        var error = Assert.Throws<SnapshotNotAncestorException>(() => temp.Catalog.Scan("t", ScanSpec.Incremental(abandoned.SnapshotId)));

        Assert.StartsWith($"Starting snapshot (exclusive) {abandoned.SnapshotId} is not a parent ancestor of end snapshot {end.SnapshotId}", error.Message, StringComparison.Ordinal);
        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
        Assert.Throws<SnapshotNotAncestorException>(() => temp.Catalog.Scan("t", ScanSpec.Incremental(end.SnapshotId, first.SnapshotId)));
        Assert.Equal(SampleRows.Range(20, 10), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Incremental(first.SnapshotId))));
    }

    [Fact]
    public void Incremental_WithAnUnknownSnapshot_FailsWithSnapshotNotFound()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);

        Assert.Throws<SnapshotNotFoundException>(() => temp.Catalog.Scan("t", ScanSpec.Incremental(12345)));
    }
}
