namespace MlopsPS.Core.Monitoring;

/// <summary>A true label recorded for a logged prediction, beside what the model predicted.</summary>
/// <param name="PredictionId">The prediction's id.</param>
/// <param name="Label">The true label, as one of the model's class labels.</param>
/// <param name="Prediction">What the model answered.</param>
/// <param name="EndpointName">The endpoint that answered.</param>
/// <param name="ModelName">The registered model.</param>
/// <param name="ModelVersion">Its version.</param>
/// <param name="PredictedAt">When the prediction was made (UTC).</param>
/// <param name="RecordedAt">When the label was recorded (UTC); a later label for the same prediction replaces it.</param>
public sealed record GroundTruth(
    string PredictionId,
    string Label,
    string Prediction,
    string EndpointName,
    string ModelName,
    int ModelVersion,
    DateTime PredictedAt,
    DateTime RecordedAt)
{
    /// <summary>Whether the model was right.</summary>
    public bool Correct => string.Equals(Label, Prediction, StringComparison.Ordinal);

    /// <summary>The version that answered, as MLflow writes it.</summary>
    public string ModelUri => $"models:/{ModelName}/{ModelVersion}";
}
