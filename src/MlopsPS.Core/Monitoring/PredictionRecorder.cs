using System.Diagnostics;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The scoring host's prediction log: requests hand their predictions over with <see cref="TryRecord(PredictionSource, Guid, long, ReadOnlySpan{float}, ReadOnlySpan{float})"/>,
/// which copies them into a block of reused arrays (no I/O, no allocation, a lock held for the copy alone, never a
/// wait), and one background thread writes the blocks to the store, one transaction per batch.
/// </summary>
/// <remarks>
/// <para>Batching: the writer takes what is queued (up to <see cref="PredictionRecorderOptions.MaxBatchRows"/>
/// predictions), writes it, and then gathers for <see cref="PredictionRecorderOptions.FlushInterval"/> before the next
/// write unless a full batch is already waiting. A quiet endpoint's prediction is in the store a moment after its
/// answer; a busy one writes a few thousand predictions per transaction about ten times a second.</para>
/// <para>Share of the machine: after each transaction the writer rests in proportion to the CPU time it used, so that
/// it is busy at most <see cref="PredictionRecorderOptions.MaxBusyFraction"/> of the time (5% of the machine by default);
/// a busy one-row endpoint needs less than that. With a PostgreSQL server on this machine the server's backend does
/// most of the work of a write, so its CPU time for the write counts too (<see cref="BackendCpuClock"/>).</para>
/// <para>Copying rather than keeping references: a request's arrays kept until the writer has written them (a tenth of
/// a second) outlive a young-generation collection and are promoted, which costs every request; copied, they die young
/// as they do with tracking off, and the blocks are reused.</para>
/// <para>Back-pressure: none. When more than <see cref="PredictionRecorderOptions.MaxQueuedRows"/> predictions are
/// waiting (the disk or the store's write lock is slower than the traffic), a request's predictions are dropped, not
/// waited for: serving matters more than its log. Drops are counted (<see cref="Dropped"/>) and logged at most every
/// <see cref="PredictionRecorderOptions.DropReportInterval"/>; a batch the store refuses is counted in
/// <see cref="Failed"/> and logged. <see cref="Dispose"/> writes what is queued before it returns (the host calls it
/// after Kestrel has finished its last request).</para>
/// </remarks>
public sealed class PredictionRecorder : IDisposable
{
    // Blocks of up to 1,024 requests, 4,096 rows and 16,384 input values (128 KiB in all, reused); a larger request
    // gets a block of its own. The writer takes blocks until it has MaxBatchRows rows.
    private const int ChunkRequests = 1024;
    private const int ChunkRows = 4096;
    private const int ChunkValues = 16_384;
    private const int SpareChunks = 32;

    private static readonly TimeSpan s_shutdownWait = TimeSpan.FromSeconds(10);

