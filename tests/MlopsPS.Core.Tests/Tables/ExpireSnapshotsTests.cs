using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>The tests of <see cref="ExpireSnapshotsTests"/> on a SQLite store.</summary>
public sealed class SqliteExpireSnapshotsTests() : ExpireSnapshotsTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlExpireSnapshotsTests(PostgresCluster cluster) : ExpireSnapshotsTests(StoreBackend.PostgreSql, cluster);

public abstract class ExpireSnapshotsTests(StoreBackend backend, PostgresCluster? cluster)
{
    private static readonly DateTime s_future = DateTime.UtcNow.AddDays(1);

    [Fact]
    public void Expire_RemovesOldSnapshots_ButKeepsEveryFileTheCurrentSnapshotStillSees()
    {
        using var temp = new TempStore(backend, cluster);
        var a = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var b = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        var c = temp.Catalog.Append("t", [SampleRows.Batch(20, 10)]);

        var result = temp.Catalog.ExpireSnapshots("t", olderThan: s_future, retainLast: 1);

        Assert.Equal([a.SnapshotId, b.SnapshotId], result.ExpiredSnapshotIds);
        Assert.Empty(result.DeletedFiles);
        Assert.False(result.DryRun);
        var remaining = Assert.Single(temp.Catalog.ListSnapshots("t"));
        Assert.Equal(c.DataFiles, remaining.DataFiles);
        Assert.Equal(3, temp.FilesOf("t").Length);
        Assert.Equal(SampleRows.Range(0, 30), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
        Assert.Throws<SnapshotNotFoundException>(() => temp.Catalog.GetSnapshot("t", a.SnapshotId));
        Assert.Equal([c.SnapshotId], temp.Catalog.History("t").Select(h => h.SnapshotId));

        // The kept snapshot still works as a parent and as the start of an incremental read.
        var d = temp.Catalog.Append("t", [SampleRows.Batch(30, 10)]);
        Assert.Equal(SampleRows.Range(0, 40), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
        Assert.Equal(SampleRows.Range(30, 10), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Incremental(c.SnapshotId))));
        Assert.Equal(4, d.DataFiles.Count);
    }

    [Fact]
    public void Expire_DeletesTheFilesNoRemainingSnapshotReferences()
    {
        using var temp = new TempStore(backend, cluster);
        var a = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var b = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        var overwrite = temp.Catalog.Append("t", [SampleRows.Batch(100, 10)], new AppendOptions { Overwrite = true });
        var d = temp.Catalog.Append("t", [SampleRows.Batch(110, 10)]);
        string[] expiredFiles = [.. a.DataFiles, b.DataFiles[^1]]; // a snapshot's file list is read on first use

        var result = temp.Catalog.ExpireSnapshots("t", olderThan: s_future, retainLast: 1);

        Assert.Equal([a.SnapshotId, b.SnapshotId, overwrite.SnapshotId], result.ExpiredSnapshotIds);
        Assert.Equal(expiredFiles, result.DeletedFiles);
        Assert.Equal(a.Summary.AddedFilesSize + b.Summary.AddedFilesSize, result.DeletedBytes);
        Assert.All(result.DeletedFiles, f => Assert.False(File.Exists(Path.Combine(temp.Root, f))));
        Assert.All(d.DataFiles, f => Assert.True(File.Exists(Path.Combine(temp.Root, f))));
        Assert.Equal(SampleRows.Range(100, 20), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
        Assert.Equal(d.DataFiles, temp.Catalog.CurrentSnapshot("t").DataFiles);
    }

    [Fact]
    public void Expire_RemovesABranchLeftByARollback_AndItsFiles()
    {
        using var temp = new TempStore(backend, cluster);
        var a = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var b = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        temp.Catalog.Rollback("t", a.SnapshotId);
        var c = temp.Catalog.Append("t", [SampleRows.Batch(20, 10)]);
        var branchFile = b.DataFiles[^1];

        var result = temp.Catalog.ExpireSnapshots("t", olderThan: s_future, retainLast: 2);

        Assert.Equal([b.SnapshotId], result.ExpiredSnapshotIds);
        Assert.Equal([branchFile], result.DeletedFiles);
        Assert.Equal([a.SnapshotId, c.SnapshotId], temp.Catalog.ListSnapshots("t").Select(s => s.SnapshotId));
        Assert.Equal([true, true, true], temp.Catalog.History("t").Select(h => h.IsCurrentAncestor));
        Assert.Equal(2, temp.FilesOf("t").Length);
    }

    [Fact]
    public void Expire_KeepsSnapshotsNewerThanTheCutoff_AndNeverTheCurrentOne()
    {
        using var temp = new TempStore(backend, cluster);
        var a = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var b = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);

        Assert.Empty(temp.Catalog.ExpireSnapshots("t").ExpiredSnapshotIds);
        Assert.Equal([a.SnapshotId], temp.Catalog.ExpireSnapshots("t", olderThan: b.CommittedAt).ExpiredSnapshotIds);
        Assert.Empty(temp.Catalog.ExpireSnapshots("t", olderThan: s_future).ExpiredSnapshotIds);
        Assert.Equal(b, temp.Catalog.CurrentSnapshot("t"));
    }

