namespace MlopsPS.Core.Training;

/// <summary>
/// One value of a metric at a step (the 0-based boosting round), the shape MLflow's metric history uses.
/// </summary>
public readonly record struct MetricPoint(int Step, double Value);
