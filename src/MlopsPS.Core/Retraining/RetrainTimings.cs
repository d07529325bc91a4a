namespace MlopsPS.Core.Retraining;

/// <summary>
/// Where one retrain's time went, phase by phase, measured by the engine as it runs (a stopwatch per phase), so a
/// slow retrain explains itself. The phases do not overlap; <see cref="Other"/> is the rest of <see cref="Total"/>.
/// </summary>
public sealed record RetrainTimings
{
    /// <summary>Finding the table and snapshots, planning the scan and checking the columns.</summary>
    public TimeSpan Plan { get; init; }

    /// <summary>Reading the label column, then the features straight into the train and test matrices, from the Parquet files.</summary>
    public TimeSpan Scan { get; init; }

    /// <summary>The stratified split of the rows, and each side's labels.</summary>
    public TimeSpan Split { get; init; }

    /// <summary>
    /// Building libxgboost's training and test matrices and, for float matrices of 8 MB or more, the two blocking
    /// collections around it: one of the scan's garbage before, one that hands the float matrices back after.
    /// </summary>
    public TimeSpan DMatrix { get; init; }

    /// <summary>The boosting rounds, with the test split evaluated after each.</summary>
    public TimeSpan Rounds { get; init; }

    /// <summary>The test metrics (accuracy, recall, precision, f1, roc_auc, logloss).</summary>
    public TimeSpan Metrics { get; init; }

    /// <summary>Writing the artifacts: the model's JSON, the MLmodel file and the gain importance.</summary>
    public TimeSpan ModelSave { get; init; }

    /// <summary>Recording the run in the catalog: start, params, tags, metrics, end.</summary>
    public TimeSpan RunRecords { get; init; }

    /// <summary>The whole retrain, from the request to the finished run.</summary>
    public TimeSpan Total { get; init; }

    /// <summary>
    /// How long the garbage collector paused the process during the retrain; not a phase of its own but part of the
    /// phases it fell in (a collection is due when the process has allocated enough, so it can land in any of them).
    /// </summary>
    public TimeSpan GcPause { get; init; }

    /// <summary>What no phase accounts for (the gaps between them).</summary>
    public TimeSpan Other => Total - (Plan + Scan + Split + DMatrix + Rounds + Metrics + ModelSave + RunRecords);
}
