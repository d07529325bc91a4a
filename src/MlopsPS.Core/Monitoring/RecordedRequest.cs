namespace MlopsPS.Core.Monitoring;

/// <summary>One request in a <see cref="PredictionChunk"/>: who answered, its id and latency, and where its rows are.</summary>
/// <remarks>The predictions' time is the time in <see cref="RequestId"/> (a UUID v7 made when the answer was ready).</remarks>
internal readonly record struct RecordedRequest(PredictionSource Source, Guid RequestId, long LatencyUs, int ValueOffset, int RowOffset, int Rows);
