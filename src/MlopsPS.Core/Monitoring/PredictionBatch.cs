using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The predictions of one scoring request, for <see cref="PredictionRecorder.TryRecord(PredictionBatch)"/>, which
/// copies them (the host hands the same values over as spans, without this object).
/// </summary>
/// <param name="Source">Endpoint, deployment and model version.</param>
/// <param name="RequestId">
/// The request's UUID (version 7, made when the answer was ready: its time is the predictions' time); row <c>i</c>'s
/// id is <see cref="PredictionIds.ForRow"/>.
/// </param>
/// <param name="LatencyUs">The request's latency in the host, microseconds: from the start of its handling to the answer written.</param>
/// <param name="Values">The inputs, row-major in model column order (NaN = missing).</param>
/// <param name="Rows">Number of rows.</param>
/// <param name="Probabilities">P(second class label) per row.</param>
public sealed record PredictionBatch(
    PredictionSource Source,
    Guid RequestId,
    long LatencyUs,
    float[] Values,
    int Rows,
    float[] Probabilities)
{
    /// <summary>When the answer was ready, Unix milliseconds: the time in <see cref="RequestId"/>.</summary>
    public long PredictedAtMs => PredictionIds.TimestampOf(RequestId);
}
