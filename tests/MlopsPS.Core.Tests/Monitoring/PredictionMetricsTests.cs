using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Monitoring.MonitoringTestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>Metric windows on a folder store (SQLite).</summary>
public sealed class SqlitePredictionMetricsTests() : PredictionMetricsTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlPredictionMetricsTests(PostgresCluster cluster) : PredictionMetricsTests(StoreBackend.PostgreSql, cluster);

/// <summary>Metric windows over a prediction log whose every value is known, checked by hand. Once per backend.</summary>
public abstract class PredictionMetricsTests : PerBackendTests
{
    // A multiple of 5 seconds, so 5-second windows start on it.
    private const long T0 = 1_700_000_000_000;

    private readonly string[] _ids = new string[10];

    /// <summary>
    /// Ten one-row requests to 'celltower' version 1, one a second from T0; request i takes (i + 1) ms and predicts 1
    /// for i &lt; 4, else 0. True labels for i = 0..7: 1, 0, 1, 1, 0, 1, 0, 0. So:
    /// i      0 1 2 3 4 5 6 7 8 9
    /// pred   1 1 1 1 0 0 0 0 0 0
    /// truth  1 0 1 1 0 1 0 0 - -
    /// </summary>
    protected PredictionMetricsTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
        var source = Source();
        var requests = Enumerable.Range(0, 10).Select(i => Request(source, T0 + (i * 1000), (i + 1) * 1000, i < 4 ? 0.9f : 0.1f)).ToArray();
        Log(Temp.Store, requests);
        for (var i = 0; i < 10; i++)
        {
            _ids[i] = PredictionIds.ForRow(requests[i].RequestId, 0);
        }

