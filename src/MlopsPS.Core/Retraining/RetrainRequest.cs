namespace MlopsPS.Core.Retraining;

/// <summary>Everything a retrain needs: the data, the columns, the split, the booster settings and the run's names.</summary>
public sealed record RetrainRequest
{
    /// <summary>The default seed of the split and of XGBoost, so that a retrain is reproducible unless told otherwise.</summary>
    public const int DefaultSeed = 42;

    /// <summary>The table to read.</summary>
    public required string Table { get; init; }

    /// <summary>Which rows to read; the newest batch by default.</summary>
    public DataSelection Selection { get; init; } = DataSelection.NewestBatch();

    /// <summary>The label column; the dataset's label when the table was made by a synthetic dataset.</summary>
    public string? Label { get; init; }

    /// <summary>The feature columns; the dataset's defaults, else every numeric column but the label.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>What to do with string features.</summary>
    public CategoricalEncoding Encoding { get; init; } = CategoricalEncoding.None;

    /// <summary>The experiment; <c>xgb-&lt;table&gt;</c> by default.</summary>
    public string? Experiment { get; init; }

    /// <summary>The run's name; generated when null.</summary>
    public string? RunName { get; init; }

    /// <summary>The share of rows held out for testing, stratified on the label.</summary>
    public double TestFraction { get; init; } = 0.3;

    /// <summary>The seed of the split and of XGBoost (unless the hyperparameters set <c>seed</c>).</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>XGBoost parameters and loop settings (<c>n_estimators</c>, <c>early_stopping_rounds</c>) that override the defaults.</summary>
    public IDictionary<string, object?>? Hyperparameters { get; init; }

    /// <summary>Extra tags for the run, such as the source tags the cmdlet knows (command line, host).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The experiment name this request uses.</summary>
    public string ExperimentName => string.IsNullOrWhiteSpace(Experiment) ? "xgb-" + Table : Experiment;
}
