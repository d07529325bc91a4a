using System.Text.Json;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

public sealed class TrainedModelTests : IDisposable
{
    private readonly FeatureMatrix _features;
    private readonly float[] _labels;
    private readonly TrainedModel _model;
    private readonly string _directory = Directory.CreateTempSubdirectory("mlopsps-model-").FullName;

    public TrainedModelTests()
    {
        (_features, _labels) = SyntheticData.Signal(300, seed: 21);
        // Two prediction threads, so batches of more than 64 rows take the other booster.
        _model = new XGBoostTrainer(XGBoostParameters.Default.With("max_depth", 4), rounds: 25) { PredictThreads = 2 }
            .Train(_features, _labels);
    }

    public void Dispose()
    {
        _model.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void PredictProbabilities_EightThreadsOnSingleRows_AgreeWithOneBatchPrediction()
    {
        var batch = _model.PredictProbabilities(_features);
        var rows = Enumerable.Range(0, _features.Rows)
            .Select(r => new FeatureMatrix(_features.Row(r).ToArray(), 1, _features.ColumnNames))
            .ToArray();
        var results = new float[8][];
        using var start = new Barrier(8);

        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var mine = new float[rows.Length];
            start.SignalAndWait();
            // Each thread walks the rows from a different offset so different rows run side by side.
            for (var i = 0; i < rows.Length; i++)
            {
                var r = (i + (t * 37)) % rows.Length;
                mine[r] = _model.PredictProbabilities(rows[r])[0];
            }

            results[t] = mine;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.All(results, single => Assert.Equal(batch, single));
    }

    [Fact]
    public void Dispose_WhileOtherThreadsPredict_EachPredictionFinishesOrThrowsObjectDisposed()
    {
        var model = new XGBoostTrainer(rounds: 10) { PredictThreads = 2 }.Train(_features, _labels);
        var single = new FeatureMatrix(_features.Row(0).ToArray(), 1, _features.ColumnNames);
        var unexpected = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var disposedSeen = 0;
        using var running = new CountdownEvent(4);

        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            running.Signal();
            try
            {
                // Alternate the single-row and the batch booster, and the contribution path.
                for (var i = 0; ; i++)
                {
                    _ = (i % 3) switch
                    {
                        0 => model.PredictProbabilities(single),
                        1 => model.PredictProbabilities(_features),
                        _ => model.PredictContributions(single),
                    };
                }
            }
            catch (ObjectDisposedException)
            {
                Interlocked.Increment(ref disposedSeen);
            }
            catch (Exception e)
            {
                unexpected.Add(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        running.Wait();
        Thread.Sleep(50);
        model.Dispose();
        threads.ForEach(t => t.Join());

        Assert.Empty(unexpected);
        Assert.Equal(4, disposedSeen);
    }

    [Fact]
    public void PredictContributions_EachRowSumsToItsMargin()
    {
        var contributions = _model.PredictContributions(_features);
        var margins = _model.PredictMargin(_features);
        var probabilities = _model.PredictProbabilities(_features);
        var width = _features.Columns + 1;

        Assert.Equal(_features.Rows * width, contributions.Length);
        for (var r = 0; r < _features.Rows; r++)
        {
            var sum = contributions.AsSpan(r * width, width).ToArray().Sum(v => (double)v);
            var logit = Math.Log(probabilities[r] / (1.0 - probabilities[r]));
            Assert.Equal(margins[r], sum, 1e-4);
            Assert.Equal(logit, sum, 1e-4);
        }
    }

    [Fact]
    public void PredictContributions_UnusedFeatureContributesNothingAndBiasIsLast()
    {
        // x2 never decides the label; the bias column is the same for every row.
        using var stump = new XGBoostTrainer(XGBoostParameters.Default.With("max_depth", 1), rounds: 1).Train(_features, _labels);
        var contributions = stump.PredictContributions(_features);
        var width = _features.Columns + 1;

        var bias = contributions[width - 1];
        for (var r = 0; r < _features.Rows; r++)
        {
            Assert.Equal(0f, contributions[(r * width) + 2]);
            Assert.Equal(bias, contributions[(r * width) + width - 1]);
        }
    }

    [Fact]
    public void SaveJson_ThenLoadJson_PredictsIdenticallyAndKeepsFeatureNames()
    {
        var path = Path.Combine(_directory, "model.json");
        _model.SaveJson(path);

        using var loaded = TrainedModel.LoadJson(path);

        Assert.Equal(_model.PredictProbabilities(_features), loaded.PredictProbabilities(_features));
        Assert.Equal(SyntheticData.Columns, loaded.FeatureNames);
        Assert.Equal(_model.BoostedRounds, loaded.BoostedRounds);
        Assert.Equal(_model.ToJson(), loaded.ToJson());
    }

    [Fact]
    public void ToJson_IsXGBoostJsonCarryingFeatureNames()
    {
        using var document = JsonDocument.Parse(_model.ToJson());
        var learner = document.RootElement.GetProperty("learner");

        Assert.Equal(SyntheticData.Columns, learner.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("binary:logistic", learner.GetProperty("objective").GetProperty("name").GetString());
        Assert.Equal(25, learner.GetProperty("gradient_booster").GetProperty("model").GetProperty("trees").GetArrayLength());
    }

    [Fact]
    public void LoadJson_WithFeatureNames_UsesThemAndRejectsWrongCount()
    {
        var json = _model.ToJson();
        string[] renamed = ["a", "b", "c", "d"];

        using var loaded = TrainedModel.LoadJson(json, renamed);

        Assert.Equal(renamed, loaded.FeatureNames);
        Assert.Equal(renamed, loaded.FeatureImportanceGain().Keys);
        Assert.Throws<ArgumentException>(() => TrainedModel.LoadJson(json, ["a", "b"]));
    }

    [Fact]
    public void PredictProbabilities_WrongColumnCount_ThrowsArgumentException()
    {
        var narrow = new FeatureMatrix(new float[6], 2, ["iot_signal_1", "iot_signal_2", "iot_signal_3"]);

        var error = Assert.Throws<ArgumentException>(() => _model.PredictProbabilities(narrow));
        Assert.Contains("expects 4 features", error.Message);
    }

    [Fact]
    public void PredictProbabilities_NoRows_ReturnsEmpty()
    {
        Assert.Empty(_model.PredictProbabilities(new FeatureMatrix([], 0, SyntheticData.Columns)));
    }

    [Fact]
    public void PredictProbabilities_MissingValues_AreAccepted()
    {
        var values = new float[] { float.NaN, float.NaN, float.NaN, float.NaN, 0.9f, float.NaN, 0.1f, 0.2f };

        var probabilities = _model.PredictProbabilities(new FeatureMatrix(values, 2, SyntheticData.Columns));

        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        Assert.True(probabilities[1] > 0.5f, "x0 = 0.9 should predict positive");
    }

    [Fact]
    public void FeatureImportanceGain_RanksTheDecisiveFeatureFirst()
    {
        var gain = _model.FeatureImportanceGain();

        Assert.Equal(SyntheticData.Columns, gain.Keys);
        Assert.Equal("iot_signal_1", gain.MaxBy(p => p.Value).Key);
        Assert.True(gain["iot_signal_1"] > gain["iot_signal_2"]);
        Assert.All(gain.Values, v => Assert.True(v >= 0));
    }

    [Fact]
    public void PredictThreads_DefaultsToAllProcessors()
    {
        using var model = TrainedModel.LoadJson(_model.ToJson());
        Assert.Equal(Environment.ProcessorCount, model.PredictThreads);
        Assert.Equal(_model.PredictProbabilities(_features), model.PredictProbabilities(_features));
    }
}
