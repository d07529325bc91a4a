namespace MlopsPS.Core.Monitoring;

/// <summary>
/// A block of recorded requests waiting for the prediction log's writer: their inputs and probabilities copied into
/// arrays the recorder reuses, so that a request's own arrays die young (as they do with tracking off) instead of
/// living on, promoted by the garbage collector, until the writer has written them.
/// </summary>
/// <remarks>Filled under the recorder's lock, read by the writer alone once sealed, then cleared and reused.</remarks>
internal sealed class PredictionChunk
{
    /// <summary>A chunk for up to <paramref name="requests"/> requests, <paramref name="rows"/> predictions and <paramref name="values"/> input values.</summary>
    public PredictionChunk(int requests, int rows, int values)
    {
        Requests = new RecordedRequest[Math.Max(1, requests)];
        Probabilities = new float[Math.Max(1, rows)];
        Values = new float[Math.Max(1, values)];
    }

    /// <summary>The requests, <see cref="RequestCount"/> of them.</summary>
    public RecordedRequest[] Requests { get; }

    /// <summary>Every request's probabilities, one after the other.</summary>
    public float[] Probabilities { get; }

    /// <summary>Every request's inputs, row-major, one request after the other.</summary>
    public float[] Values { get; }

    public int RequestCount { get; private set; }

    public int RowCount { get; private set; }

    public int ValueCount { get; private set; }

    /// <summary>Whether a request of <paramref name="rows"/> rows and <paramref name="values"/> values fits.</summary>
    public bool Fits(int rows, int values) =>
        RequestCount < Requests.Length && RowCount + rows <= Probabilities.Length && ValueCount + values <= Values.Length;

    /// <summary>Copies one request in; the caller has checked <see cref="Fits"/>.</summary>
    public void Add(PredictionSource source, Guid requestId, long latencyUs, ReadOnlySpan<float> values, ReadOnlySpan<float> probabilities)
    {
        Requests[RequestCount++] = new RecordedRequest(source, requestId, latencyUs, ValueCount, RowCount, probabilities.Length);
        values.CopyTo(Values.AsSpan(ValueCount));
        probabilities.CopyTo(Probabilities.AsSpan(RowCount));
        ValueCount += values.Length;
        RowCount += probabilities.Length;
    }

    /// <summary>Empties the chunk for reuse (and lets go of the sources it named).</summary>
    public void Clear()
    {
        Array.Clear(Requests, 0, RequestCount);
        RequestCount = RowCount = ValueCount = 0;
    }
}
