namespace MlopsPS.Core.Tables;

/// <summary>
/// Parquet.Net 6 is async-only, while the engine's callers (cmdlets, the trainer) are synchronous. Blocking is
/// safe only if no continuation needs the blocked thread, so the synchronization context is cleared for the
/// call: every continuation then runs on the thread pool.
/// </summary>
internal static class SyncOverAsync
{
    public static void Run(Func<Task> action)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            action().GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    public static T Run<T>(Func<Task<T>> action)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return action().GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
