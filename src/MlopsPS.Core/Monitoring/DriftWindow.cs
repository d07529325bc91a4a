namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Which logged predictions of an endpoint a drift comparison reads: those made in <c>[Start, End)</c> (open where
/// null), the newest <see cref="Last"/> of them when set.
/// </summary>
/// <param name="Start">The earliest prediction time (UTC, inclusive); null for no lower bound.</param>
/// <param name="End">The latest prediction time (UTC, exclusive); null for no upper bound.</param>
/// <param name="Last">At most this many predictions, the newest; null for all in the window.</param>
public sealed record DriftWindow(DateTime? Start = null, DateTime? End = null, int? Last = null)
{
    /// <summary>The number of newest predictions read when neither a start nor a count is given.</summary>
    public const int DefaultLast = 1000;

    /// <summary>The default window: the newest <see cref="DefaultLast"/> predictions.</summary>
    public static DriftWindow Default { get; } = new(Last: DefaultLast);

    /// <summary>Throws <see cref="DriftArgumentException"/> for an empty count or an inverted interval.</summary>
    public void Validate()
    {
        if (Last is <= 0)
        {
            throw new DriftArgumentException($"The number of predictions must be positive; got {Last}.");
        }

        if (Start is { } start && End is { } end && start.ToUniversalTime() >= end.ToUniversalTime())
        {
            throw new DriftArgumentException($"The window's start ({start:o}) must come before its end ({end:o}).");
        }
    }
}
