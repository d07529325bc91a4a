using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>The tests of <see cref="RollbackTests"/> on a SQLite store.</summary>
public sealed class SqliteRollbackTests() : RollbackTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlRollbackTests(PostgresCluster cluster) : RollbackTests(StoreBackend.PostgreSql, cluster);

public abstract class RollbackTests(StoreBackend backend, PostgresCluster? cluster)
{
    [Fact]
    public void Rollback_MakesAnAncestorCurrent_AndTheNextAppendBranchesFromIt()
    {
        using var temp = new TempStore(backend, cluster);
        var a = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var b = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        var c = temp.Catalog.Append("t", [SampleRows.Batch(20, 10)]);

        var result = temp.Catalog.Rollback("t", a.SnapshotId);

        Assert.Equal(new RollbackResult("t", c.SnapshotId, a.SnapshotId), result);
        Assert.Equal(a, temp.Catalog.CurrentSnapshot("t"));
        Assert.Equal(SampleRows.Range(0, 10), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
        var d = temp.Catalog.Append("t", [SampleRows.Batch(30, 10)]);
        Assert.Equal(a.SnapshotId, d.ParentId);
        Assert.Equal(4, d.SequenceNumber);
        Assert.Equal(20, d.Summary.TotalRecords);
        Assert.Equal([.. SampleRows.Range(0, 10), .. SampleRows.Range(30, 10)], SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
        Assert.Equal(SampleRows.Range(0, 30), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.AsOfSnapshot(c.SnapshotId))));
    }

    [Fact]
    public void History_RecordsTheRollback_AndMarksTheAbandonedBranchAsNotCurrentAncestor()
    {
        using var temp = new TempStore(backend, cluster);
        var a = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var b = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        temp.Catalog.Rollback("t", a.SnapshotId);
        var c = temp.Catalog.Append("t", [SampleRows.Batch(20, 10)]);

        var history = temp.Catalog.History("t");

        Assert.Equal([a.SnapshotId, b.SnapshotId, a.SnapshotId, c.SnapshotId], history.Select(h => h.SnapshotId));
        Assert.Equal([true, false, true, true], history.Select(h => h.IsCurrentAncestor));
        Assert.Equal([null, a.SnapshotId, null, a.SnapshotId], history.Select(h => h.ParentId));
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.MadeCurrentAt < p.Second.MadeCurrentAt));
        Assert.All(history, h => Assert.Equal(DateTimeKind.Utc, h.MadeCurrentAt.Kind));
        Assert.Equal(a, temp.Catalog.SnapshotAsOf("t", history[2].MadeCurrentAt));
    }

    [Fact]
    public void Rollback_ToASnapshotThatIsNotAnAncestor_IsRefusedAndChangesNothing()
    {
        using var temp = new TempStore(backend, cluster);
        var a = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var b = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        temp.Catalog.Rollback("t", a.SnapshotId);
        var c = temp.Catalog.Append("t", [SampleRows.Batch(20, 10)]);
        var historyBefore = temp.Catalog.History("t");

        var error = Assert.Throws<SnapshotNotAncestorException>(() => temp.Catalog.Rollback("t", b.SnapshotId));

        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(c, temp.Catalog.CurrentSnapshot("t"));
        Assert.Equal(historyBefore, temp.Catalog.History("t"));
    }

    [Fact]
    public void Rollback_ToTheCurrentSnapshot_ChangesNothing()
    {
        using var temp = new TempStore(backend, cluster);
        var a = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);

        var result = temp.Catalog.Rollback("t", a.SnapshotId);

        Assert.Equal(a.SnapshotId, result.PreviousSnapshotId);
        Assert.Equal(a.SnapshotId, result.CurrentSnapshotId);
        Assert.Single(temp.Catalog.History("t"));
    }

    [Fact]
    public void Rollback_ToAnUnknownSnapshot_FailsWithSnapshotNotFound()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);

        Assert.Throws<SnapshotNotFoundException>(() => temp.Catalog.Rollback("t", 42));
    }
}
