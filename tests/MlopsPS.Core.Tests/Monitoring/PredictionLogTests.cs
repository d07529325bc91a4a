using MlopsPS.Core.Common;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Monitoring.MonitoringTestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>The prediction log on a folder store (SQLite).</summary>
public sealed class SqlitePredictionLogTests() : PredictionLogTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlPredictionLogTests(PostgresCluster cluster) : PredictionLogTests(StoreBackend.PostgreSql, cluster);

/// <summary>Finding one prediction by its id, which the log finds through its time (it keeps no index of the ids). Once per backend.</summary>
public abstract class PredictionLogTests : PerBackendTests
{
    protected PredictionLogTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
    }

    [Fact]
    public void EveryRow_IsFoundByItsId_AmongSourcesThatPredictedInTheSameMillisecond()
    {
        const long at = 1_700_000_000_000;
        var sources = new[] { Source(), Source(endpoint: "fraud", model: "fraud", deployment: "d2"), Source(version: 2, deployment: "d3") };
        var requests = sources.SelectMany(s => new[] { Request(s, at, 100, 0.1f, 0.9f, 0.3f), Request(s, at, 200, 0.7f), Request(s, at + 1, 300, 0.2f) }).ToArray();

        Log(Temp.Store, requests);

        var log = new PredictionLog(Temp.Store);
        foreach (var request in requests)
        {
            for (var row = 0; row < request.Rows; row++)
            {
                var id = PredictionIds.ForRow(request.RequestId, row);
                var found = log.Get(id.ToUpperInvariant());
                Assert.Equal((id, request.Source.EndpointName, request.Source.DeploymentId, (double)request.Probabilities[row]), (found.PredictionId, found.EndpointName, found.DeploymentId, found.Probability));
                Assert.Equal(request.PredictedAtMs, UnixTime.ToMs(found.PredictedAt));
            }
        }

        // A UUID of the same millisecond that was never answered, and text that is not a UUID.
        Assert.Null(log.Find(PredictionIds.ForRow(requests[0].RequestId, 3)));
        Assert.Null(log.Find(PredictionIds.ForRow(PredictionIds.NewRequestId(DateTimeOffset.FromUnixTimeMilliseconds(at)), 0)));
        Assert.Null(log.Find("not-an-id"));
        Assert.Throws<PredictionNotFoundException>(() => log.Get("not-an-id"));
    }
}
