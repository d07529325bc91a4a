namespace MlopsPS.Core.Training;

/// <summary>
/// Reported after each boosting round. <paramref name="Round"/> counts from 1 so that
/// Round / TotalRounds is the fraction done; the metric is that round's value on the evaluation set
/// (null when training has none).
/// </summary>
public sealed record TrainingProgress(int Round, int TotalRounds, string? MetricName, double? MetricValue);
