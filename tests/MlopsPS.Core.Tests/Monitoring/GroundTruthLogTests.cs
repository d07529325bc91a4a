using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Monitoring.MonitoringTestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>Delayed ground truth on a folder store (SQLite).</summary>
public sealed class SqliteGroundTruthLogTests() : GroundTruthLogTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlGroundTruthLogTests(PostgresCluster cluster) : GroundTruthLogTests(StoreBackend.PostgreSql, cluster);

/// <summary>Delayed ground truth (the lab's track_delayed_metrics) against a real store. Once per backend.</summary>
public abstract class GroundTruthLogTests : PerBackendTests
{
    protected GroundTruthLogTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
    }

    [Fact]
    public void KnownIdsAreRecorded_UnknownIdsAreReportedOneByOne_NotDropped()
    {
        var request = Request(Source(), 1_700_000_000_000, 100, 0.9f, 0.1f, 0.7f);
        Log(Temp.Store, request);
        var ids = Enumerable.Range(0, 3).Select(i => PredictionIds.ForRow(request.RequestId, i)).ToArray();
        var unknown = PredictionIds.ForRow(PredictionIds.NewRequestId(), 0);

        var outcomes = new GroundTruthLog(Temp.Store).Record(
        [
            new(ids[0], "1"),
            new(unknown, "1"),
            new(ids[1].ToUpperInvariant(), "1"),
            new("not-an-id", "0"),
            new(ids[2], "0"),
        ]);

        Assert.Equal(5, outcomes.Count);
        Assert.Equal(new[] { true, false, true, false, true }, outcomes.Select(o => o.Recorded is not null));
        Assert.IsType<PredictionNotFoundException>(outcomes[1].Error);
        Assert.Equal(MlopsErrorKind.ObjectNotFound, outcomes[1].Error!.Kind);
        Assert.Contains(unknown, outcomes[1].Error!.Message);
        Assert.IsType<PredictionNotFoundException>(outcomes[3].Error);
        Assert.Equal(new bool?[] { true, false, false }, new[] { outcomes[0], outcomes[2], outcomes[4] }.Select(o => (bool?)o.Recorded!.Correct));
        Assert.Equal(ids[1], outcomes[2].Recorded!.PredictionId);

        var logged = new PredictionLog(Temp.Store).List();
        Assert.Equal(new[] { "1", "1", "0" }, logged.Select(p => p.Label));
        Assert.Equal(new bool?[] { true, false, false }, logged.Select(p => p.Correct));
    }

    [Fact]
    public void ALaterLabel_ReplacesTheEarlierOne()
    {
        var request = Request(Source(), 1_700_000_000_000, 100, 0.9f);
        Log(Temp.Store, request);
        var id = PredictionIds.ForRow(request.RequestId, 0);
        var log = new GroundTruthLog(Temp.Store);

        log.Record([new(id, "0")]);
        var second = Assert.Single(log.Record([new(id, "1")]));

        Assert.True(second.Recorded!.Correct);
        Assert.Equal("1", new PredictionLog(Temp.Store).Get(id).Label);
    }

    [Fact]
    public void LabelsMustBeTheModelsClassLabels_ANumberEqualToOneIsTakenAsIt()
    {
        // A registered version, so its MLmodel file names the class labels 0 and 1.
        var version = Serving.ServingTestSupport.RegisterModel(Temp.Store, "celltower", seed: 1, rounds: 2);
        var request = Request(Source(version: version.Version), 1_700_000_000_000, 100, 0.9f, 0.2f, 0.3f);
        Log(Temp.Store, request);
        var ids = Enumerable.Range(0, 3).Select(i => PredictionIds.ForRow(request.RequestId, i)).ToArray();

        var outcomes = new GroundTruthLog(Temp.Store).Record([new(ids[0], "1.0"), new(ids[1], "yes"), new(ids[2], " ")]);

        Assert.Equal("1", outcomes[0].Recorded!.Label);
        Assert.IsType<InvalidGroundTruthException>(outcomes[1].Error);
        Assert.Contains("(0, 1)", outcomes[1].Error!.Message);
        Assert.Equal(MlopsErrorKind.InvalidData, outcomes[1].Error!.Kind);
        Assert.IsType<InvalidGroundTruthException>(outcomes[2].Error);
        Assert.Null(new PredictionLog(Temp.Store).Get(ids[1]).Label);
    }
}
