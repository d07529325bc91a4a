namespace MlopsPS.Core.Monitoring;

/// <summary>
/// One prediction as the prediction log keeps it (a row of <c>prediction_log</c>), with its delayed ground truth once it
/// arrived. <see cref="PredictionId"/> is the id the endpoint returned to the caller.
/// </summary>
/// <param name="PredictionId">The UUID the caller got.</param>
/// <param name="EndpointName">The endpoint that answered.</param>
/// <param name="DeploymentId">The deployment that was live.</param>
/// <param name="ModelName">The registered model.</param>
/// <param name="ModelVersion">Its version.</param>
/// <param name="PredictedAt">When the answer was ready (UTC, millisecond precision).</param>
/// <param name="Inputs">The inputs, in the model's column order; null = a missing value.</param>
/// <param name="Prediction">The class label returned.</param>
/// <param name="Probability">P(second class label).</param>
/// <param name="LatencyMs">The latency of the request that carried it, in the host, milliseconds.</param>
/// <param name="Label">The true label, once sent (<c>Add-GroundTruth</c>); null until then.</param>
/// <param name="LabelRecordedAt">When the true label was recorded.</param>
public sealed record LoggedPrediction(
    string PredictionId,
    string EndpointName,
    string DeploymentId,
    string ModelName,
    int ModelVersion,
    DateTime PredictedAt,
    IReadOnlyDictionary<string, double?> Inputs,
    string Prediction,
    double Probability,
    double LatencyMs,
    string? Label,
    DateTime? LabelRecordedAt)
{
    /// <summary>The version that answered, as MLflow writes it.</summary>
    public string ModelUri => $"models:/{ModelName}/{ModelVersion}";

    /// <summary>Whether the prediction was right; null until the true label is known.</summary>
    public bool? Correct => Label is null ? null : string.Equals(Label, Prediction, StringComparison.Ordinal);
}
