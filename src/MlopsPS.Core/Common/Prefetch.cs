using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace MlopsPS.Core.Common;

/// <summary>
/// Runs a sequence one step ahead on another thread, so that producing the next item (generating or parsing a
/// batch) overlaps with consuming this one (compressing and writing it). The source runs entirely on the
/// producer thread; its items must not share buffers with each other. An exception in the source surfaces in
/// the consumer, and abandoning the consumer stops the producer.
/// </summary>
public static class Prefetch
{
    /// <summary>Enumerates <paramref name="source"/> with up to <paramref name="depth"/> items produced ahead.</summary>
    public static IEnumerable<T> Ahead<T>(IEnumerable<T> source, int depth = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        using var buffer = new BlockingCollection<T>(depth);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var item in source)
                {
                    buffer.Add(item, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer stopped early or was cancelled: nothing more is wanted.
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                buffer.CompleteAdding();
            }
        });

        try
        {
            foreach (var item in buffer.GetConsumingEnumerable(cancellationToken))
            {
                yield return item;
            }

            producer.Wait(cancellationToken);
            failure?.Throw();
        }
        finally
        {
            stop.Cancel();
            producer.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(30));
        }
    }
}
