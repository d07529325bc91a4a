using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>The tests of <see cref="AppendTests"/> on a SQLite store.</summary>
public sealed class SqliteAppendTests() : AppendTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlAppendTests(PostgresCluster cluster) : AppendTests(StoreBackend.PostgreSql, cluster);

public abstract class AppendTests(StoreBackend backend, PostgresCluster? cluster)
{
    [Fact]
    public void FirstAppend_CreatesTheTableWithTheBatchSchema_AndLaterAppendsAddToIt()
    {
        using var temp = new TempStore(backend, cluster);

        var first = temp.Catalog.Append("lab.telco", [SampleRows.Batch(0, 100)], new AppendOptions { Dataset = "telco" });
        var second = temp.Catalog.Append("lab.telco", [SampleRows.Batch(100, 50)]);

        var info = temp.Catalog.GetTable("lab.telco");
        Assert.Equal(SampleRows.Schema, info.Schema);
        Assert.Equal(second.SnapshotId, info.CurrentSnapshotId);
        Assert.Equal(2, info.SnapshotCount);
        Assert.Equal(150, info.TotalRecords);
        Assert.Equal(2, info.TotalFiles);
        Assert.Equal("telco", info.Dataset);
        Assert.Equal(first.CommittedAt, info.CreatedAt);
        Assert.Equal(SampleRows.Range(0, 150), SampleRows.Ids(temp.Catalog.Scan("lab.telco", ScanSpec.Current)));
    }

