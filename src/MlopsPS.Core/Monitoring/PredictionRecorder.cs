using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The scoring host's prediction log: requests hand their predictions over with <see cref="TryRecord"/>, which only
/// enqueues (no I/O, no lock held across I/O, never a wait), and one background thread writes them to the store in
/// batches, one transaction per batch.
/// </summary>
/// <remarks>
/// <para>Batching: the writer takes what is queued (up to <see cref="PredictionRecorderOptions.MaxBatchRows"/>
/// predictions), writes it, and then gathers for <see cref="PredictionRecorderOptions.FlushInterval"/> before the next
/// write unless a full batch is already waiting. A quiet endpoint's prediction is in the store a moment after its
/// answer; a busy one writes a few thousand predictions per transaction about ten times a second.</para>
/// <para>Share of the machine: after each transaction the writer rests in proportion to the CPU time it used, so that
/// it is busy at most <see cref="PredictionRecorderOptions.MaxBusyFraction"/> of the time (5% of the machine by default);
/// a busy one-row endpoint needs less than that.</para>
/// <para>Back-pressure: none. When more than <see cref="PredictionRecorderOptions.MaxQueuedRows"/> predictions are
/// waiting (the disk or the store's write lock is slower than the traffic), a request's predictions are dropped, not
/// waited for: serving matters more than its log. Drops are counted (<see cref="Dropped"/>) and logged at most every
/// <see cref="PredictionRecorderOptions.DropReportInterval"/>; a batch the store refuses is counted in
/// <see cref="Failed"/> and logged. <see cref="Dispose"/> writes what is queued before it returns (the host calls it
/// after Kestrel has finished its last request).</para>
/// </remarks>
public sealed class PredictionRecorder : IDisposable
{
    private static readonly TimeSpan s_shutdownWait = TimeSpan.FromSeconds(10);

    private readonly PredictionRecorderOptions _options;
    private readonly Action<string> _log;
    private readonly Channel<PredictionBatch> _queue = Channel.CreateUnbounded<PredictionBatch>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ManualResetEventSlim _stopping = new(false);
    private readonly Thread _writer;
    private readonly MlopsStore _store;
    private long _queuedRows;
    private long _written;
    private long _dropped;
    private long _failed;
    private long _batches;
    private volatile bool _enabled;
    private int _disposed;

    /// <summary>Starts the background writer for <paramref name="store"/>.</summary>
    /// <param name="enabled">Whether the host records predictions (the endpoint's <c>tracking_enabled</c>).</param>
    /// <param name="log">Where the writer reports drops and failures (the host log).</param>
    public PredictionRecorder(MlopsStore store, bool enabled, PredictionRecorderOptions? options = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _enabled = enabled;
        _options = options ?? new PredictionRecorderOptions();
        _log = log ?? (_ => { });
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "MlopsPS prediction log" };
        _writer.Start();
    }

    /// <summary>
    /// Whether predictions are recorded. The host checks it before it builds a <see cref="PredictionBatch"/>, so a
    /// switched-off endpoint pays one volatile read per request; the manager switches it live.
    /// </summary>
    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    /// <summary>Predictions written to the store so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Predictions dropped because the queue was full (or the recorder was shutting down).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Predictions lost because the store refused their batch.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Transactions written so far (each holds one or more requests' predictions).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Predictions waiting to be written.</summary>
    public long QueuedRows => Interlocked.Read(ref _queuedRows);

    /// <summary>
    /// Queues one request's predictions; returns false, counting them as dropped, when the queue is full. Never
    /// blocks. The arrays in <paramref name="batch"/> must not change afterwards.
    /// </summary>
    public bool TryRecord(PredictionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (Interlocked.Add(ref _queuedRows, batch.Rows) > _options.MaxQueuedRows)
        {
            Interlocked.Add(ref _queuedRows, -batch.Rows);
            Interlocked.Add(ref _dropped, batch.Rows);
            return false;
        }

        if (!_queue.Writer.TryWrite(batch))
        {
            // Shutting down: the writer has taken its last items.
            Interlocked.Add(ref _queuedRows, -batch.Rows);
            Interlocked.Add(ref _dropped, batch.Rows);
            return false;
        }

        return true;
    }

    /// <summary>Writes what is queued (waiting up to 10 seconds), stops the writer and logs the totals.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _stopping.Set();
        if (!_writer.Join(s_shutdownWait))
        {
            // The writer still runs (the store is locked or slow); the process is about to exit and takes it along.
            _log($"prediction log: {QueuedRows} predictions still queued after {s_shutdownWait.TotalSeconds:0} s at shutdown; they are lost");
            return;
        }

        _log($"prediction log: {Written} predictions written in {Batches} transactions, {Dropped} dropped (queue full), {Failed} lost to store errors");
        _stopping.Dispose();
    }

    private void WriteLoop()
    {
        PredictionLogWriter? writer = null;
        var reader = _queue.Reader;
        var pending = new List<PredictionBatch>();
        var reportedDrops = 0L;
        var lastReport = Stopwatch.GetTimestamp();
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                var rows = 0;
                while (rows < _options.MaxBatchRows && reader.TryRead(out var batch))
                {
                    pending.Add(batch);
                    rows += batch.Rows;
                }

                var began = ThreadCpuClock.Now();
                Write(ref writer, pending, rows);
                var busy = ThreadCpuClock.Now() - began;
                pending.Clear();
                Interlocked.Add(ref _queuedRows, -rows);

                var dropped = Dropped;
                if (dropped != reportedDrops && Stopwatch.GetElapsedTime(lastReport) >= _options.DropReportInterval)
                {
                    _log($"prediction log: dropped {dropped - reportedDrops} predictions since the last report (queue full at {_options.MaxQueuedRows} predictions: the store is slower than the traffic)");
                    reportedDrops = dropped;
                    lastReport = Stopwatch.GetTimestamp();
                }

                // Rest: within the writer's share of a core, and gathering for the next batch unless a full one is
                // waiting. At shutdown, no rest: what is queued is written at once.
                var rest = rows < _options.MaxBatchRows ? _options.FlushInterval : TimeSpan.Zero;
                if (_options.MaxBusyFraction < 1)
                {
                    var share = Math.Clamp(_options.MaxBusyFraction, 0.01, 1);
                    rest = TimeSpan.FromTicks(Math.Max(rest.Ticks, (long)(busy.Ticks * (1 - share) / share)));
                }

                if (rest > TimeSpan.Zero && !_stopping.IsSet)
                {
                    _stopping.Wait(rest);
                }
            }
        }
        finally
        {
            writer?.Dispose();
        }
    }

    private void Write(ref PredictionLogWriter? writer, List<PredictionBatch> batches, int rows)
    {
        try
        {
            writer ??= new PredictionLogWriter(_store);
            Interlocked.Add(ref _written, writer.Write(batches));
            Interlocked.Increment(ref _batches);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever went wrong (the store, or a bug here), the log loses this batch, not the host its life: an
            // exception escaping this thread would end the process and every request with it.
            Interlocked.Add(ref _failed, rows);
            _log($"prediction log: lost {rows} predictions, the batch could not be written: {(e is SqliteException or IOException ? e.Message : e.ToString())}");
            // A fresh connection for the next batch, in case this one is in a bad state.
            writer?.Dispose();
            writer = null;
        }
    }
}
