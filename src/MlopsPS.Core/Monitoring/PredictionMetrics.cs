using System.Buffers.Binary;
using MlopsPS.Core.Common;
using MlopsPS.Core.Models;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Monitoring metrics of endpoints, per endpoint and model version, in windows by count or by time: prediction and
/// request counts, request latency percentiles, and, where the true labels have arrived, accuracy, precision, recall
/// and F1 (the lab's aggregate accuracy and <c>read_metrics</c>).
/// </summary>
/// <remarks>
/// <para>One pass over the log in time order, through the index on (source, time); a window holds only the latencies
/// it needs for its percentiles. Versions interleave in time around a redeploy (requests in flight finish on the old
/// model), so each version of an endpoint has its own window state.</para>
/// <para>Percentiles are nearest-rank over the window's predictions: each prediction counts the latency of the
/// request that carried it, so a 1,000-row request weighs 1,000 times. A window without predictions is not
/// returned.</para>
/// </remarks>
public sealed class PredictionMetrics
{
    private readonly MlopsStore _store;

    /// <summary>The metrics of the prediction log of <paramref name="store"/>.</summary>
    public PredictionMetrics(MlopsStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The windows, by endpoint, model, version and start.</summary>
    public IReadOnlyList<PredictionMetricWindow> Compute(PredictionMetricQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.WindowSize is not null && query.Window is not null)
        {
            throw new ArgumentException("Give windows by count or by time, not both.", nameof(query));
        }

        if (query.WindowSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.WindowSize, "A window holds at least one prediction.");
        }

