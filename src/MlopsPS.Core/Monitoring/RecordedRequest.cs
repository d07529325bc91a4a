namespace MlopsPS.Core.Monitoring;

/// <summary>One request in a <see cref="PredictionChunk"/>: who answered, its id and latency, and where its rows are.</summary>
internal readonly record struct RecordedRequest(PredictionSource Source, Guid RequestId, long LatencyUs, int ValueOffset, int RowOffset, int Rows)
{
    /// <summary>When the answer was ready, Unix milliseconds: the time in <see cref="RequestId"/>.</summary>
    public long PredictedAtMs => Serving.Protocol.PredictionIds.TimestampOf(RequestId);
}