    private readonly PredictionRecorderOptions _options;
    private readonly Action<string> _log;
    private readonly object _gate = new();
    private readonly Queue<PredictionChunk> _sealed = new();
    private readonly Stack<PredictionChunk> _spare = new();
    private readonly ManualResetEventSlim _pending = new(false);
    private readonly ManualResetEventSlim _stopping = new(false);
    private readonly Thread _writer;
    private readonly MlopsStore _store;
    private PredictionChunk? _current;
    private bool _closed;
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
    /// Whether predictions are recorded. The host checks it before it records a request, so a
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
    /// Queues one request's predictions, copying <paramref name="values"/> (row-major, model column order, NaN =
    /// missing) and <paramref name="probabilities"/> (one per row); returns false, counting them as dropped, when the
    /// queue is full or the recorder has stopped. Never blocks on I/O.
    /// </summary>
    /// <param name="requestId">The request's UUID v7, made when the answer was ready: its time is the predictions' time.</param>
    /// <param name="latencyUs">The request's latency in the host, microseconds.</param>
    public bool TryRecord(PredictionSource source, Guid requestId, long latencyUs, ReadOnlySpan<float> values, ReadOnlySpan<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(source);
        var rows = probabilities.Length;
        if (values.Length != rows * source.Schema.Features.Count)
        {
            throw new ArgumentException($"{rows} rows of {source.Schema.Features.Count} inputs take {rows * source.Schema.Features.Count} values, not {values.Length}.", nameof(values));
        }

        if (Interlocked.Add(ref _queuedRows, rows) > _options.MaxQueuedRows)
        {
            return Drop(rows);
        }

        lock (_gate)
        {
            if (_closed)
            {
                return Drop(rows);
            }

            if (_current is null || !_current.Fits(rows, values.Length))
            {
                if (_current is { RequestCount: > 0 })
                {
                    _sealed.Enqueue(_current);
                }

                _current = TakeChunk(rows, values.Length);
            }

            _current.Add(source, requestId, latencyUs, values, probabilities);
        }

        if (!_pending.IsSet)
        {
            _pending.Set();
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

        lock (_gate)
        {
            _closed = true;
        }

        _stopping.Set();
        _pending.Set();
        if (!_writer.Join(s_shutdownWait))
        {
            // The writer still runs (the store is locked or slow); the process is about to exit and takes it along.
            _log($"prediction log: {QueuedRows} predictions still queued after {s_shutdownWait.TotalSeconds:0} s at shutdown; they are lost");
            return;
        }

        _log($"prediction log: {Written} predictions written in {Batches} transactions, {Dropped} dropped (queue full), {Failed} lost to store errors");
        _stopping.Dispose();
        _pending.Dispose();
    }

    private void WriteLoop()
    {
        PredictionLogWriter? writer = null;
        var taken = new List<PredictionChunk>();
        var reportedDrops = 0L;
        var lastReport = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                _pending.Wait();
                bool closed, moreWaiting;
                var rows = 0;
                lock (_gate)
                {
                    _pending.Reset();
                    // Sealed blocks first, then the one being filled: a quiet endpoint's prediction is written at once.
                    while (rows < _options.MaxBatchRows && _sealed.TryDequeue(out var chunk))
                    {
                        taken.Add(chunk);
                        rows += chunk.RowCount;
                    }

                    if (rows < _options.MaxBatchRows && _current is { RequestCount: > 0 })
                    {
                        taken.Add(_current);
                        rows += _current.RowCount;
                        _current = null;
                    }

                    closed = _closed;
                    moreWaiting = _sealed.Count > 0 || _current is { RequestCount: > 0 };
                    if (moreWaiting || closed)
                    {
                        // Come straight back: for the rest, or (stopping) to find nothing left and end.
                        _pending.Set();
                    }
                }

                if (rows == 0)
                {
                    if (closed)
                    {
                        return;
                    }

                    continue;
                }

                var began = ThreadCpuClock.Now();
                var backendBegan = writer?.BackendCpuTime;
                Write(ref writer, taken, rows);
                // The writer's CPU, and the server backend's for this write when that server shares this machine.
                var busy = ThreadCpuClock.Now() - began;
                if (backendBegan is { } before && writer?.BackendCpuTime is { } after && after > before)
                {
                    busy += after - before;
                }
                Recycle(taken);
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
                var rest = moreWaiting ? TimeSpan.Zero : _options.FlushInterval;
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

    private bool Drop(int rows)
    {
        Interlocked.Add(ref _queuedRows, -rows);
        Interlocked.Add(ref _dropped, rows);
        return false;
    }

    // A block for a request of 'rows' rows and 'values' values: a spare one, a new one, or one of its own if larger.
    private PredictionChunk TakeChunk(int rows, int values)
    {
        if (rows > ChunkRows || values > ChunkValues)
        {
            return new PredictionChunk(1, rows, values);
        }

        return _spare.TryPop(out var spare) ? spare : new PredictionChunk(ChunkRequests, ChunkRows, ChunkValues);
    }

    private void Recycle(List<PredictionChunk> chunks)
    {
        lock (_gate)
        {
            foreach (var chunk in chunks)
            {
                chunk.Clear();
                if (_spare.Count < SpareChunks && chunk.Probabilities.Length == ChunkRows && chunk.Values.Length == ChunkValues)
                {
                    _spare.Push(chunk);
                }
            }
        }

        chunks.Clear();
    }

    private void Write(ref PredictionLogWriter? writer, List<PredictionChunk> batches, int rows)
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
            _log($"prediction log: lost {rows} predictions, the batch could not be written: {(e is SqliteException or Npgsql.NpgsqlException or StoreException or IOException ? e.Message : e.ToString())}");
            // A fresh connection for the next batch, in case this one is in a bad state.
            writer?.Dispose();
            writer = null;
        }
    }
}
