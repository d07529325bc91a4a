namespace MlopsPS.Core.Monitoring;

/// <summary>The prediction log has no prediction with the given id (never made, made with tracking off, or not yet written).</summary>
public sealed class PredictionNotFoundException(string predictionId)
    : MlopsException(
        $"No prediction '{predictionId}' is in the prediction log. Ids come from an endpoint's answers (prediction_ids); an endpoint with tracking off logs none, and a prediction reaches the log about 0.1 s after its answer.",
        MlopsErrorKind.ObjectNotFound)
{
    /// <summary>The id that was not found.</summary>
    public string PredictionId { get; } = predictionId;
}
