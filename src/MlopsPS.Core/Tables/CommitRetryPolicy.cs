using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tables;

/// <summary>
/// How long a catalog write keeps trying to get SQLite's write lock. Iceberg's defaults are 4 retries from
/// 100 ms up to 60 s within 30 minutes; we allow more retries because by the time an append commits, its data
/// file is written, and giving up would throw that work away.
/// </summary>
/// <param name="MaxRetries">Attempts after the first.</param>
/// <param name="MinWait">The first pause; each further one doubles, up to <paramref name="MaxWait"/>.</param>
/// <param name="MaxWait">The longest pause.</param>
/// <param name="TotalTimeout">No new attempt starts after this long.</param>
/// <param name="LockTimeout">How long one attempt waits for the lock (SQLite's busy timeout).</param>
internal sealed record CommitRetryPolicy(int MaxRetries, TimeSpan MinWait, TimeSpan MaxWait, TimeSpan TotalTimeout, TimeSpan LockTimeout)
{
    public static CommitRetryPolicy Default { get; } = new(
        MaxRetries: 10,
        MinWait: TimeSpan.FromMilliseconds(100),
        MaxWait: TimeSpan.FromSeconds(60),
        TotalTimeout: TimeSpan.FromMinutes(30),
        LockTimeout: MlopsStore.BusyTimeout);

    /// <summary>The pause before retry <paramref name="retry"/> (1-based), with jitter so writers do not retry in step.</summary>
    public TimeSpan WaitBefore(int retry)
    {
        var wait = Math.Min(MaxWait.TotalMilliseconds, MinWait.TotalMilliseconds * Math.Pow(2, retry - 1));
        return TimeSpan.FromMilliseconds(wait * (0.9 + (Random.Shared.NextDouble() * 0.2)));
    }
}
