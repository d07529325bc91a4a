using System.Diagnostics;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Benchmarks;

/// <summary>
/// Reading a table's newest 1,440-row batch the way Invoke-Retrain does (an incremental read from the current
/// snapshot's parent, or the whole snapshot when it has none), on a table with <c>snapshots</c> snapshots. The
/// benchmark script runs it for 1 and for 1,000 snapshots: the cost must follow the batch, not the history.
/// </summary>
internal static class NewestBatchRead
{
    private const int BatchRows = 1440;

    public static object Run(int snapshots, string directory, int reads)
    {
        var store = MlopsStore.Open(directory);
        var catalog = new TableCatalog(store);
        var dataset = SyntheticDatasets.Get("TelcoCellTowers");
        for (var i = 0; i < snapshots; i++)
        {
            catalog.Append("telco", dataset.Generate(BatchRows, seed: i + 1), new AppendOptions { Dataset = dataset.Name });
        }

        for (var i = 0; i < 50; i++)
        {
            ReadNewestBatch(catalog); // warm-up: JIT tiers, SQLite page cache
        }

        var timings = new double[reads];
        for (var i = 0; i < reads; i++)
        {
            var clock = Stopwatch.StartNew();
            var rows = ReadNewestBatch(catalog);
            timings[i] = clock.Elapsed.TotalMilliseconds;
            if (rows != BatchRows)
            {
                throw new InvalidOperationException($"Read {rows} rows, expected {BatchRows}.");
            }
        }

        Array.Sort(timings);
        return new { snapshots, rows = BatchRows, median_ms = timings[reads / 2], p90_ms = timings[reads * 9 / 10] };
    }

    private static long ReadNewestBatch(TableCatalog catalog)
    {
        var current = catalog.CurrentSnapshot("telco");
        var spec = current.ParentId is long parent ? ScanSpec.Incremental(parent, current.SnapshotId) : ScanSpec.AsOfSnapshot(current.SnapshotId);
        long rows = 0;
        foreach (var batch in catalog.Scan("telco", spec).ReadBatches())
        {
            rows += batch.RowCount;
        }

        return rows;
    }
}
