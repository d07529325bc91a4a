using static MlopsPS.Core.Training.XGBoostNative;

namespace MlopsPS.Core.Training;

/// <summary>
/// The libxgboost matrices one training reads (<see cref="XGBoostTrainer.CreateMatrices"/>): the training rows and,
/// optionally, the evaluation rows, each with its labels. libxgboost holds its own copy of the values, so the
/// <see cref="FeatureMatrix"/> objects they were built from are no longer needed once these exist.
/// </summary>
internal sealed class TrainingMatrices : IDisposable
{
    internal TrainingMatrices(SafeDMatrixHandle train, SafeDMatrixHandle? eval, IReadOnlyList<string> columnNames, int evalRows, TimeSpan buildTime)
    {
        Train = train;
        Eval = eval;
        ColumnNames = columnNames;
        EvalRows = evalRows;
        BuildTime = buildTime;
    }

    public SafeDMatrixHandle Train { get; }

    public SafeDMatrixHandle? Eval { get; }

    /// <summary>The feature names, in column order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The number of evaluation rows (0 without an evaluation set).</summary>
    public int EvalRows { get; }

    /// <summary>How long libxgboost took to build both matrices.</summary>
    public TimeSpan BuildTime { get; }

    public void Dispose()
    {
        Train.Dispose();
        Eval?.Dispose();
    }
}
