using MlopsPS.Core.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The report's activity straight from the prediction log (<c>predictions</c> joined with <c>ground_truth</c>): one pass
/// over the endpoint's rows in the window, ordered by time, aggregated per bucket in memory. Latency percentiles are
/// nearest-rank (<c>x(ceil(p n))</c>) over predictions, so a request of many rows weighs as many predictions.
/// </summary>
public sealed class ReportActivityQuery(MlopsStore store) : IReportActivitySource
{
    /// <summary>The most buckets a chart gets when the width is chosen automatically.</summary>
    public const int MaxAutoBuckets = 60;

    /// <summary>The most buckets allowed at all (a width asked for that is too small for the span is refused).</summary>
    public const int MaxBuckets = 2000;

    private static readonly TimeSpan[] s_widths =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
        TimeSpan.FromDays(1), TimeSpan.FromDays(7),
    ];

    /// <inheritdoc />
    public ReportActivity Read(string endpointName, DateTime? since, DateTime? until, TimeSpan? bucketWidth)
    {
        ArgumentNullException.ThrowIfNull(endpointName);
        if (bucketWidth is { } asked && asked < TimeSpan.FromSeconds(1))
        {
            throw new ReportArgumentException($"A time bucket must be at least one second wide; got {asked}.");
        }

        var rows = ReadRows(endpointName, since, until);
        if (rows.Count == 0)
        {
            return new ReportActivity(null, null, bucketWidth ?? s_widths[0], [], null, null, null);
        }

        var fromMs = since is { } s ? UnixTime.ToMs(s) : rows[0].AtMs;
        var toMs = until is { } u ? UnixTime.ToMs(u) : rows[^1].AtMs + 1;
        var width = bucketWidth ?? ChooseWidth(TimeSpan.FromMilliseconds(Math.Max(1, toMs - fromMs)));
        var widthMs = (long)width.TotalMilliseconds;
        var firstBucket = Math.DivRem(fromMs, widthMs, out var remainder) - (remainder < 0 ? 1 : 0);
        var lastBucket = Math.DivRem(toMs - 1, widthMs, out remainder) - (remainder < 0 ? 1 : 0);
        if (lastBucket - firstBucket + 1 > MaxBuckets)
        {
            throw new ReportArgumentException(
                $"Buckets of {width} over {TimeSpan.FromMilliseconds(toMs - fromMs)} make more than {MaxBuckets} points; choose a wider bucket.");
        }

        var buckets = new List<ReportActivityBucket>();
        var all = new List<long>(rows.Count);
        var index = 0;
        for (var bucket = firstBucket; bucket <= lastBucket; bucket++)
        {
            var endMs = (bucket + 1) * widthMs;
            var latencies = new List<long>();
            long labeled = 0, correct = 0;
            while (index < rows.Count && rows[index].AtMs < endMs)
            {
                var row = rows[index++];
                latencies.Add(row.LatencyUs);
                if (row.TrueLabel is { } label)
                {
                    labeled++;
                    correct += string.Equals(label, row.Prediction, StringComparison.Ordinal) ? 1 : 0;
                }
            }

            all.AddRange(latencies);
            latencies.Sort();
            buckets.Add(new ReportActivityBucket(
                UnixTime.ToDateTime(bucket * widthMs), latencies.Count,
                PercentileMs(latencies, 0.50), PercentileMs(latencies, 0.95), PercentileMs(latencies, 0.99), labeled, correct));
        }

        all.Sort();
        return new ReportActivity(
            UnixTime.ToDateTime(firstBucket * widthMs), UnixTime.ToDateTime((lastBucket + 1) * widthMs), width, buckets,
            PercentileMs(all, 0.50), PercentileMs(all, 0.95), PercentileMs(all, 0.99));
    }

    /// <summary>The narrowest of the usual widths (1 minute .. 1 week) that gives at most <see cref="MaxAutoBuckets"/> buckets.</summary>
    public static TimeSpan ChooseWidth(TimeSpan span) =>
        s_widths.FirstOrDefault(w => span.Ticks / w.Ticks < MaxAutoBuckets, s_widths[^1]);

    /// <summary>The nearest-rank percentile of sorted microsecond latencies, in milliseconds.</summary>
    internal static double? PercentileMs(List<long> sortedMicroseconds, double p)
    {
        if (sortedMicroseconds.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(p * sortedMicroseconds.Count);
        return sortedMicroseconds[Math.Clamp(rank, 1, sortedMicroseconds.Count) - 1] / 1000.0;
    }

    private List<Row> ReadRows(string endpointName, DateTime? since, DateTime? until)
    {
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT p.predicted_at, p.latency_us, p.prediction, g.label
            FROM predictions p LEFT JOIN ground_truth g ON g.prediction_id = p.prediction_id
            WHERE p.endpoint_name = $endpoint AND p.predicted_at >= $since AND p.predicted_at < $until
            ORDER BY p.predicted_at;
            """;
        command.Parameters.AddWithValue("$endpoint", endpointName);
        command.Parameters.AddWithValue("$since", since is { } s ? UnixTime.ToMs(s) : long.MinValue);
        command.Parameters.AddWithValue("$until", until is { } u ? UnixTime.ToMs(u) : long.MaxValue);
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            rows.Add(new Row(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return rows;
    }

    private readonly record struct Row(long AtMs, long LatencyUs, string Prediction, string? TrueLabel);
}
