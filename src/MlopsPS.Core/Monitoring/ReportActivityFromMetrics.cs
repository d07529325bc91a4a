namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The report's activity from the monitoring metrics (<see cref="PredictionMetrics"/>): one query over the whole window
/// for the totals and the span, then time windows of the chosen width, merged across model versions and padded with empty
/// buckets so the charts keep a regular time axis.
/// </summary>
/// <remarks>
/// The metrics keep one window per model version, since versions interleave around a redeploy. Merging them is exact for
/// counts and accuracy (labelled-weighted); for a latency percentile the report shows the larger of the versions' values,
/// an upper bound of the merged percentile, which is exact whenever one version served the bucket.
/// </remarks>
public sealed class ReportActivityFromMetrics(PredictionMetrics metrics) : IReportActivitySource
{
    /// <summary>The most buckets a chart gets when the width is chosen automatically.</summary>
    public const int MaxAutoBuckets = 60;

    /// <summary>The most buckets allowed at all (a width asked for that is too narrow for the span is refused).</summary>
    public const int MaxBuckets = 2000;

    private static readonly TimeSpan[] s_widths =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
        TimeSpan.FromDays(1), TimeSpan.FromDays(7),
    ];

    /// <inheritdoc />
    public ReportActivity Read(string endpointName, DateTime? start, DateTime? end, TimeSpan? bucketWidth)
    {
        ArgumentNullException.ThrowIfNull(endpointName);
        if (bucketWidth is { } asked && asked < TimeSpan.FromSeconds(1))
        {
            throw new ReportArgumentException($"A time bucket must be at least one second wide; got {asked}.");
        }

        // The endpoint's name as a pattern: names cannot hold the wildcards, and '[' is escaped by the metrics query.
        var whole = metrics.Compute(new PredictionMetricQuery(endpointName, Start: start, End: end));
        if (whole.Count == 0)
        {
            return new ReportActivity(null, null, bucketWidth ?? s_widths[0], [], null, null, null);
        }

        var from = start ?? whole.Min(w => w.Start);
        var to = end ?? whole.Max(w => w.End).AddMilliseconds(1);
        var width = bucketWidth ?? ChooseWidth(to - from);
        var first = Floor(from, width);
        var count = (int)Math.Min(long.MaxValue, (Floor(to.AddTicks(-1), width) - first).Ticks / width.Ticks) + 1;
        if (count > MaxBuckets)
        {
            throw new ReportArgumentException(
                $"Buckets of {width} over {to - from} make more than {MaxBuckets} points; choose a wider bucket.");
        }

        var windows = metrics.Compute(new PredictionMetricQuery(endpointName, Start: start, End: end, Window: width))
            .ToLookup(w => w.Start);
        var buckets = Enumerable.Range(0, count)
            .Select(i => first + (width * i))
            .Select(start => Merge(start, windows[start].ToArray()))
            .ToArray();
        var total = Merge(first, whole.ToArray());
        return new ReportActivity(first, first + (width * count), width, buckets, total.LatencyP50Ms, total.LatencyP95Ms, total.LatencyP99Ms);
    }

    /// <summary>The narrowest of the usual widths (1 minute .. 1 week) that gives fewer than <see cref="MaxAutoBuckets"/> buckets.</summary>
    public static TimeSpan ChooseWidth(TimeSpan span) =>
        s_widths.FirstOrDefault(w => span.Ticks / w.Ticks < MaxAutoBuckets, s_widths[^1]);

    private static ReportActivityBucket Merge(DateTime start, PredictionMetricWindow[] versions)
    {
        if (versions.Length == 0)
        {
            return new ReportActivityBucket(start, 0, 0, null, null, null, 0, 0);
        }

        var labelled = versions.Sum(v => v.Labelled);
        var correct = versions.Sum(v => (long)Math.Round((v.Accuracy ?? 0) * v.Labelled));
        return new ReportActivityBucket(
            start, versions.Sum(v => v.Predictions), versions.Sum(v => v.Requests),
            versions.Max(v => v.LatencyP50Ms), versions.Max(v => v.LatencyP95Ms), versions.Max(v => v.LatencyP99Ms),
            labelled, correct);
    }

    /// <summary>The start of the <paramref name="width"/>-aligned bucket (multiples since the Unix epoch, as the metric windows) holding <paramref name="at"/>.</summary>
    private static DateTime Floor(DateTime at, TimeSpan width)
    {
        var sinceEpoch = (at - DateTime.UnixEpoch).Ticks;
        var floored = sinceEpoch - (((sinceEpoch % width.Ticks) + width.Ticks) % width.Ticks);
        return new DateTime(DateTime.UnixEpoch.Ticks + floored, DateTimeKind.Utc);
    }
}
