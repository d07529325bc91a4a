using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Store;
using System.Globalization;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>The tests of <see cref="ConcurrentAppendTests"/> on a SQLite store.</summary>
public sealed class SqliteConcurrentAppendTests() : ConcurrentAppendTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlConcurrentAppendTests(PostgresCluster cluster) : ConcurrentAppendTests(StoreBackend.PostgreSql, cluster);

public abstract class ConcurrentAppendTests(StoreBackend backend, PostgresCluster? cluster)
{
    private const int Writers = 4;
    private const int BatchesPerWriter = 25;
    private const int RowsPerBatch = 200;
    private const int Seed = 7;

    [Fact]
    public void FourProcessesAppendingAtOnce_LoseNothing_AndLeaveOneLinearChain()
    {
        using var temp = new TempStore(backend, cluster);
        var startAt = DateTimeOffset.UtcNow.AddSeconds(3).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var processes = Enumerable.Range(0, Writers)
            .Select(w => TestAppenderProcess.Start(
                "append", temp.Location, "shared", w.ToString(CultureInfo.InvariantCulture), BatchesPerWriter.ToString(CultureInfo.InvariantCulture),
                RowsPerBatch.ToString(CultureInfo.InvariantCulture), Seed.ToString(CultureInfo.InvariantCulture), startAt))
            .ToArray();
        var outputs = processes.Select(p => TestAppenderProcess.WaitForSuccess(p, TimeSpan.FromMinutes(3))).ToArray();

        var snapshots = temp.Catalog.ListSnapshots("shared");
        Assert.Equal(Writers * BatchesPerWriter, snapshots.Count);
        Assert.Equal(Enumerable.Range(1, snapshots.Count).Select(i => (long)i), snapshots.Select(s => s.SequenceNumber));
        Assert.Null(snapshots[0].ParentId);
        for (var i = 1; i < snapshots.Count; i++)
        {
            Assert.Equal(snapshots[i - 1].SnapshotId, snapshots[i].ParentId);
            Assert.Equal(snapshots[i - 1].Summary.TotalRecords + RowsPerBatch, snapshots[i].Summary.TotalRecords);
        }

        var current = temp.Catalog.CurrentSnapshot("shared");
        Assert.Equal(snapshots[^1], current);
        Assert.Equal(Writers * BatchesPerWriter * RowsPerBatch, current.Summary.TotalRecords);
        Assert.Equal(Writers * BatchesPerWriter, current.DataFiles.Count);
        Assert.All(temp.Catalog.History("shared"), h => Assert.True(h.IsCurrentAncestor));

        var seen = new HashSet<(int, int, int)>();
        foreach (var batch in temp.Catalog.Scan("shared", ScanSpec.Current).ReadBatches())
        {
            var (writer, batchIds, rows, values) = (batch.Column<int>("writer"), batch.Column<int>("batch"), batch.Column<int>("row"), batch.Column<double>("value"));
            for (var i = 0; i < batch.RowCount; i++)
            {
                Assert.True(seen.Add((writer[i], batchIds[i], rows[i])), $"Row {(writer[i], batchIds[i], rows[i])} appears twice.");
                Assert.Equal(TestRows.Value(writer[i], batchIds[i], rows[i], Seed), values[i]);
            }
        }

        Assert.Equal(Writers * BatchesPerWriter * RowsPerBatch, seen.Count);

        // Proof that the writers really overlapped: some commits landed on a parent another process had just made.
        var interleaved = outputs.Sum(o => int.Parse(o.Split('\n').Last(l => l.StartsWith("interleaved ", StringComparison.Ordinal))["interleaved ".Length..], CultureInfo.InvariantCulture));
        Assert.True(interleaved > 0, "The appenders never overlapped; the test did not exercise concurrent commits.");
        Assert.Empty(temp.Catalog.RemoveOrphanFiles("shared", TimeSpan.Zero).Files);
    }
}
