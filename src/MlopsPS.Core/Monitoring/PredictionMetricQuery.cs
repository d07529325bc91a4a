namespace MlopsPS.Core.Monitoring;

/// <summary>What <see cref="PredictionMetrics.Compute"/> aggregates, and in which windows.</summary>
/// <param name="EndpointPattern">Endpoint names, with <c>*</c>/<c>?</c> wildcards.</param>
/// <param name="ModelVersion">Only this version of the endpoints' model(s); all when null.</param>
/// <param name="Start">Only predictions made at or after this time.</param>
/// <param name="End">Only predictions made before this time.</param>
/// <param name="WindowSize">Windows of this many consecutive predictions (the last may hold fewer).</param>
/// <param name="Window">Windows of this length, aligned on multiples of it since the Unix epoch; at least 1 ms.</param>
/// <remarks>At most one of <see cref="WindowSize"/> and <see cref="Window"/>; with neither, one window covers the range.</remarks>
public sealed record PredictionMetricQuery(
    string EndpointPattern = "*",
    int? ModelVersion = null,
    DateTime? Start = null,
    DateTime? End = null,
    int? WindowSize = null,
    TimeSpan? Window = null);
