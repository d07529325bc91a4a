namespace MlopsPS.Core.Retraining;

/// <summary>Where a retrain is: a stage, and during training the boosting round and its eval metric.</summary>
public sealed record RetrainProgress(RetrainStage Stage, int Round = 0, int TotalRounds = 0, double? EvalMetric = null);

/// <summary>The stages of a retrain, in order.</summary>
public enum RetrainStage
{
    /// <summary>Reading the selected rows from the table.</summary>
    Reading,

    /// <summary>Boosting rounds.</summary>
    Training,

    /// <summary>Scoring the test split.</summary>
    Evaluating,

    /// <summary>Writing the model and metadata artifacts.</summary>
    Saving,
}
