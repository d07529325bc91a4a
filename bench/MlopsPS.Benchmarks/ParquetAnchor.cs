using System.Diagnostics;
using System.IO.Compression;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;
using Parquet;
using Parquet.Schema;

namespace MlopsPS.Benchmarks;

/// <summary>
/// The anchor of the New-Batch benchmark: the same telco columns written straight to one Parquet file with
/// Parquet.Net, with the same settings as a table's data files (Snappy, row groups of 100,000 rows). The rows are
/// generated before the clock starts; only the writing is timed.
/// </summary>
internal static class ParquetAnchor
{
    public static object Run(int rows, string path)
    {
        var batches = SyntheticDatasets.Get("TelcoCellTowers").Generate(rows, seed: 1).ToArray();
        Write(batches.Take(1).ToArray(), path + ".warmup"); // JIT and Parquet.Net's first-use costs
        File.Delete(path + ".warmup");

        var clock = Stopwatch.StartNew();
        Write(batches, path);
        var seconds = clock.Elapsed.TotalSeconds;
        return new { rows, seconds, bytes = new FileInfo(path).Length };
    }

    private static void Write(IReadOnlyList<ColumnBatch> batches, string path)
    {
        var schema = batches[0].Schema;
        var fields = schema.Columns.Select(c => new DataField(c.Name, ClrType(c), c.Nullable)).ToArray();
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, CompressionLevel = CompressionLevel.Fastest };
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, options).GetAwaiter().GetResult();
        foreach (var batch in batches)
        {
            using var group = writer.CreateRowGroup();
            for (var i = 0; i < fields.Length; i++)
            {
                WriteColumn(group, fields[i], batch.Columns[i]).GetAwaiter().GetResult();
            }
        }

        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        stream.Flush(flushToDisk: true);
    }

    private static Type ClrType(ColumnSpec column) => column.Type switch
    {
        ColumnType.Int64 => typeof(long),
        ColumnType.Double => typeof(double),
        ColumnType.String => typeof(string),
        _ => throw new NotSupportedException($"The telco anchor does not write {column.Type}."),
    };

    private static Task WriteColumn(ParquetRowGroupWriter group, DataField field, Array values) => values switch
    {
        long[] longs => group.WriteAsync(field, new ReadOnlyMemory<long>(longs), null, null, default),
        double[] doubles => group.WriteAsync(field, new ReadOnlyMemory<double>(doubles), null, null, default),
        string?[] strings => group.WriteAsync(field, new ArraySegment<string>(strings!)),
        _ => throw new NotSupportedException($"The telco anchor does not write {values.GetType().Name}."),
    };
}
