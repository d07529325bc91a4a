namespace MlopsPS.Core.Monitoring;

/// <summary>
/// An endpoint's activity in one time bucket: predictions and requests logged, their latency percentiles, and how many of them have
/// a true label and how many of those were right.
/// </summary>
/// <param name="Start">The bucket's start (UTC).</param>
/// <param name="Predictions">Predictions logged in the bucket (one per scored row).</param>
/// <param name="Requests">HTTP requests that carried them.</param>
/// <param name="LatencyP50Ms">Median latency in milliseconds; null without predictions.</param>
/// <param name="LatencyP95Ms">95th percentile latency in milliseconds.</param>
/// <param name="LatencyP99Ms">99th percentile latency in milliseconds.</param>
/// <param name="Labeled">Predictions with ground truth.</param>
/// <param name="Correct">Labeled predictions whose class equals the true label.</param>
public sealed record ReportActivityBucket(
    DateTime Start, long Predictions, long Requests, double? LatencyP50Ms, double? LatencyP95Ms, double? LatencyP99Ms, long Labeled, long Correct)
{
    /// <summary>The share of labeled predictions that were right; null without ground truth.</summary>
    public double? Accuracy => Labeled > 0 ? (double)Correct / Labeled : null;
}