        var windowMs = query.Window is { } window ? (long)window.TotalMilliseconds : 0;
        if (query.Window is not null && windowMs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Window, "A time window is at least 1 millisecond long.");
        }

        var results = new List<PredictionMetricWindow>();
        var groups = new Dictionary<(string Endpoint, string Model, int Version), WindowState>();
        using var connection = _store.Database.Open();
        var dialect = _store.Database.Dialect;
        using var command = CatalogDatabase.Command(connection, null, $"""
            SELECT s.endpoint_name, s.model_name, s.model_version, p.predicted_at, p.prediction_id, p.latency_us, p.prediction, g.label
            FROM prediction_log p
            JOIN prediction_sources s ON s.source_id = p.source_id
            LEFT JOIN ground_truth g ON g.prediction_seq = p.seq
            WHERE {dialect.WildcardMatch("s.endpoint_name", "@pattern")} AND p.predicted_at >= @start AND p.predicted_at < @end
                AND s.model_version BETWEEN @fromVersion AND @toVersion
            ORDER BY s.endpoint_name, p.predicted_at, p.prediction_id
            """,
            ("pattern", dialect.WildcardPattern(query.EndpointPattern)),
            ("start", query.Start is { } start ? UnixTime.ToMs(start) : long.MinValue),
            ("end", query.End is { } end ? UnixTime.ToMs(end) : long.MaxValue),
            ("fromVersion", query.ModelVersion is { } v ? (long)v : long.MinValue),
            ("toVersion", query.ModelVersion is { } w ? (long)w : long.MaxValue));
        using (var reader = command.ExecuteReader())
        {
            string? endpoint = null;
            var id = new byte[PredictionIds.ByteLength];
            while (reader.Read())
            {
                var name = reader.GetString(0);
                if (!string.Equals(name, endpoint, StringComparison.Ordinal))
                {
                    // The rows come endpoint by endpoint: close the previous endpoint's windows.
                    CloseAll(groups, results);
                    endpoint = name;
                }

                var key = (name, reader.GetString(1), checked((int)reader.GetInt64(2)));
                if (!groups.TryGetValue(key, out var state))
                {
                    state = new WindowState(key.Item1, key.Item2, key.Item3, PositiveLabel(key.Item2, key.Item3));
                    groups.Add(key, state);
                }

                var at = reader.GetInt64(3);
                if (windowMs > 0)
                {
                    var windowStart = at - ((at % windowMs) + windowMs) % windowMs;
                    if (state.Count > 0 && state.WindowStart != windowStart)
                    {
                        results.Add(state.Close(windowStart: state.WindowStart, windowEnd: state.WindowStart + windowMs));
                    }

                    state.WindowStart = windowStart;
                }

                reader.GetBytes(4, 0, id, 0, id.Length);
                state.Add(at, RequestOf(id), reader.GetInt64(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7));
                if (query.WindowSize is { } size && state.Count == size)
                {
                    results.Add(state.Close(windowStart: null, windowEnd: null));
                }
            }
        }

        CloseAll(groups, results);
        return results
            .OrderBy(w => w.EndpointName, StringComparer.Ordinal)
            .ThenBy(w => w.ModelName, StringComparer.Ordinal)
            .ThenBy(w => w.ModelVersion)
            .ThenBy(w => w.Start)
            .ToArray();

        void CloseAll(Dictionary<(string, string, int), WindowState> open, List<PredictionMetricWindow> into)
        {
            foreach (var state in open.Values.Where(s => s.Count > 0))
            {
                into.Add(windowMs > 0 ? state.Close(state.WindowStart, state.WindowStart + windowMs) : state.Close(null, null));
            }

            open.Clear();
        }
    }

    // The positive class of precision and recall: the version's second class label (what P(second label) is about).
    // The rows of one request share their id's first 12 bytes; the last 4 count the rows (PredictionIds).
    private static (ulong, uint) RequestOf(byte[] id) =>
        (BinaryPrimitives.ReadUInt64BigEndian(id), BinaryPrimitives.ReadUInt32BigEndian(id.AsSpan(8)));

    private string PositiveLabel(string model, int version)
    {
        try
        {
            var source = new ModelRegistry(_store).GetVersion(model, version).Source;
            return ModelArtifactLayout.ReadMetadata(source).ClassLabels[1];
        }
        catch (Exception e) when (e is MlopsException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return "1";
        }
    }

    /// <summary>The open window of one endpoint and version.</summary>
    private sealed class WindowState(string endpoint, string model, int version, string positive)
    {
        private readonly List<long> _latencies = [];
        private (ulong, uint)? _lastRequest;
        private long _requests;
        private long _first;
        private long _last;
        private long _labelled;
        private long _correct;
        private long _truePositive;
        private long _falsePositive;
        private long _falseNegative;

        public int Count => _latencies.Count;

        public long WindowStart { get; set; }

        public void Add(long at, (ulong, uint) request, long latencyUs, string prediction, string? label)
        {
            if (_latencies.Count == 0)
            {
                _first = at;
            }

            _last = at;
            _latencies.Add(latencyUs);
            // The rows of one request come one after the other (same time, ids in order): a request begins where
            // the request part of the id changes.
            if (_lastRequest != request)
            {
                _requests++;
            }

            _lastRequest = request;
            if (label is null)
            {
                return;
            }

            _labelled++;
            var predictedPositive = string.Equals(prediction, positive, StringComparison.Ordinal);
            var actualPositive = string.Equals(label, positive, StringComparison.Ordinal);
            if (string.Equals(prediction, label, StringComparison.Ordinal))
            {
                _correct++;
            }

            if (predictedPositive && actualPositive)
            {
                _truePositive++;
            }
            else if (predictedPositive)
            {
                _falsePositive++;
            }
            else if (actualPositive)
            {
                _falseNegative++;
            }
        }

        /// <summary>The window's metrics; the state is empty afterwards for the next window.</summary>
        public PredictionMetricWindow Close(long? windowStart, long? windowEnd)
        {
            _latencies.Sort();
            double? accuracy = null, precision = null, recall = null, f1 = null;
            if (_labelled > 0)
            {
                accuracy = (double)_correct / _labelled;
                var p = _truePositive + _falsePositive == 0 ? 0 : (double)_truePositive / (_truePositive + _falsePositive);
                var r = _truePositive + _falseNegative == 0 ? 0 : (double)_truePositive / (_truePositive + _falseNegative);
                (precision, recall, f1) = (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
            }

            var window = new PredictionMetricWindow(
                endpoint, model, version,
                UnixTime.ToDateTime(windowStart ?? _first),
                UnixTime.ToDateTime(windowEnd ?? _last),
                _latencies.Count,
                _requests,
                Percentile(0.50), Percentile(0.95), Percentile(0.99),
                _labelled, accuracy, precision, recall, f1, positive);
            _latencies.Clear();
            _requests = 0;
            _lastRequest = null;
            _labelled = _correct = _truePositive = _falsePositive = _falseNegative = 0;
            return window;
        }

        // Nearest rank: the smallest latency with at least p of the window's predictions at or below it.
        private double Percentile(double p)
        {
            var rank = (int)Math.Ceiling(p * _latencies.Count);
            return _latencies[Math.Clamp(rank, 1, _latencies.Count) - 1] / 1000.0;
        }
    }
}
