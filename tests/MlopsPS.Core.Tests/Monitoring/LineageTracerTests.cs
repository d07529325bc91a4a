using System.Net;
using System.Text.Json;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Retraining;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Serving.ServingTestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// Lineage end to end in the engine: two batches of the telco table, a retrain on the newest batch and one on the
/// whole table, both registered, the first published to a real host and scored over HTTP.
/// </summary>
public sealed class LineageTracerTests : IDisposable
{
    private readonly TemporaryStore _temp = new();
    private readonly TableCatalog _catalog;
    private readonly EndpointManager _manager;

    public LineageTracerTests()
    {
        _catalog = new TableCatalog(_temp.Store);
        _manager = Manager(_temp.Store);
    }

    public void Dispose()
    {
        StopAll(_manager);
        _temp.Dispose();
    }

    [Fact]
    public async Task FromAPredictionId_TheEndpointDeploymentVersionRunSnapshotsAndFiles_AndBackFromEachSnapshot()
    {
        var first = AppendTelco(1500, seed: 1);
        var second = AppendTelco(1500, seed: 2);
        var retrainer = new Retrainer(_temp.Store);
        var newest = retrainer.Retrain(new RetrainRequest { Table = "telco", Hyperparameters = Rounds(5) }).Run;
        var whole = retrainer.Retrain(new RetrainRequest { Table = "telco", Selection = DataSelection.Full, Hyperparameters = Rounds(5) }).Run;
        var registry = new ModelRegistry(_temp.Store);
        var v1 = registry.RegisterRunModel("celltower", newest.RunId);
        var v2 = registry.RegisterRunModel("celltower", whole.RunId);
        var deployment = _manager.Publish("celltower", v1);

        string id;
        using (var http = Client(deployment.Url!))
        using (var response = await PostAsync(http, LabSample))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            id = body.RootElement.GetProperty("prediction_ids")[0].GetString()!;
        }

        MonitoringTestSupport.WaitForLogged(_temp.Store, "celltower", 1);
        var tracer = new LineageTracer(_temp.Store);

        var lineage = tracer.ForPrediction(id);

        Assert.Equal((id, "celltower", deployment.DeploymentId, "models:/celltower/1"), (lineage.PredictionId, lineage.EndpointName, lineage.DeploymentId, lineage.ModelUri));
        Assert.Equal(DeploymentStatus.Live, lineage.Deployment!.Status);
        Assert.Equal(v1.Source, lineage.ModelVersion!.Source);
        Assert.Equal(newest.RunId, lineage.RunId);
        Assert.Equal("5", lineage.Run!.Params["num_boost_round"]);
        Assert.True(lineage.Run.Metrics.ContainsKey("roc_auc"));
        var data = lineage.TrainingData!;
        Assert.Equal(("telco", "NewestBatch", second.SnapshotId, (long?)first.SnapshotId, (long?)1500), (data.Table, data.DataSelection, data.SnapshotId, data.FromSnapshotId, data.RowCount));
        Assert.Null(data.Problem);
        Assert.Equal(new[] { second.SnapshotId }, lineage.SnapshotIds);
        var file = Assert.Single(lineage.DataFiles);
        Assert.Equal((second.SnapshotId, 1500L), (file.AddedSnapshotId, file.RecordCount));
        Assert.True(File.Exists(file.FullPath));
        Assert.Equal(second.DataFiles.Except(first.DataFiles), new[] { file.Path });

        // The whole-table run read both batches.
        var wholeData = tracer.TrainingDataOf(whole)!;
        Assert.Equal(new[] { first.SnapshotId, second.SnapshotId }, wholeData.SnapshotIds);
        Assert.Equal(2, wholeData.DataFiles.Count);
        Assert.Null(wholeData.FromSnapshotId);

        // Back from the snapshots: the first batch fed only the whole-table run; the second fed both.
        var fromFirst = tracer.ForSnapshot("telco", first.SnapshotId);
        Assert.Equal(new[] { whole.RunId }, fromFirst.RunIds);
        Assert.Equal(new[] { "models:/celltower/2" }, fromFirst.ModelUris);
        Assert.Empty(fromFirst.Deployments);
        var fromSecond = tracer.ForSnapshot("TELCO", second.SnapshotId);
        Assert.Equal(new[] { newest.RunId, whole.RunId }, fromSecond.RunIds);
        Assert.Equal(new[] { v1.Uri, v2.Uri }, fromSecond.ModelUris);
        Assert.Equal(new[] { "celltower" }, fromSecond.EndpointNames);
        Assert.Equal(second.SnapshotId, fromSecond.Snapshot!.SnapshotId);
    }

    [Fact]
    public void UnknownIdsAndSnapshots_AreNotFound()
    {
        AppendTelco(500, seed: 3);
        var tracer = new LineageTracer(_temp.Store);

        var missing = Assert.Throws<PredictionNotFoundException>(() => tracer.ForPrediction(Guid.NewGuid().ToString()));
        Assert.Equal(MlopsErrorKind.ObjectNotFound, missing.Kind);
        Assert.Throws<SnapshotNotFoundException>(() => tracer.ForSnapshot("telco", 12345));
        Assert.Throws<TableNotFoundException>(() => tracer.ForSnapshot("nope", 12345));
    }

    [Fact]
    public void ASnapshotExpiredSince_IsStillTracedThroughTheRunsThatRecordedIt()
    {
        var first = AppendTelco(1000, seed: 4);
        var run = new Retrainer(_temp.Store).Retrain(new RetrainRequest { Table = "telco", Hyperparameters = Rounds(3) }).Run;
        AppendTelco(1000, seed: 5);
        _catalog.ExpireSnapshots("telco", olderThan: DateTime.UtcNow.AddMinutes(1), retainLast: 1);
        var tracer = new LineageTracer(_temp.Store);

        var lineage = tracer.ForSnapshot("telco", first.SnapshotId);

        Assert.Null(lineage.Snapshot);
        Assert.Equal(new[] { run.RunId }, lineage.RunIds);
        var data = tracer.TrainingDataOf(run)!;
        Assert.Empty(data.DataFiles);
        Assert.Contains("cannot be resolved", data.Problem);
    }

    private Snapshot AppendTelco(int rows, int seed) =>
        _catalog.Append("telco", SyntheticDatasets.Get("TelcoCellTowers").Generate(rows, seed), new AppendOptions { Dataset = "TelcoCellTowers" });

    private static Dictionary<string, object?> Rounds(int rounds) => new() { ["n_estimators"] = rounds };
}
