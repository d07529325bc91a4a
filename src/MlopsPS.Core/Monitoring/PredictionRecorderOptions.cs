namespace MlopsPS.Core.Monitoring;

/// <summary>How the <see cref="PredictionRecorder"/> batches its writes and how much it queues before it drops.</summary>
public sealed record PredictionRecorderOptions
{
    /// <summary>
    /// How long the writer gathers predictions before it writes them (one transaction); default 100 ms. A prediction
    /// reaches the store at most about this long after its answer, unless the writer is behind.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most predictions written in one transaction; a full batch is written without waiting. Default 4096.</summary>
    public int MaxBatchRows { get; init; } = 4096;

    /// <summary>
    /// The most predictions waiting to be written (default 1,000,000). Beyond it a request's predictions are dropped
    /// and counted, never waited for: a slow disk must not slow the endpoint.
    /// </summary>
    public int MaxQueuedRows { get; init; } = 1_000_000;

    /// <summary>
    /// The largest share of its time the writer spends writing: after a transaction that used t of CPU, it rests at least
    /// t x (1 - share) / share. The default is <see cref="DefaultMaxBusyFraction"/>: 5% of the machine's processors
    /// (0.1 of a core on 2 processors, 0.4 on 8, never more than the one core the writer has), so that when
    /// the traffic is more than that budget can log (a stream of large batches), serving keeps 95% of the machine and
    /// what does not fit is dropped and counted. 1 lets the writer run flat out.
    /// </summary>
    public double MaxBusyFraction { get; init; } = DefaultMaxBusyFraction;

    /// <summary>5% of the machine's processors, as a share of the writer's one thread (at most 1).</summary>
    public static double DefaultMaxBusyFraction => Math.Min(1, 0.05 * Environment.ProcessorCount);

    /// <summary>How often the count of dropped predictions is logged while drops happen; default 10 seconds.</summary>
    public TimeSpan DropReportInterval { get; init; } = TimeSpan.FromSeconds(10);
}
