namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The monitoring metrics of one window of an endpoint's predictions by one model version: the lab's aggregate
/// accuracy (<c>track_aggregate_metrics</c>) and <c>read_metrics</c>, computed from the prediction log and the
/// delayed ground truth.
/// </summary>
/// <param name="EndpointName">The endpoint.</param>
/// <param name="ModelName">The registered model.</param>
/// <param name="ModelVersion">Its version.</param>
/// <param name="Start">
/// The window's start (UTC). A time window starts at a multiple of its length since the Unix epoch (5-minute windows
/// start at :00, :05, ...) and ends, exclusive, one length later; a count window (and the whole range) runs from its
/// first prediction to its last, both inclusive.
/// </param>
/// <param name="End">The window's end (UTC).</param>
/// <param name="Predictions">Predictions made in the window (the lab's request count: one per scored row).</param>
/// <param name="Requests">HTTP requests that carried them (a request of many rows counts once).</param>
/// <param name="LatencyP50Ms">Median request latency over the window's predictions, milliseconds (nearest rank).</param>
/// <param name="LatencyP95Ms">95th percentile, milliseconds.</param>
/// <param name="LatencyP99Ms">99th percentile, milliseconds.</param>
/// <param name="Labelled">Predictions of the window whose true label has been recorded.</param>
/// <param name="Accuracy">Correct / labelled; null without labels.</param>
/// <param name="Precision">Of the labelled predictions of the positive class, the share that was right; 0 when none was predicted positive.</param>
/// <param name="Recall">Of the labelled predictions whose truth is the positive class, the share predicted so; 0 when there is none.</param>
/// <param name="F1">The harmonic mean of precision and recall; 0 when both are 0.</param>
/// <param name="PositiveLabel">The class label that precision, recall and F1 are about: the model's second class label.</param>
public sealed record PredictionMetricWindow(
    string EndpointName,
    string ModelName,
    int ModelVersion,
    DateTime Start,
    DateTime End,
    long Predictions,
    long Requests,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    long Labelled,
    double? Accuracy,
    double? Precision,
    double? Recall,
    double? F1,
    string PositiveLabel)
{
    /// <summary>The version, as MLflow writes it.</summary>
    public string ModelUri => $"models:/{ModelName}/{ModelVersion}";
}
