namespace MlopsPS.Core.Monitoring;

/// <summary>One engine's way of writing batches of predictions (see <see cref="PredictionLogWriter"/>).</summary>
internal interface IPredictionLogWriter : IDisposable
{
    /// <summary>Writes every row of <paramref name="chunks"/> in one transaction; returns the rows written.</summary>
    int Write(IReadOnlyList<PredictionChunk> chunks);
}
