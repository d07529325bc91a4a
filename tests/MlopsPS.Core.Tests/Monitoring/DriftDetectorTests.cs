using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Retraining;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tests.Serving;
using MlopsPS.Core.Tests.TestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// Drift over real stores: batches made with the dataset's drift (what <c>New-Batch -Drift</c> appends) are flagged on
/// the shifted features and only there; batches of one distribution, 1,440 rows each with different seeds, are flagged on
/// no feature; a run's training rows and an endpoint's logged inputs serve as either side.
/// </summary>
public sealed class DriftDetectorTests : IDisposable
{
    private const int DayOfMinutes = 1_440;
    private static readonly string[] s_telcoShifted = ["iot_signal_1", "iot_signal_2", "iot_signal_4"];

    private readonly TemporaryStore _temp = new();
    private readonly TableCatalog _catalog;
    private readonly DriftDetector _detector;

    public DriftDetectorTests()
    {
        _catalog = new TableCatalog(_temp.Store);
        _detector = new DriftDetector(_temp.Store);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void DriftedTelcoBatch_IsFlaggedOnTheShiftedSignals_AndNotOnIotSignal3()
    {
        Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 101);
        Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 102, DriftSpec.Default);

        // Defaults: the newest batch against the batch before it, on the dataset's features.
        var result = _detector.CompareSnapshots("telco");

