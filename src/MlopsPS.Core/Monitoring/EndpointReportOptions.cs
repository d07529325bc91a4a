namespace MlopsPS.Core.Monitoring;

/// <summary>What an endpoint report covers.</summary>
public sealed record EndpointReportOptions
{
    /// <summary>The start of the activity charts and of the drift window (UTC, inclusive); null for the first prediction.</summary>
    public DateTime? Start { get; init; }

    /// <summary>The end (UTC, exclusive); null for after the last prediction.</summary>
    public DateTime? End { get; init; }

    /// <summary>The width of a time bucket; chosen from the span when null (at most 60 buckets).</summary>
    public TimeSpan? BucketWidth { get; init; }

    /// <summary>How many of the newest predictions in the window the drift section compares with the training rows.</summary>
    public int DriftLast { get; init; } = DriftWindow.DefaultLast;

    /// <summary>The drift thresholds.</summary>
    public DriftThresholds Thresholds { get; init; } = DriftThresholds.Default;
}
