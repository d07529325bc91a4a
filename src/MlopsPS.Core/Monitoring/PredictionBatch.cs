namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The predictions of one scoring request, as the host hands them to the <see cref="PredictionRecorder"/>: references
/// to the arrays the request already made (nothing is copied on the request path), expanded into one logged
/// prediction per row by the background writer.
/// </summary>
/// <param name="Source">Endpoint, deployment and model version.</param>
/// <param name="RequestId">The request's UUID; row <c>i</c>'s id is <see cref="Serving.Protocol.PredictionIds.ForRow"/>.</param>
/// <param name="PredictedAtMs">When the answer was ready, Unix milliseconds.</param>
/// <param name="LatencyUs">The request's latency in the host, microseconds: from the start of its handling to the answer written.</param>
/// <param name="Values">The inputs, row-major in model column order (NaN = missing). Must not change afterwards.</param>
/// <param name="Rows">Number of rows.</param>
/// <param name="Probabilities">P(second class label) per row. Must not change afterwards.</param>
public sealed record PredictionBatch(
    PredictionSource Source,
    Guid RequestId,
    long PredictedAtMs,
    long LatencyUs,
    float[] Values,
    int Rows,
    float[] Probabilities);
