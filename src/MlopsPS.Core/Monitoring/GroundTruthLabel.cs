namespace MlopsPS.Core.Monitoring;

/// <summary>A true label for a prediction, as sent later (the lab's <c>track_delayed_metrics</c>).</summary>
/// <param name="PredictionId">The id the endpoint returned with the prediction.</param>
/// <param name="Label">The true class label.</param>
public sealed record GroundTruthLabel(string PredictionId, string Label);