        Assert.Equal(["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], result.Features.Select(f => f.Feature));
        foreach (var feature in result.Features)
        {
            var shifted = s_telcoShifted.Contains(feature.Feature);
            Assert.True(shifted == feature.Drifted, $"{feature.Feature}: PSI {feature.Psi:F3}, D {feature.KsStatistic:F3}, p {feature.KsPValue:G3}");
            Assert.Equal(shifted, feature.PsiDrifted);
            Assert.Equal(shifted, feature.KsDrifted);
            Assert.Equal(DayOfMinutes, feature.BaselineCount);
            Assert.Equal(DayOfMinutes, feature.CurrentCount);
        }

        // docs/datasets.md: the mean of iot_signal_1 moves up by 3 at full drift.
        var signal1 = result.Features[0];
        Assert.InRange(signal1.CurrentMean - signal1.BaselineMean, 2.7, 3.3);
        Assert.True(signal1.Psi > 2, $"PSI {signal1.Psi}");
    }

    [Fact]
    public void DriftedCreditCardBatch_IsFlaggedOnTheAmountAndTheBankBalance()
    {
        Append("cards", CreditCardTransactions.DatasetName, DayOfMinutes, seed: 101);
        Append("cards", CreditCardTransactions.DatasetName, DayOfMinutes, seed: 102, DriftSpec.Default);

        var result = _detector.CompareSnapshots("cards");

        Assert.Equal(["bank_account_balance", "transaction_amount"], result.Drifted.Select(f => f.Feature).Order());
    }

    [Theory]
    [InlineData("TelcoCellTowers")]
    [InlineData("CreditCardTransactions")]
    public void SameDistribution_WithDifferentSeeds_IsFlaggedOnNoFeature(string dataset)
    {
        var ids = Enumerable.Range(1, 8).Select(seed => Append("t", dataset, DayOfMinutes, seed).SnapshotId).ToArray();

        for (var i = 1; i < ids.Length; i++)
        {
            var result = _detector.CompareSnapshots("t", baselineSnapshotId: ids[i - 1], currentSnapshotId: ids[i]);

            Assert.Equal(SyntheticDatasets.Get(dataset).DefaultFeatures, result.Features.Select(f => f.Feature));
            foreach (var feature in result.Features)
            {
                Assert.False(feature.Drifted, $"seeds {i}/{i + 1} {feature.Feature}: PSI {feature.Psi:F3}, D {feature.KsStatistic:F3}, p {feature.KsPValue:G3}");
                Assert.True(feature.Psi < 0.1, $"{feature.Feature}: PSI {feature.Psi:F3}");
            }
        }
    }

    [Fact]
    public void TableScope_ComparesTheTableAsOfEachSnapshot_NotTheBatches()
    {
        var first = Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 1);
        Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 2, DriftSpec.Default);
        var third = Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 3, DriftSpec.Default);

        var table = _detector.CompareSnapshots("telco", first.SnapshotId, third.SnapshotId, SnapshotScope.Table);
        var batches = _detector.CompareSnapshots("telco", first.SnapshotId, third.SnapshotId, SnapshotScope.Batch);

        Assert.All(table.Features, f => Assert.Equal(3 * DayOfMinutes, f.CurrentCount));
        Assert.All(batches.Features, f => Assert.Equal(DayOfMinutes, f.CurrentCount));
        Assert.Contains("as of snapshot", table.Current);
        // Two thirds of the table drifted: flagged, but less than the drifted batch alone.
        var signal4 = table.Features.Single(f => f.Feature == "iot_signal_4");
        Assert.True(signal4.Drifted);
        Assert.True(signal4.Psi < batches.Features.Single(f => f.Feature == "iot_signal_4").Psi);
    }

    [Fact]
    public void FirstSnapshot_HasNoBaseline_AndAnEmptyBatchHasNothingToCompare()
    {
        var first = Append("telco", TelcoCellTowers.DatasetName, 100, seed: 1);

        var noParent = Assert.Throws<DriftBaselineNotFoundException>(() => _detector.CompareSnapshots("telco"));
        Assert.Contains("-Baseline", noParent.Message);

        var empty = _catalog.Append("telco", [], new AppendOptions { Dataset = TelcoCellTowers.DatasetName });
        Assert.Throws<DriftSampleEmptyException>(() => _detector.CompareSnapshots("telco", first.SnapshotId, empty.SnapshotId));
    }

    [Fact]
    public void ExplicitFeatures_MustBeNumericColumns()
    {
        Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 1);
        Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 2);

        Assert.Throws<UnknownColumnException>(() => _detector.CompareSnapshots("telco", features: ["nope"]));
        Assert.Throws<DriftArgumentException>(() => _detector.CompareSnapshots("telco", features: ["manufacturer"]));
        var latitude = Assert.Single(_detector.CompareSnapshots("telco", features: ["latitude"]).Features);
        Assert.False(latitude.Drifted);
    }

    [Fact]
    public void Thresholds_AreChecked_AndDecideTheFlags()
    {
        Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 1);
        Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 2);

        Assert.Throws<DriftArgumentException>(() => _detector.CompareSnapshots("telco", thresholds: new DriftThresholds { Bins = 1 }));
        Assert.Throws<DriftArgumentException>(() => _detector.CompareSnapshots("telco", thresholds: new DriftThresholds { KsPValue = 1.5 }));
        // A PSI line below any real PSI flags everything; the KS flag still needs its effect size.
        var strict = _detector.CompareSnapshots("telco", thresholds: new DriftThresholds { Psi = 1e-9 });
        Assert.All(strict.Features, f => Assert.True(f.PsiDrifted && f.Drifted && !f.KsDrifted));
    }

    [Fact]
    public void RunBaseline_IsTheRowsTheRunWasTrainedOn_FoundFromItsLineageTags()
    {
        var trained = Append("telco", TelcoCellTowers.DatasetName, 2000, seed: 11);
        Append("telco", TelcoCellTowers.DatasetName, 2000, seed: 12);
        var run = new Retrainer(_temp.Store).Retrain(new RetrainRequest
        {
            Table = "telco",
            Selection = DataSelection.NewestBatch(trained.SnapshotId),
            Hyperparameters = new Dictionary<string, object?> { ["n_estimators"] = 3 },
        }).Run;
        Append("telco", TelcoCellTowers.DatasetName, DayOfMinutes, seed: 13, DriftSpec.Default);

        var result = _detector.CompareRunWithSnapshot(run.RunId);

        Assert.All(result.Features, f => Assert.Equal(2000, f.BaselineCount));
        Assert.Contains(run.RunId[..8], result.Baseline);
        Assert.Equal(s_telcoShifted, result.Drifted.Select(f => f.Feature));
    }

    [Fact]
    public void Endpoint_ComparesTheInputsOfRealScoredRequestsWithTheServedModelsTrainingRows()
    {
        var manager = ServingTestSupport.Manager(_temp.Store);
        try
        {
            Append("telco", TelcoCellTowers.DatasetName, 2000, seed: 21);
            var run = new Retrainer(_temp.Store).Retrain(new RetrainRequest { Table = "telco", Hyperparameters = new Dictionary<string, object?> { ["n_estimators"] = 3 } }).Run;
            var version = new ModelRegistry(_temp.Store).RegisterRunModel("celltower", run.RunId);
            var deployment = manager.Publish("celltower", version);
            var features = version.Signature.Select(i => i.Name).ToArray();

            // Requests like the training rows, then drifted ones, through the endpoint: the host logs every row.
            using var client = new ScoringClient(new Uri(deployment.Url!));
            Score(client, Generate(TelcoCellTowers.DatasetName, DayOfMinutes, seed: 22, drift: null), features);
            MonitoringTestSupport.WaitForLogged(_temp.Store, "celltower", DayOfMinutes);
            Thread.Sleep(20);
            var driftStarted = DateTime.UtcNow;
            Thread.Sleep(20);
            Score(client, Generate(TelcoCellTowers.DatasetName, DayOfMinutes, seed: 23, DriftSpec.Default), features);
            Assert.Equal(2 * DayOfMinutes, MonitoringTestSupport.WaitForLogged(_temp.Store, "celltower", 2 * DayOfMinutes).Count);

            var recent = _detector.CompareEndpoint("celltower");
            var beforeDrift = _detector.CompareEndpoint("celltower", new DriftWindow(End: driftStarted));
            var sinceDrift = _detector.CompareEndpoint("celltower", new DriftWindow(Start: driftStarted));

            Assert.All(recent.Features, f => Assert.Equal(DriftWindow.DefaultLast, f.CurrentCount));
            Assert.All(recent.Features, f => Assert.Equal(2000, f.BaselineCount));
            Assert.Equal(s_telcoShifted, recent.Drifted.Select(f => f.Feature));
            Assert.Empty(beforeDrift.Drifted);
            Assert.All(beforeDrift.Features, f => Assert.Equal(DayOfMinutes, f.CurrentCount));
            Assert.Equal(s_telcoShifted, sinceDrift.Drifted.Select(f => f.Feature));
            Assert.All(sinceDrift.Features, f => Assert.Equal(DayOfMinutes, f.CurrentCount));
            Assert.Contains("predictions of endpoint 'celltower'", recent.Current);

            var none = Assert.Throws<DriftSampleEmptyException>(() => _detector.CompareEndpoint("celltower", new DriftWindow(Start: DateTime.UtcNow.AddHours(1))));
            Assert.Contains("no predictions", none.Message);
        }
        finally
        {
            ServingTestSupport.StopAll(manager);
        }
    }

    [Fact]
    public void Predictions_WithMissingInputs_LeaveThoseValuesOut()
    {
        var start = DateTime.UtcNow.AddMinutes(-10);
        DriftTestLog.Record(_temp.Store, DriftTestLog.Source("celltower", "a", "b"),
        [
            new(start, [1.5f, float.NaN], 0.1f, 100),
            new(start.AddSeconds(1), [2.5f, float.NaN], 0.1f, 100),
            new(start.AddSeconds(2), [float.NaN, 3], 0.9f, 100),
        ]);

        var sample = DriftSampleReader.FromPredictions(_temp.Store, "celltower", new DriftWindow(), ["a", "b", "c"]);

        Assert.Equal(3, sample.Rows);
        Assert.Equal([1.5, 2.5], sample.Values("a"));
        Assert.Equal([3.0], sample.Values("b"));
        Assert.Empty(sample.Values("c"));
    }

    private Snapshot Append(string table, string dataset, int rows, int seed, DriftSpec? drift = null) =>
        _catalog.Append(table, SyntheticDatasets.Get(dataset).Generate(rows, seed, drift), new AppendOptions { Dataset = SyntheticDatasets.Get(dataset).Name });

    private static ColumnBatch Generate(string dataset, int rows, int seed, DriftSpec? drift) =>
        Sources.Batches.Concat(SyntheticDatasets.Get(dataset).Generate(rows, seed, drift));

    private static void Score(ScoringClient client, ColumnBatch rows, IReadOnlyList<string> features)
    {
        // Requests of 100 rows, as Invoke-ModelEndpoint batches them.
        var values = DriftTestLog.Inputs(rows, features).SelectMany(r => r.Select(v => (double)v)).ToArray();
        for (var start = 0; start < rows.RowCount; start += 100)
        {
            var count = Math.Min(100, rows.RowCount - start);
            client.Score(features, values.AsSpan(start * features.Count, count * features.Count), count);
        }
    }
}
