using MlopsPS.Core.Models;
using MlopsPS.Core.Retraining;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Tracking;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Retraining;

public sealed class RetrainerTests : IDisposable
{
    private readonly TemporaryStore _temp = new();
    private readonly TableCatalog _catalog;
    private readonly TrackingStore _tracking;
    private readonly Retrainer _retrainer;

    public RetrainerTests()
    {
        _catalog = new TableCatalog(_temp.Store);
        _tracking = new TrackingStore(_temp.Store);
        _retrainer = new Retrainer(_temp.Store);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Retrain_ByDefault_ReadsOnlyTheNewestBatch_AndTagsItsLineageAsTheLab()
    {
        var first = AppendTelco(1440, seed: 1);
        var second = AppendTelco(2000, seed: 2);

        var run = _retrainer.Retrain(new RetrainRequest { Table = "telco", Hyperparameters = Rounds(10) }).Run;

        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Equal("xgb-telco", run.ExperimentName);
        Assert.Equal(second.SnapshotId.ToString(), run.Tags["iceberg_snapshot_id"]);
        Assert.Equal(first.SnapshotId.ToString(), run.Tags["iceberg_parent_id"]);
        Assert.Equal("2000", run.Tags["row_count"]);
        Assert.StartsWith(second.CommittedAt.ToString("yyyy-MM-ddTHH:mm:ss"), run.Tags["iceberg_snapshot_committed_at"]);
        Assert.Equal(2000, int.Parse(run.Params["train_rows"]) + int.Parse(run.Params["test_rows"]));
        Assert.Equal(600, int.Parse(run.Params["test_rows"]));
        Assert.Equal("iot_signal_1,iot_signal_2,iot_signal_3,iot_signal_4", run.Params["features"]);
        Assert.Equal("cell_tower_failure", run.Params["label"]);
    }

    [Fact]
    public void Retrain_TheFirstBatch_ReadsItsWholeSnapshot_WithoutAParentTag()
    {
        var only = AppendTelco(1000, seed: 3);

        var run = _retrainer.Retrain(new RetrainRequest { Table = "telco", Hyperparameters = Rounds(5) }).Run;

        Assert.Equal(only.SnapshotId.ToString(), run.Tags["iceberg_snapshot_id"]);
        Assert.False(run.Tags.ContainsKey("iceberg_parent_id"));
        Assert.Equal("1000", run.Tags["row_count"]);
    }

    [Fact]
    public void Retrain_OnLearnableData_BeatsChanceClearly_AndLogsTheLabsMetricsAndEvalHistory()
    {
        AppendTelco(20_000, seed: 4);

        var run = _retrainer.Retrain(new RetrainRequest { Table = "telco", Hyperparameters = new Dictionary<string, object?> { ["max_depth"] = 3, ["n_estimators"] = 50 } }).Run;

        // docs/datasets.md: the telco label is a logistic function of the signals; a fitted model reaches ~0.8.
        Assert.True(run.Metrics["roc_auc"] > 0.7, $"roc_auc {run.Metrics["roc_auc"]}");
        foreach (var metric in new[] { "accuracy", "recall", "precision", "f1", "logloss" })
        {
            Assert.True(run.Metrics.ContainsKey(metric), metric);
        }

        var history = _tracking.GetMetricHistory(run.RunId, "eval_logloss");
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), history.Select(p => p.Step));
        Assert.Equal("50", run.Params["num_boost_round"]);
        Assert.Equal("3", run.Params["max_depth"]);
    }

    [Fact]
    public void Retrain_StoresTheModelInMlflowsLayout_WithItsSignatureAndImportance()
    {
        AppendTelco(1440, seed: 5);

        var run = _retrainer.Retrain(new RetrainRequest { Table = "telco", Hyperparameters = Rounds(5) }).Run;

        var modelDirectory = ModelArtifactLayout.ModelDirectory(run.ArtifactUri);
        var metadata = ModelArtifactLayout.ReadMetadata(modelDirectory);
        Assert.Equal(["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], metadata.FeatureNames);
        Assert.Equal("cell_tower_failure", metadata.Label);
        Assert.Equal(run.RunId, metadata.RunId);
        using var model = TrainedModel.LoadJson(Path.Combine(modelDirectory, ModelArtifactLayout.ModelFileName));
        Assert.Equal(metadata.FeatureNames, model.FeatureNames);
        Assert.Contains(_tracking.ListArtifacts(run.RunId), a => a.Path == Retrainer.FeatureImportanceFile);
    }

    [Fact]
    public void Retrain_SameSnapshotSeedAndHyperparameters_WritesAByteIdenticalModel()
    {
        var snapshot = AppendTelco(3000, seed: 6);
        var request = new RetrainRequest { Table = "telco", Selection = DataSelection.NewestBatch(snapshot.SnapshotId), Hyperparameters = Rounds(20) };

        var a = File.ReadAllBytes(ModelFile(_retrainer.Retrain(request).Run));
        var b = File.ReadAllBytes(ModelFile(_retrainer.Retrain(request).Run));
        var otherSeed = File.ReadAllBytes(ModelFile(_retrainer.Retrain(request with { Seed = 7 }).Run));

        Assert.Equal(a, b);
        Assert.NotEqual(a, otherSeed);
    }

    [Fact]
    public void Retrain_ReportsWhereItsTimeWent_EveryPhaseMeasured_AndTogetherNoMoreThanTheTotal()
    {
        AppendTelco(2000, seed: 9);

        var timings = _retrainer.Retrain(new RetrainRequest { Table = "telco", Hyperparameters = Rounds(5) }).Timings;

        var phases = new[]
        {
            timings.Plan, timings.Scan, timings.Split, timings.DMatrix, timings.Rounds,
            timings.Metrics, timings.ModelSave, timings.RunRecords,
        };
        Assert.All(phases, phase => Assert.True(phase > TimeSpan.Zero, $"a phase took {phase}"));
        Assert.True(timings.Other >= TimeSpan.Zero, $"the phases add up to more than the total {timings.Total}: other {timings.Other}");
    }

    [Fact]
    public void Retrain_AMissingLabelColumn_IsRefusedBeforeAnyRunStarts()
    {
        AppendTelco(500, seed: 8);

        var error = Assert.Throws<TrainingDataException>(() => _retrainer.Retrain(new RetrainRequest { Table = "telco", Label = "no_such_column" }));

        Assert.Equal(TrainingDataException.Ids.LabelColumnNotFound, error.ErrorId);
        Assert.Empty(_tracking.SearchRuns(new RunQuery()));
    }

    [Fact]
    public void Retrain_AStringFeature_IsRefusedWithAHint_UnlessOneHotIsAsked()
    {
        AppendTelco(3000, seed: 9);
        string[] features = ["iot_signal_1", "manufacturer"];

        var error = Assert.Throws<TrainingDataException>(() => _retrainer.Retrain(new RetrainRequest { Table = "telco", Features = features }));
        Assert.Equal(TrainingDataException.Ids.CategoricalFeature, error.ErrorId);
        Assert.Contains("OneHot", error.Message);

        var run = _retrainer.Retrain(new RetrainRequest { Table = "telco", Features = features, Encoding = CategoricalEncoding.OneHot, Hyperparameters = Rounds(5) }).Run;
        var signature = ModelArtifactLayout.ReadMetadata(ModelArtifactLayout.ModelDirectory(run.ArtifactUri)).FeatureNames;
        Assert.Equal("iot_signal_1", signature[0]);
        Assert.True(signature.Count >= 3);
        Assert.All(signature.Skip(1), name => Assert.StartsWith("manufacturer=", name));
    }

    [Fact]
    public void Retrain_AnEmptyIncrement_IsRefused()
    {
        var snapshot = AppendTelco(500, seed: 10);

        var error = Assert.Throws<TrainingDataException>(() => _retrainer.Retrain(new RetrainRequest
        {
            Table = "telco",
            Selection = DataSelection.Range(snapshot.SnapshotId, snapshot.SnapshotId),
        }));

        Assert.Equal(TrainingDataException.Ids.EmptyTrainingData, error.ErrorId);
        Assert.Empty(_tracking.SearchRuns(new RunQuery()));
    }

    [Fact]
    public void Retrain_ASingleClassLabel_IsRefused()
    {
        var schema = new TableSchema([new ColumnSpec("x", ColumnType.Double), new ColumnSpec("y", ColumnType.Int64)]);
        _catalog.Append("flat", [new ColumnBatch(schema, [Enumerable.Range(0, 100).Select(i => (double)i).ToArray(), new long[100]], 100)]);

        var error = Assert.Throws<TrainingDataException>(() => _retrainer.Retrain(new RetrainRequest { Table = "flat", Label = "y" }));

        Assert.Equal(TrainingDataException.Ids.SingleClassLabel, error.ErrorId);
    }

    [Fact]
    public void Retrain_AnUnknownSnapshot_IsNotFound()
    {
        AppendTelco(500, seed: 11);

        Assert.Throws<SnapshotNotFoundException>(() => _retrainer.Retrain(new RetrainRequest { Table = "telco", Selection = DataSelection.NewestBatch(12345) }));
    }

    [Fact]
    public void Retrain_FailingAfterTheRunStarted_EndsTheRunAsFailedWithTheError()
    {
        AppendTelco(500, seed: 12);

        var error = Assert.Throws<XGBoostException>(() => _retrainer.Retrain(new RetrainRequest
        {
            Table = "telco",
            Hyperparameters = new Dictionary<string, object?> { ["max_depth"] = "deep" },
        }));

        var run = Assert.Single(_tracking.SearchRuns(new RunQuery()));
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(error.Message, run.ErrorMessage);
    }

    private Snapshot AppendTelco(int rows, int seed) =>
        _catalog.Append("telco", SyntheticDatasets.Get("TelcoCellTowers").Generate(rows, seed), new AppendOptions { Dataset = "TelcoCellTowers" });

    private static Dictionary<string, object?> Rounds(int rounds) => new() { ["n_estimators"] = rounds };

    private static string ModelFile(Run run) =>
        Path.Combine(ModelArtifactLayout.ModelDirectory(run.ArtifactUri), ModelArtifactLayout.ModelFileName);
}
