using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// One scoring request's predictions as the tests build them, recorded with
/// <see cref="PredictionBatchRecording.TryRecord"/> through the recorder's own entry point (the one the host calls).
/// </summary>
/// <param name="Source">Endpoint, deployment and model version.</param>
/// <param name="RequestId">The request's UUID v7: its time is the predictions' time.</param>
/// <param name="LatencyUs">The request's latency in the host, microseconds.</param>
/// <param name="Values">The inputs, row-major in model column order (NaN = missing).</param>
/// <param name="Rows">Number of rows.</param>
/// <param name="Probabilities">P(second class label) per row.</param>
internal sealed record PredictionBatch(
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

/// <summary>Records a <see cref="PredictionBatch"/>.</summary>
internal static class PredictionBatchRecording
{
    public static bool TryRecord(this PredictionRecorder recorder, PredictionBatch batch) =>
        recorder.TryRecord(batch.Source, batch.RequestId, batch.LatencyUs,
            batch.Values.AsSpan(0, batch.Rows * batch.Source.Schema.Features.Count), batch.Probabilities.AsSpan(0, batch.Rows));
}
