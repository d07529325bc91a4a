namespace MlopsPS.Core.Monitoring;

/// <summary>An endpoint's activity over a window, bucket by bucket (empty buckets included), with totals.</summary>
/// <param name="From">The first bucket's start (UTC); null when nothing was logged.</param>
/// <param name="To">The last bucket's end (UTC); null when nothing was logged.</param>
/// <param name="BucketWidth">The width of a bucket.</param>
/// <param name="Buckets">The buckets, oldest first.</param>
/// <param name="LatencyP50Ms">Median latency over the window.</param>
/// <param name="LatencyP95Ms">95th percentile latency over the window.</param>
/// <param name="LatencyP99Ms">99th percentile latency over the window.</param>
public sealed record ReportActivity(
    DateTime? From,
    DateTime? To,
    TimeSpan BucketWidth,
    IReadOnlyList<ReportActivityBucket> Buckets,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms)
{
    /// <summary>All predictions in the window.</summary>
    public long Predictions => Buckets.Sum(b => b.Predictions);

    /// <summary>All requests in the window.</summary>
    public long Requests => Buckets.Sum(b => b.Requests);

    /// <summary>Predictions with ground truth.</summary>
    public long Labeled => Buckets.Sum(b => b.Labeled);

    /// <summary>The accuracy over all labeled predictions; null without ground truth.</summary>
    public double? Accuracy => Labeled > 0 ? (double)Buckets.Sum(b => b.Correct) / Labeled : null;
}