    [Fact]
    public void Expire_DryRun_ReportsWithoutChangingAnything()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("t", [SampleRows.Batch(10, 10)], new AppendOptions { Overwrite = true });
        var snapshotsBefore = temp.Catalog.ListSnapshots("t");
        var filesBefore = temp.FilesOf("t");

        var dryRun = temp.Catalog.ExpireSnapshots("t", olderThan: s_future, dryRun: true);

        Assert.True(dryRun.DryRun);
        Assert.Single(dryRun.ExpiredSnapshotIds);
        Assert.Single(dryRun.DeletedFiles);
        Assert.Equal(snapshotsBefore, temp.Catalog.ListSnapshots("t"));
        Assert.Equal(filesBefore, temp.FilesOf("t"));
        var real = temp.Catalog.ExpireSnapshots("t", olderThan: s_future);
        Assert.Equal(dryRun.ExpiredSnapshotIds, real.ExpiredSnapshotIds);
        Assert.Equal(dryRun.DeletedFiles, real.DeletedFiles);
    }

    [Fact]
    public void Expire_WithRetainLastBelowOne_IsRefused()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);

        var error = Assert.Throws<InvalidTableArgumentException>(() => temp.Catalog.ExpireSnapshots("t", retainLast: 0));

        Assert.Equal("retainLast", error.ParameterName);
    }

    [Fact]
    public void Expire_Twice_KeepsFilesInheritedByTheRemainingSnapshots()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        temp.Catalog.ExpireSnapshots("t", olderThan: s_future);
        temp.Catalog.Append("t", [SampleRows.Batch(20, 10)]);

        var second = temp.Catalog.ExpireSnapshots("t", olderThan: s_future);

        Assert.Single(second.ExpiredSnapshotIds);
        Assert.Empty(second.DeletedFiles);
        Assert.Equal(SampleRows.Range(0, 30), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
        Assert.Equal(3, temp.Catalog.CurrentSnapshot("t").DataFiles.Count);
    }

    [Fact]
    public void Expire_ReportsEachFileItDeletes()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("t", [SampleRows.Batch(10, 10)], new AppendOptions { Overwrite = true });
        temp.Catalog.Append("t", [SampleRows.Batch(20, 10)], new AppendOptions { Overwrite = true });
        var reports = new List<MaintenanceProgress>();

        var result = temp.Catalog.ExpireSnapshots("t", olderThan: s_future, retainLast: 1, progress: new SyncProgress<MaintenanceProgress>(reports.Add));

        Assert.Equal(2, result.DeletedFiles.Count);
        Assert.Equal(result.DeletedFiles, reports.Select(r => r.CurrentFile));
        Assert.Equal([0, 1], reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(2, r.Total));
    }
}
