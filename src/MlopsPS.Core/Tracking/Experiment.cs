namespace MlopsPS.Core.Tracking;

/// <summary>A named group of runs, as an MLflow experiment.</summary>
public sealed record Experiment(
    long ExperimentId,
    string Name,
    string ArtifactLocation,
    string LifecycleStage,
    DateTime CreationTime,
    DateTime LastUpdateTime,
    int RunCount);