        var truth = new[] { "1", "0", "1", "1", "0", "1", "0", "0" };
        var outcomes = new GroundTruthLog(Temp.Store).Record(truth.Select((label, i) => new GroundTruthLabel(_ids[i], label)).ToArray());
        Assert.All(outcomes, o => Assert.Null(o.Error));
    }

    [Fact]
    public void OneWindow_OverEverything_HasTheHandCheckedCountsPercentilesAndScores()
    {
        var window = Assert.Single(Metrics(new PredictionMetricQuery()));

        Assert.Equal(("celltower", "celltower", 1), (window.EndpointName, window.ModelName, window.ModelVersion));
        Assert.Equal((At(0), At(9)), (window.Start, window.End));
        Assert.Equal((10, 10, 8), (window.Predictions, window.Requests, window.Labelled));
        // Nearest rank of 1..10 ms: p50 = 5th = 5 ms, p95 = 10th, p99 = 10th.
        Assert.Equal((5.0, 10.0, 10.0), (window.LatencyP50Ms, window.LatencyP95Ms, window.LatencyP99Ms));
        // Labelled 0..7: right at 0, 2, 3, 4, 6, 7 = 6 of 8. TP = 0, 2, 3; FP = 1; FN = 5.
        Assert.Equal(0.75, window.Accuracy);
        Assert.Equal(0.75, window.Precision);
        Assert.Equal(0.75, window.Recall);
        Assert.Equal(0.75, window.F1!.Value, 12);
        Assert.Equal("1", window.PositiveLabel);
    }

    [Fact]
    public void CountWindows_TakeConsecutivePredictions_TheLastMayBeShort()
    {
        var windows = Metrics(new PredictionMetricQuery(WindowSize: 4));

        Assert.Equal(new long[] { 4, 4, 2 }, windows.Select(w => w.Predictions));
        Assert.Equal(new[] { (At(0), At(3)), (At(4), At(7)), (At(8), At(9)) }, windows.Select(w => (w.Start, w.End)));
        // Window 1 (i = 0..3): latencies 1..4 ms: p50 = 2nd = 2, p95 = p99 = 4th = 4. Right 0, 2, 3: 3/4; TP 3, FP 1, FN 0.
        Assert.Equal((2.0, 4.0, 4.0), (windows[0].LatencyP50Ms, windows[0].LatencyP95Ms, windows[0].LatencyP99Ms));
        Assert.Equal((0.75, 0.75, 1.0), (windows[0].Accuracy, windows[0].Precision, windows[0].Recall));
        Assert.Equal(2 * 0.75 / 1.75, windows[0].F1!.Value, 12);
        // Window 2 (i = 4..7): all predicted 0; truth 0, 1, 0, 0: accuracy 3/4, precision 0 (none predicted 1), recall 0/1, F1 0.
        Assert.Equal((0.75, 0.0, 0.0, 0.0), (windows[1].Accuracy, windows[1].Precision, windows[1].Recall, windows[1].F1));
        // Window 3 (i = 8, 9): no labels yet, latency 9 and 10 ms.
        Assert.Equal(0, windows[2].Labelled);
        Assert.Null(windows[2].Accuracy);
        Assert.Null(windows[2].F1);
        Assert.Equal((9.0, 10.0), (windows[2].LatencyP50Ms, windows[2].LatencyP99Ms));
    }

    [Fact]
    public void TimeWindows_AreAlignedOnTheirLength_AndEndExclusive()
    {
        var windows = Metrics(new PredictionMetricQuery(Window: TimeSpan.FromSeconds(5)));

        Assert.Equal(new[] { (At(0), At(5)), (At(5), At(10)) }, windows.Select(w => (w.Start, w.End)));
        Assert.Equal(new long[] { 5, 5 }, windows.Select(w => w.Predictions));
        // i = 0..4: right 0, 2, 3, 4 of 5; i = 5..9: labelled 5, 6, 7, right 6, 7.
        Assert.Equal(new double?[] { 0.8, 2.0 / 3 }, windows.Select(w => w.Accuracy));
        Assert.Equal(new long[] { 5, 3 }, windows.Select(w => w.Labelled));

        // A range cut in the middle of a window: only predictions in [start, end) count.
        var cut = Metrics(new PredictionMetricQuery(Start: At(3), End: At(7), Window: TimeSpan.FromSeconds(5)));
        Assert.Equal(new long[] { 2, 2 }, cut.Select(w => w.Predictions));
    }

    [Fact]
    public void Versions_AndEndpoints_HaveWindowsOfTheirOwn_EvenWhenTheirPredictionsInterleave()
    {
        var v2 = Source(version: 2, deployment: "d2");
        var other = Source(endpoint: "other", model: "other");
        // During a redeploy, version 1 and version 2 answer side by side.
        Log(Temp.Store,
            Request(v2, T0 + 500, 3000, 0.9f, 0.8f),
            Request(v2, T0 + 1500, 7000, 0.2f),
            Request(other, T0, 50, 0.9f));

        var windows = Metrics(new PredictionMetricQuery(WindowSize: 100));

        Assert.Equal(new[] { ("celltower", 1, 10L, 10L), ("celltower", 2, 3L, 2L), ("other", 1, 1L, 1L) },
            windows.Select(w => (w.EndpointName, w.ModelVersion, w.Predictions, w.Requests)));
        Assert.Equal((3.0, 7.0), (windows[1].LatencyP50Ms, windows[1].LatencyP99Ms));
        Assert.Equal(new long[] { 3 }, Metrics(new PredictionMetricQuery(ModelVersion: 2)).Select(w => w.Predictions));
        Assert.Equal(new[] { "other" }, Metrics(new PredictionMetricQuery("oth*")).Select(w => w.EndpointName));
        Assert.Empty(Metrics(new PredictionMetricQuery("nothing")));
    }

    [Fact]
    public void WindowsByCountAndByTime_AtOnce_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => Metrics(new PredictionMetricQuery(WindowSize: 10, Window: TimeSpan.FromMinutes(1))));
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics(new PredictionMetricQuery(WindowSize: 0)));
    }

    private IReadOnlyList<PredictionMetricWindow> Metrics(PredictionMetricQuery query) =>
        new PredictionMetrics(Temp.Store).Compute(query);

    private static DateTime At(int seconds) => DateTimeOffset.FromUnixTimeMilliseconds(T0 + (seconds * 1000)).UtcDateTime;
}
