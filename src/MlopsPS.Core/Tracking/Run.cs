namespace MlopsPS.Core.Tracking;

/// <summary>
/// One tracked run: its identity and state, its write-once params, the latest value of each metric and its tags,
/// as MLflow shows a run. <see cref="RunId"/> binds by property name to the cmdlets that take a run.
/// </summary>
public sealed record Run(
    string RunId,
    long ExperimentId,
    string ExperimentName,
    string RunName,
    string UserId,
    RunStatus Status,
    DateTime StartTime,
    DateTime? EndTime,
    string ArtifactUri,
    string LifecycleStage,
    string? ErrorMessage,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>How long the run took (or has taken so far).</summary>
    public TimeSpan Duration => (EndTime ?? DateTime.UtcNow) - StartTime;

    /// <summary>The value of a tag, or null.</summary>
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value : null;
}
