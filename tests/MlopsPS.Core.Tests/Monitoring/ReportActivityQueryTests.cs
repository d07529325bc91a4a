using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Tests.TestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>The report's per-bucket aggregates of the prediction log: counts, nearest-rank latency, accuracy, empty buckets.</summary>
public sealed class ReportActivityQueryTests : IDisposable
{
    private static readonly DateTime s_start = new(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc);
    private static readonly Dictionary<string, object?> s_inputs = new() { ["x"] = 1 };

    private readonly TemporaryStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Buckets_CountPredictions_TakeNearestRankLatency_AndScoreOnlyLabeledPredictions()
    {
        PredictionLogWriter.Insert(_temp.Store, "e",
        [
            // 10:00 - 10:05: four predictions, latencies 1..4 ms, two labeled (one right).
            new(s_start.AddSeconds(10), s_inputs, "1", 0.9, 1000, TrueLabel: "1"),
            new(s_start.AddSeconds(20), s_inputs, "0", 0.2, 2000, TrueLabel: "1"),
            new(s_start.AddSeconds(30), s_inputs, "0", 0.1, 3000),
            new(s_start.AddSeconds(40), s_inputs, "1", 0.7, 4000),
            // 10:05 - 10:10 nothing; 10:10 - 10:15 one, labeled right.
            new(s_start.AddMinutes(12), s_inputs, "0", 0.3, 8000, TrueLabel: "0"),
        ]);
        PredictionLogWriter.Insert(_temp.Store, "other", [new(s_start, s_inputs, "1", 0.9, 99_000)]);

        var activity = new ReportActivityQuery(_temp.Store).Read("e", null, null, TimeSpan.FromMinutes(5));

        Assert.Equal(s_start, activity.From);
        Assert.Equal(s_start.AddMinutes(15), activity.To);
        Assert.Equal([4L, 0, 1], activity.Buckets.Select(b => b.Predictions));
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
        PredictionLogWriter.Insert(_temp.Store, "e", Enumerable.Range(0, 120).Select(i => new PredictionLogWriter.Entry(s_start.AddMinutes(i), s_inputs, "1", 0.5, 500)));

        var activity = new ReportActivityQuery(_temp.Store).Read("e", s_start.AddMinutes(30), s_start.AddMinutes(90), null);

        Assert.Equal(60, activity.Predictions);
        Assert.Equal(s_start.AddMinutes(30), activity.From);
        Assert.Equal(s_start.AddMinutes(90), activity.To);
        Assert.Equal(TimeSpan.FromMinutes(5), activity.BucketWidth); // an hour in 1-minute buckets would be 60: too many
        Assert.All(activity.Buckets, b => Assert.Equal(5, b.Predictions));
    }

    [Fact]
    public void NoPredictions_GiveNoBuckets_AndNoLatency()
    {
        var activity = new ReportActivityQuery(_temp.Store).Read("e", null, null, null);

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
    public void ChooseWidth_TakesTheNarrowestUsualWidthWithAtMost60Buckets(int spanMinutes, int expectedMinutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), ReportActivityQuery.ChooseWidth(TimeSpan.FromMinutes(spanMinutes)));
    }

    [Fact]
    public void TooManyBuckets_AreRefused()
    {
        PredictionLogWriter.Insert(_temp.Store, "e", [new(s_start, s_inputs, "1", 0.5, 500), new(s_start.AddDays(30), s_inputs, "1", 0.5, 500)]);

        Assert.Throws<ReportArgumentException>(() => new ReportActivityQuery(_temp.Store).Read("e", null, null, TimeSpan.FromMinutes(1)));
    }
}
