using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

public class XGBoostTrainerTests
{
    [Fact]
    public void Train_LabelDependsOnFeatures_TestSplitRocAucIsWellAboveChance()
    {
        var (features, labels) = SyntheticData.Signal(1500, seed: 7);
        var split = StratifiedSplit.Create(labels, seed: 42);
        var (trainX, trainY) = split.SelectTrain(features, labels);
        var (testX, testY) = split.SelectTest(features, labels);

        using var model = SyntheticData.SmallTrainer(rounds: 30).Train(trainX, trainY);
        var metrics = BinaryClassificationMetrics.Compute(testY, model.PredictProbabilities(testX));

        Assert.True(metrics.RocAuc > 0.9, $"roc_auc {metrics.RocAuc}");
        Assert.True(metrics.Accuracy > 0.8, $"accuracy {metrics.Accuracy}");
        Assert.Equal(30, model.BoostedRounds);
        Assert.Equal(29, model.BestIteration);
        Assert.Equal(SyntheticData.Columns, model.FeatureNames);
    }

    [Fact]
    public void Train_SameDataSeedAndParameters_ProducesByteIdenticalJson()
    {
        var (features, labels) = SyntheticData.Signal(800, seed: 3);
        // Row and column sampling make the seed matter; nthread 2 exercises the parallel histogram code.
        var parameters = XGBoostParameters.Default.With(new Dictionary<string, object?>
        {
            ["max_depth"] = 4,
            ["subsample"] = 0.8,
            ["colsample_bytree"] = 0.75,
            ["nthread"] = 2,
            ["seed"] = 11,
        });
        var trainer = new XGBoostTrainer(parameters, rounds: 15);

        using var first = trainer.Train(features, labels);
        using var second = trainer.Train(features, labels);

        Assert.Equal(first.ToJson(), second.ToJson());
    }

    [Theory]
    [InlineData("tree_method", "exact")]
    [InlineData("tree_method", "approx")]
    [InlineData("booster", "gblinear")]
    [InlineData("max_bin", "16")]
    public void Train_MethodsBesidesDefaultHist_TrainWithAnEvaluationSet(string parameter, string value)
    {
        // hist alone trains from a quantile DMatrix; exact, approx and gblinear need the values, max_bin sizes the bins.
        var (features, labels) = SyntheticData.Signal(1500, seed: 5);
        var (evalX, evalY) = SyntheticData.Signal(500, seed: 6);
        var parameters = SyntheticData.SmallTrainer().Parameters.With(parameter, value);

        // The evaluation set's predictions as a retrain takes them (in-place prediction has no gblinear).
        using var fitted = new XGBoostTrainer(parameters, rounds: 10).Fit(features, labels, evalX, evalY, progress: null, CancellationToken.None);
        var metrics = BinaryClassificationMetrics.Compute(evalY, fitted.EvalPredictions);

        Assert.Equal(10, fitted.EvalHistory.Count);
        Assert.True(metrics.RocAuc > 0.85, $"roc_auc {metrics.RocAuc}");
    }

    [Fact]
    public void Train_MaxBin_ReachesTheQuantileMatrix()
    {
        // With 8 bins per feature every split threshold is one of 8 cut points; with the default 256 there are more.
        var (features, labels) = SyntheticData.Signal(3000, seed: 8);
        using var coarse = new XGBoostTrainer(SyntheticData.SmallTrainer().Parameters.With("max_bin", 8), rounds: 20).Train(features, labels);
        using var fine = new XGBoostTrainer(SyntheticData.SmallTrainer().Parameters, rounds: 20).Train(features, labels);

        Assert.True(DistinctThresholds(coarse, feature: 0) <= 8, $"{DistinctThresholds(coarse, 0)} thresholds on feature 0 with max_bin 8");
        Assert.True(DistinctThresholds(fine, feature: 0) > 8);
    }

