using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Writes batches of predictions to the prediction log (<c>prediction_log</c> and <c>prediction_sources</c>, migration
/// 0007): one transaction per batch, through one connection kept for the writer's life. Not thread-safe: the
/// recorder's background writer is its only caller.
/// </summary>
/// <remarks>
/// The fastest bulk path differs by engine, so this is the one place of the log with a writer per engine: SQLite binds
/// through its C API into multi-row statements prepared once (<see cref="SqlitePredictionLogWriter"/>); PostgreSQL
/// streams the batch with binary <c>COPY</c> (<see cref="PostgreSqlPredictionLogWriter"/>). Both make a model's row
/// in <c>prediction_sources</c> on its first prediction, in the batch's transaction.
/// </remarks>
internal sealed class PredictionLogWriter : IDisposable
{
    /// <summary>Rows per multi-row INSERT statement on SQLite.</summary>
    public const int RowsPerStatement = SqlitePredictionLogWriter.RowsPerStatement;

    private readonly IPredictionLogWriter _writer;

    public PredictionLogWriter(MlopsStore store)
    {
        _writer = store.Backend == StoreBackend.Sqlite
            ? new SqlitePredictionLogWriter(store)
            : new PostgreSqlPredictionLogWriter(store);
    }

    /// <inheritdoc cref="IPredictionLogWriter.BackendCpuTime"/>
    public TimeSpan? BackendCpuTime => _writer.BackendCpuTime;

    /// <summary>Writes every row of <paramref name="chunks"/> in one transaction; returns the rows written.</summary>
    public int Write(IReadOnlyList<PredictionChunk> chunks) => _writer.Write(chunks);

    public void Dispose() => _writer.Dispose();
}