    [Fact]
    public void Appends_FormALinearParentChainWithSequenceNumbersAndUtcCommitTimes()
    {
        using var temp = new TempStore(backend, cluster);
        var before = DateTime.UtcNow;

        var snapshots = Enumerable.Range(0, 4).Select(i => temp.Catalog.Append("t", [SampleRows.Batch(i * 10, 10)])).ToArray();

        Assert.Null(snapshots[0].ParentId);
        for (var i = 1; i < snapshots.Length; i++)
        {
            Assert.Equal(snapshots[i - 1].SnapshotId, snapshots[i].ParentId);
            Assert.True(snapshots[i].CommittedAt > snapshots[i - 1].CommittedAt);
        }

        Assert.Equal([1L, 2, 3, 4], snapshots.Select(s => s.SequenceNumber));
        Assert.All(snapshots, s => Assert.True(s.SnapshotId > 0));
        Assert.Equal(4, snapshots.Select(s => s.SnapshotId).Distinct().Count());
        Assert.All(snapshots, s => Assert.Equal(DateTimeKind.Utc, s.CommittedAt.Kind));
        Assert.All(snapshots, s => Assert.InRange(s.CommittedAt, before.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1)));
        Assert.All(snapshots, s => Assert.Equal(SnapshotOperation.Append, s.Operation));
        Assert.Equal(snapshots, temp.Catalog.ListSnapshots("t"));
    }

    [Fact]
    public void Summary_CountsAddedAndTotalRecordsFilesAndBytes_UnderIcebergKeys()
    {
        using var temp = new TempStore(backend, cluster);

        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 30), SampleRows.Batch(30, 20)]);
        var second = temp.Catalog.Append("t", [SampleRows.Batch(50, 25)]);

        Assert.Equal(50, first.Summary.AddedRecords);
        Assert.Equal(1, first.Summary.AddedFiles);
        Assert.Equal(new FileInfo(Path.Combine(temp.Root, first.DataFiles[0])).Length, first.Summary.AddedFilesSize);
        Assert.Equal(25, second.Summary.AddedRecords);
        Assert.Equal(75, second.Summary.TotalRecords);
        Assert.Equal(2, second.Summary.TotalFiles);
        Assert.Equal(first.Summary.AddedFilesSize + second.Summary.AddedFilesSize, second.Summary.TotalFilesSize);
        var summary = second.Summary.ToDictionary();
        Assert.Equal("25", summary["added-records"]);
        Assert.Equal("1", summary["added-data-files"]);
        Assert.Equal(second.Summary.AddedFilesSize.ToString(System.Globalization.CultureInfo.InvariantCulture), summary["added-files-size"]);
        Assert.Equal("75", summary["total-records"]);
        Assert.Equal("2", summary["total-data-files"]);
        Assert.False(summary.ContainsKey("deleted-records"));
    }

    [Fact]
    public void Snapshot_DataFiles_AreTheFilesItCanSee_RelativeToTheStore()
    {
        using var temp = new TempStore(backend, cluster);

        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var second = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);

        Assert.Single(first.DataFiles);
        Assert.Equal(2, second.DataFiles.Count);
        Assert.Equal(first.DataFiles[0], second.DataFiles[0]);
        Assert.All(second.DataFiles, f => Assert.StartsWith("tables/t/data-", f, StringComparison.Ordinal));
        Assert.All(second.DataFiles, f => Assert.True(File.Exists(Path.Combine(temp.Root, f))));
        Assert.Equal(second.DataFiles, temp.Catalog.GetSnapshot("t", second.SnapshotId).DataFiles);
        Assert.Equal(first.DataFiles, temp.Catalog.ListSnapshots("t")[0].DataFiles);
    }

    [Fact]
    public void Append_RoundTripsEveryColumnTypeIncludingNulls()
    {
        using var temp = new TempStore(backend, cluster);
        var written = SampleRows.Batch(0, 500);

        temp.Catalog.Append("t", [written]);

        var read = Assert.Single(temp.Catalog.Scan("t", ScanSpec.Current).ReadBatches());
        Assert.Equal(written.Schema, read.Schema);
        for (var c = 0; c < written.Columns.Count; c++)
        {
            Assert.Equal(written.Columns[c], read.Columns[c]);
        }

        Assert.All(read.Column<DateTime?>("at"), t => Assert.True(t is null || t.Value.Kind == DateTimeKind.Utc));
    }

    [Fact]
    public void Append_StreamsBatchesIntoRowGroups_WritingBeforeTheLastBatchArrives()
    {
        using var temp = new TempStore(backend, cluster);
        var catalog = temp.CatalogWithRowGroups(1000);
        long bytesOnDiskWhenLastBatchWasRequested = -1;

        IEnumerable<ColumnBatch> Batches()
        {
            yield return SampleRows.Batch(0, 2500);
            yield return SampleRows.Batch(2500, 700);

            // The append reads one batch ahead on another thread: give the writer time to put the earlier rows
            // on disk. An append that held every batch before writing would never get there.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            do
            {
                bytesOnDiskWhenLastBatchWasRequested = Directory.Exists(temp.TableFolder("t"))
                    ? Directory.GetFiles(temp.TableFolder("t"), "*.tmp").Sum(f => new FileInfo(f).Length)
                    : 0;
            }
            while (bytesOnDiskWhenLastBatchWasRequested == 0 && DateTime.UtcNow < deadline && Sleep());

            yield return SampleRows.Batch(3200, 3000);
        }

        static bool Sleep()
        {
            Thread.Sleep(10);
            return true;
        }

        catalog.Append("t", Batches());

        Assert.True(bytesOnDiskWhenLastBatchWasRequested > 0, "Row groups should be written while batches are still coming.");
        var scan = catalog.Scan("t", ScanSpec.Current);
        Assert.Equal([1000, 1000, 1000, 1000, 1000, 1000, 200], scan.ReadBatches().Select(b => b.RowCount));
        Assert.Equal(SampleRows.Range(0, 6200), SampleRows.Ids(scan));
    }

    [Fact]
    public void Append_CancelledWhileStreaming_LeavesNoFileAndNoSnapshot()
    {
        using var temp = new TempStore(backend, cluster);
        var catalog = temp.CatalogWithRowGroups(100);
        var before = catalog.Append("t", [SampleRows.Batch(0, 10)]);
        using var cancellation = new CancellationTokenSource();

        IEnumerable<ColumnBatch> Batches()
        {
            yield return SampleRows.Batch(10, 250);
            cancellation.Cancel();
            yield return SampleRows.Batch(260, 250);
        }

        Assert.ThrowsAny<OperationCanceledException>(() => catalog.Append("t", Batches(), cancellationToken: cancellation.Token));

        Assert.Single(temp.FilesOf("t"));
        Assert.Equal(before, catalog.CurrentSnapshot("t"));
    }

    [Fact]
    public void Append_ReportsRowsWrittenAndFinallyCommitted()
    {
        using var temp = new TempStore(backend, cluster);
        var reports = new List<AppendProgress>();
        var progress = new SyncProgress<AppendProgress>(reports.Add);

        temp.CatalogWithRowGroups(100).Append("t", [SampleRows.Batch(0, 250), SampleRows.Batch(250, 100)], progress: progress);

        Assert.Equal([100L, 200, 300, 350, 350], reports.Select(r => r.RowsWritten));
        Assert.All(reports, r => Assert.Equal(350, r.TotalRows));
        Assert.Equal([false, false, false, false, true], reports.Select(r => r.Committed));
        Assert.Equal(100, reports[^1].PercentComplete);
        Assert.Equal(28, reports[0].PercentComplete);
    }

    [Fact]
    public void Append_WithNoRows_CommitsAnEmptySnapshotWithoutAFile()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);

        var empty = temp.Catalog.Append("t", [SampleRows.Batch(10, 0)]);

        Assert.Equal(0, empty.Summary.AddedRecords);
        Assert.Equal(0, empty.Summary.AddedFiles);
        Assert.Equal(10, empty.Summary.TotalRecords);
        Assert.Single(temp.FilesOf("t"));
    }

    [Fact]
    public void FirstAppend_WithoutAnyBatch_IsRefusedAndCreatesNothing()
    {
        using var temp = new TempStore(backend, cluster);

        var error = Assert.Throws<InvalidTableArgumentException>(() => temp.Catalog.Append("t", []));

        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
        Assert.False(temp.Catalog.TableExists("t"));
    }

    [Fact]
    public void Overwrite_ReplacesTheRowsAndRecordsWhatItRemoved()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);

        var overwrite = temp.Catalog.Append("t", [SampleRows.Batch(100, 5)], new AppendOptions { Overwrite = true });

        Assert.Equal(SnapshotOperation.Overwrite, overwrite.Operation);
        Assert.Equal(5, overwrite.Summary.TotalRecords);
        Assert.Equal(20, overwrite.Summary.DeletedRecords);
        Assert.Equal(2, overwrite.Summary.DeletedFiles);
        Assert.Equal("20", overwrite.Summary.ToDictionary()["deleted-records"]);
        Assert.Single(overwrite.DataFiles);
        Assert.Equal(SampleRows.Range(100, 5), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
        var next = temp.Catalog.Append("t", [SampleRows.Batch(105, 5)]);
        Assert.Equal(SampleRows.Range(100, 10), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
        Assert.Equal(10, next.Summary.TotalRecords);
    }

    [Fact]
    public void Overwrite_WithNoRows_IsADeleteThatEmptiesTheTable()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);

        var delete = temp.Catalog.Append("t", [SampleRows.Batch(0, 0)], new AppendOptions { Overwrite = true });

        Assert.Equal(SnapshotOperation.Delete, delete.Operation);
        Assert.Equal(0, delete.Summary.TotalRecords);
        Assert.Empty(SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
    }

    [Fact]
    public void TableNames_AreCaseInsensitive_AndKeepTheirFirstSpelling()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("Lab.Telco", [SampleRows.Batch(0, 10)]);

        var snapshot = temp.Catalog.Append("lab.telco", [SampleRows.Batch(10, 10)]);

        Assert.Equal("Lab.Telco", snapshot.Table);
        Assert.True(temp.Catalog.TableExists("LAB.TELCO"));
        Assert.Single(temp.Catalog.ListTables());
        Assert.All(snapshot.DataFiles, f => Assert.StartsWith("tables/Lab.Telco/", f, StringComparison.Ordinal));
    }
}