    private static int DistinctThresholds(TrainedModel model, int feature)
    {
        using var json = System.Text.Json.JsonDocument.Parse(model.ToJson());
        var thresholds = new HashSet<float>();
        foreach (var tree in json.RootElement.GetProperty("learner").GetProperty("gradient_booster").GetProperty("model").GetProperty("trees").EnumerateArray())
        {
            var splits = tree.GetProperty("split_indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var conditions = tree.GetProperty("split_conditions").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            var leftChildren = tree.GetProperty("left_children").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            for (var node = 0; node < splits.Length; node++)
            {
                if (leftChildren[node] != -1 && splits[node] == feature)
                {
                    thresholds.Add(conditions[node]);
                }
            }
        }

        return thresholds.Count;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(3)]
    public void Fit_TheTrainingBoostersJsonAndImportance_AreThoseOfTheModelLoadedFromIt(int? earlyStopping)
    {
        // A retrain saves the training booster without loading it again; the file must be the one Train's model saves.
        var (features, labels) = SyntheticData.Signal(600, seed: 13);
        var (evalX, evalY) = SyntheticData.Signal(300, seed: 14);
        var trainer = new XGBoostTrainer(SyntheticData.SmallTrainer(rounds: 25).Parameters.With("nthread", 2), 25, earlyStopping);

        using var fitted = trainer.Fit(features, labels, evalX, evalY, progress: null, CancellationToken.None);
        using var model = fitted.ToModel(predictThreads: 1);

        Assert.Equal(model.ToJson(), fitted.ToJson());
        Assert.Equal(model.FeatureImportanceGain(), fitted.FeatureImportanceGain());
        Assert.Equal(model.EvalPredictions, fitted.EvalPredictions);
    }

    [Fact]
    public void Train_DifferentSeedWithSubsampling_ProducesDifferentModel()
    {
        // Guards the determinism test above: if the seed did not reach libxgboost, both would pass.
        var (features, labels) = SyntheticData.Signal(800, seed: 3);
        var parameters = XGBoostParameters.Default.With("subsample", 0.8).With("max_depth", 4);

        using var first = new XGBoostTrainer(parameters.With("seed", 1), rounds: 5).Train(features, labels);
        using var second = new XGBoostTrainer(parameters.With("seed", 2), rounds: 5).Train(features, labels);

        Assert.NotEqual(first.ToJson(), second.ToJson());
    }

    [Fact]
    public void Train_NoisyLabelsWithEarlyStopping_StopsBeforeRoundLimitAndKeepsBestRounds()
    {
        var (features, labels) = SyntheticData.Noise(600, seed: 5);
        var split = StratifiedSplit.Create(labels, seed: 1);
        var (trainX, trainY) = split.SelectTrain(features, labels);
        var (testX, testY) = split.SelectTest(features, labels);

        using var model = SyntheticData.SmallTrainer(rounds: 200, earlyStoppingRounds: 5).Train(trainX, trainY, testX, testY);

        var roundsRun = model.EvalHistory.Count;
        Assert.True(roundsRun < 200, $"ran all {roundsRun} rounds");
        // Stopped exactly 5 rounds without improvement after the best one.
        Assert.Equal(model.BestIteration + 1 + 5, roundsRun);
        Assert.Equal(Enumerable.Range(0, roundsRun), model.EvalHistory.Select(p => p.Step));
        Assert.Equal(model.BestIteration + 1, model.BoostedRounds);
        Assert.Equal(model.EvalHistory.Min(p => p.Value), model.BestScore);
        Assert.Equal(model.EvalHistory[model.BestIteration].Value, model.BestScore);
        Assert.Equal("logloss", model.EvalMetric);
    }

    [Fact]
    public void Train_WithEvalSetAndNoEarlyStopping_RecordsOneMetricPointPerRound()
    {
        var (features, labels) = SyntheticData.Signal(400, seed: 9);
        var (evalX, evalY) = SyntheticData.Signal(200, seed: 10);

        using var model = SyntheticData.SmallTrainer(rounds: 12).Train(features, labels, evalX, evalY);

        Assert.Equal(12, model.EvalHistory.Count);
        Assert.Equal(12, model.BoostedRounds);
        Assert.Equal(11, model.BestIteration);
        Assert.Equal(model.EvalHistory[^1].Value, model.BestScore);
        // The reported logloss is libxgboost's; it must match our own computation on the eval set.
        var ours = BinaryClassificationMetrics.ComputeLogLoss(evalY, model.PredictProbabilities(evalX));
        Assert.Equal(ours, model.EvalHistory[^1].Value, precision: 5);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(3)]
    public void Train_WithEvalSet_HandsBackTheEvalRowsPredictions_EqualToPredictingThemAgain(int? earlyStopping)
    {
        var (features, labels) = SyntheticData.Signal(400, seed: 11);
        var (evalX, evalY) = SyntheticData.Signal(200, seed: 12);
        var trainer = new XGBoostTrainer(SyntheticData.SmallTrainer(rounds: 30).Parameters, 30, earlyStopping);

        using var model = trainer.Train(features, labels, evalX, evalY);

        var again = model.PredictProbabilities(evalX);
        Assert.NotNull(model.EvalPredictions);
        Assert.Equal(again.Length, model.EvalPredictions!.Length);
        Assert.All(again.Zip(model.EvalPredictions), pair => Assert.Equal(pair.First, pair.Second, 6));
    }

    [Fact]
    public void Train_ReportsProgressOncePerRoundWithEvalMetric()
    {
        var (features, labels) = SyntheticData.Signal(300, seed: 2);
        var reports = new List<TrainingProgress>();

        using var model = SyntheticData.SmallTrainer(rounds: 8).Train(features, labels, features, labels, new SyncProgress<TrainingProgress>(reports.Add));

        Assert.Equal(Enumerable.Range(1, 8), reports.Select(r => r.Round));
        Assert.All(reports, r => Assert.Equal(8, r.TotalRounds));
        Assert.All(reports, r => Assert.Equal("logloss", r.MetricName));
        Assert.Equal(model.EvalHistory.Select(p => (double?)p.Value), reports.Select(r => r.MetricValue));
    }

    [Fact]
    public void FromSettings_SplitsLoopSettingsFromBoosterParameters()
    {
        var trainer = XGBoostTrainer.FromSettings(new Dictionary<string, object?>
        {
            ["n_estimators"] = 40,
            ["early_stopping_rounds"] = "7",
            ["learning_rate"] = 0.05,
            ["max_depth"] = 3,
        });

        Assert.Equal(40, trainer.Rounds);
        Assert.Equal(7, trainer.EarlyStoppingRounds);
        Assert.Equal("0.05", trainer.Parameters["eta"]);
        Assert.Equal("3", trainer.Parameters["max_depth"]);
        Assert.DoesNotContain(trainer.Parameters, p => p.Key is "n_estimators" or "early_stopping_rounds");
    }

    [Fact]
    public void Train_EarlyStoppingWithoutEvalSet_ThrowsArgumentException()
    {
        var (features, labels) = SyntheticData.Signal(100, seed: 1);
        Assert.Throws<ArgumentException>(() => SyntheticData.SmallTrainer(earlyStoppingRounds: 3).Train(features, labels));
    }

}
