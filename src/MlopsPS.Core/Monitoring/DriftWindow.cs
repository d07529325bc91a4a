namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Which logged predictions of an endpoint a drift comparison reads: those made in <c>[Since, Until)</c> (open where
/// null), the newest <see cref="Last"/> of them when set.
/// </summary>
/// <param name="Since">The earliest prediction time (UTC, inclusive); null for no lower bound.</param>
/// <param name="Until">The latest prediction time (UTC, exclusive); null for no upper bound.</param>
/// <param name="Last">At most this many predictions, the newest; null for all in the window.</param>
public sealed record DriftWindow(DateTime? Since = null, DateTime? Until = null, int? Last = null)
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

        if (Since is { } since && Until is { } until && since.ToUniversalTime() >= until.ToUniversalTime())
        {
            throw new DriftArgumentException($"The window's start ({since:o}) must come before its end ({until:o}).");
        }
    }
}
