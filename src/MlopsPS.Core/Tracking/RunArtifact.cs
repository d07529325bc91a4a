namespace MlopsPS.Core.Tracking;

/// <summary>A file in a run's artifact folder.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Path">The path relative to the run's artifact folder, with forward slashes (as MLflow).</param>
/// <param name="FullPath">The file on disk.</param>
/// <param name="Length">Its size in bytes.</param>
public sealed record RunArtifact(string RunId, string Path, string FullPath, long Length);
