namespace MlopsPS.Core.Training;

/// <summary>
/// The eval metric after one boosting round (Step is the 0-based round); the run logs these as metric history.
/// </summary>
public readonly record struct EvalPoint(int Step, double Value);
