namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Where the report gets an endpoint's activity over time (volume, latency, accuracy per time bucket). An interface so
/// that the report does not own a metrics engine: <see cref="ReportActivityFromMetrics"/> reads the monitoring metric
/// windows, and a test or another store can supply its own.
/// </summary>
public interface IReportActivitySource
{
    /// <summary>
    /// The activity of <paramref name="endpointName"/> in <c>[start, end)</c> (open where null), in buckets of
    /// <paramref name="bucketWidth"/> (chosen from the span when null).
    /// </summary>
    ReportActivity Read(string endpointName, DateTime? start, DateTime? end, TimeSpan? bucketWidth);
}
