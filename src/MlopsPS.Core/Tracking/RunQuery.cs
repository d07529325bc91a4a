namespace MlopsPS.Core.Tracking;

/// <summary>What <see cref="TrackingStore.SearchRuns"/> looks for: MLflow's search_runs arguments.</summary>
/// <param name="Experiments">Experiment names or ids; all experiments when empty.</param>
/// <param name="Filter">An MLflow filter string such as <c>metrics.roc_auc &gt; 0.7</c>.</param>
/// <param name="OrderBy">Order expressions such as <c>metrics.roc_auc DESC</c>; newest first by default.</param>
/// <param name="MaxResults">At most this many runs.</param>
public sealed record RunQuery(
    IReadOnlyList<string>? Experiments = null,
    string? Filter = null,
    IReadOnlyList<string>? OrderBy = null,
    int MaxResults = 1000);
