using System.Diagnostics;
using System.Globalization;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Benchmarks;

/// <summary>
/// One writer process of the concurrent-commit benchmark (bench/sections/15-Store.ps1): waits for the common start,
/// then appends <c>commits</c> batches of <c>rows</c> rows to one table, each a snapshot commit, and reports when it
/// started and finished (Unix ms) so the script can take the rate over the wall time all writers shared.
/// </summary>
internal static class CommitWriter
{
    public static object Run(string location, string table, int writer, int commits, int rows, long startAtMs)
    {
        var store = MlopsStore.Open(StoreLocation.Parse(location, Environment.CurrentDirectory));
        var catalog = new TableCatalog(store);
        var schema = new TableSchema([new ColumnSpec("writer", ColumnType.Int32), new ColumnSpec("value", ColumnType.Double)]);
        var warm = DateTimeOffset.FromUnixTimeMilliseconds(startAtMs) - DateTimeOffset.UtcNow;
        if (warm > TimeSpan.Zero)
        {
            Thread.Sleep(warm);
        }

        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < commits; i++)
        {
            var writers = new int[rows];
            var values = new double[rows];
            Array.Fill(writers, writer);
            for (var r = 0; r < rows; r++)
            {
                values[r] = (i * rows) + r;
            }

            catalog.Append(table, [new ColumnBatch(schema, [writers, values], rows)]);
        }

        return new
        {
            writer,
            commits,
            started_ms = started,
            finished_ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            seconds = clock.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
        };
    }
}
