namespace MlopsPS.Core.Monitoring;

/// <summary>One engine's way of writing batches of predictions (see <see cref="PredictionLogWriter"/>).</summary>
internal interface IPredictionLogWriter : IDisposable
{
    /// <summary>
    /// The CPU time another process on this machine has spent on this writer's writes so far: a database server's
    /// backend on loopback, which parses and stores the rows the writer only sends. Null when no such process does
    /// (SQLite works on the writer's thread) or its time cannot be read.
    /// </summary>
    TimeSpan? BackendCpuTime { get; }

    /// <summary>Writes every row of <paramref name="chunks"/> in one transaction; returns the rows written.</summary>
    int Write(IReadOnlyList<PredictionChunk> chunks);
}
