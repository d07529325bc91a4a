using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Tests.TestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// The report's time buckets from the monitoring metric windows: counts, nearest-rank latency, accuracy over labelled
/// predictions, empty buckets kept, versions merged, the width chosen from the span.
/// </summary>
public sealed class ReportActivityFromMetricsTests : IDisposable
{
    private static readonly DateTime s_start = new(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc);
    private static readonly float[] s_inputs = [1];

    private readonly TemporaryStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private ReportActivityFromMetrics Activity => new(new PredictionMetrics(_temp.Store));

    [Fact]
    public void Buckets_CountRequests_TakeNearestRankLatency_AndScoreOnlyLabeledPredictions()
    {
        var ids = DriftTestLog.Record(_temp.Store, DriftTestLog.Source("e", "x"),
        [
            // 10:00 - 10:05: four predictions, latencies 1..4 ms, two labelled (one right).
            new(s_start.AddSeconds(10), s_inputs, 0.9f, 1000),
            new(s_start.AddSeconds(20), s_inputs, 0.2f, 2000),
            new(s_start.AddSeconds(30), s_inputs, 0.1f, 3000),
            new(s_start.AddSeconds(40), s_inputs, 0.7f, 4000),
            // 10:05 - 10:10 nothing; 10:10 - 10:15 one, labelled right.
            new(s_start.AddMinutes(12), s_inputs, 0.3f, 8000),
        ]);
        DriftTestLog.Record(_temp.Store, DriftTestLog.Source("other", "x"), [new(s_start, s_inputs, 0.9f, 99_000)]);
        DriftTestLog.Label(_temp.Store, [(ids[0], "1"), (ids[1], "1"), (ids[4], "0")]);

        var activity = Activity.Read("e", null, null, TimeSpan.FromMinutes(5));

        Assert.Equal(s_start, activity.From);
        Assert.Equal(s_start.AddMinutes(15), activity.To);
        Assert.Equal([4L, 0, 1], activity.Buckets.Select(b => b.Predictions));
        Assert.Equal([4L, 0, 1], activity.Buckets.Select(b => b.Requests));
        Assert.Equal([s_start, s_start.AddMinutes(5), s_start.AddMinutes(10)], activity.Buckets.Select(b => b.Start));
        var first = activity.Buckets[0];
        Assert.Equal(2.0, first.LatencyP50Ms);  // rank ceil(.5 * 4) = 2
        Assert.Equal(4.0, first.LatencyP95Ms);  // rank ceil(.95 * 4) = 4
        Assert.Equal(0.5, first.Accuracy);
        Assert.Null(activity.Buckets[1].LatencyP50Ms);
        Assert.Null(activity.Buckets[1].Accuracy);
        Assert.Equal(1.0, activity.Buckets[2].Accuracy);
        Assert.Equal(5, activity.Predictions);
        Assert.Equal(3, activity.Labeled);
        Assert.Equal(2.0 / 3, activity.Accuracy!.Value, 12);
        Assert.Equal(3.0, activity.LatencyP50Ms);
        Assert.Equal(8.0, activity.LatencyP99Ms);
    }

    [Fact]
    public void Window_KeepsOnlyPredictionsInIt_AndSpansTheWholeWindow()
    {
        DriftTestLog.Record(_temp.Store, DriftTestLog.Source("e", "x"),
            Enumerable.Range(0, 120).Select(i => new DriftTestLog.Entry(s_start.AddMinutes(i), s_inputs, 0.5f, 500)));

        var activity = Activity.Read("e", s_start.AddMinutes(30), s_start.AddMinutes(90), null);

        Assert.Equal(60, activity.Predictions);
        Assert.Equal(s_start.AddMinutes(30), activity.From);
        Assert.Equal(s_start.AddMinutes(90), activity.To);
        Assert.Equal(TimeSpan.FromMinutes(5), activity.BucketWidth); // an hour in 1-minute buckets would be 60: too many
        Assert.All(activity.Buckets, b => Assert.Equal(5, b.Predictions));
    }

    [Fact]
    public void TwoVersionsInOneBucket_AddUp_AccuracyIsExact_AndLatencyIsTheLarger()
    {
        var v1 = DriftTestLog.Record(_temp.Store, DriftTestLog.Source("e", "x"), [new(s_start, s_inputs, 0.9f, 1000), new(s_start.AddSeconds(1), s_inputs, 0.9f, 1000)]);
        var v2Source = new PredictionSource("e", "d2", "celltower", 2, DriftTestLog.Source("e", "x").Schema);
        var v2 = DriftTestLog.Record(_temp.Store, v2Source, [new(s_start.AddSeconds(2), s_inputs, 0.9f, 5000)]);
        DriftTestLog.Label(_temp.Store, [(v1[0], "1"), (v1[1], "0"), (v2[0], "1")]);

        var bucket = Assert.Single(Activity.Read("e", null, null, TimeSpan.FromMinutes(5)).Buckets);

        Assert.Equal(3, bucket.Predictions);
        Assert.Equal(3, bucket.Labeled);
        Assert.Equal(2.0 / 3, bucket.Accuracy!.Value, 12);
        Assert.Equal(5.0, bucket.LatencyP50Ms);
    }

    [Fact]
    public void NoPredictions_GiveNoBuckets_AndNoLatency()
    {
        var activity = Activity.Read("e", null, null, null);

        Assert.Empty(activity.Buckets);
        Assert.Null(activity.From);
        Assert.Null(activity.LatencyP50Ms);
        Assert.Null(activity.Accuracy);
    }

    [Theory]
    [InlineData(30, 1)]
    [InlineData(120, 5)]
    [InlineData(24 * 60, 30)]
    [InlineData(7 * 24 * 60, 180)]
    public void ChooseWidth_TakesTheNarrowestUsualWidthWithFewerThan60Buckets(int spanMinutes, int expectedMinutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), ReportActivityFromMetrics.ChooseWidth(TimeSpan.FromMinutes(spanMinutes)));
    }

    [Fact]
    public void TooManyBuckets_AreRefused()
    {
        DriftTestLog.Record(_temp.Store, DriftTestLog.Source("e", "x"), [new(s_start, s_inputs, 0.5f, 500), new(s_start.AddDays(30), s_inputs, 0.5f, 500)]);

        Assert.Throws<ReportArgumentException>(() => Activity.Read("e", null, null, TimeSpan.FromMinutes(1)));
    }
}
