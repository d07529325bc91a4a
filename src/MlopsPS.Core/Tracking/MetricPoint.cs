namespace MlopsPS.Core.Tracking;

/// <summary>One logged value of a metric: MLflow keeps every one, so a metric has a history over steps.</summary>
public sealed record MetricPoint(string RunId, string Key, double Value, DateTime Timestamp, long Step);
