using MlopsPS.Core.Tests.TestSupport;
using System.Text;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

/// <summary>Bad input fails with a useful message and frees every native handle on the way out.</summary>
[Collection(NativeHandleCollection.Name)]
public class TrainingFailureTests
{
    private static readonly (FeatureMatrix Features, float[] Labels) s_data = SyntheticData.Signal(200, seed: 4);

    [Fact]
    public void OpenHandles_CountsBothModelBoostersUntilTheModelIsDisposed()
    {
        // Proves the counter the leak assertions below rely on actually moves.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = XGBoostNative.OpenHandles;
        var model = new XGBoostTrainer(XGBoostParameters.Default.With("nthread", 2), rounds: 2) { PredictThreads = 2 }
            .Train(s_data.Features, s_data.Labels);

        Assert.Equal(before + 2, XGBoostNative.OpenHandles);
        model.Dispose();
        Assert.Equal(before, XGBoostNative.OpenHandles);
    }

    [Fact]
    public void Train_NaNLabel_ThrowsXGBoostExceptionWithLibxgboostMessage()
    {
        var labels = (float[])s_data.Labels.Clone();
        labels[17] = float.NaN;

        var error = ThrowsWithoutLeak<XGBoostException>(() => Train(s_data.Features, labels));

        Assert.Contains("Label contains NaN", error.Message);
        Assert.DoesNotContain("Stack trace", error.Message);
    }

    [Fact]
    public void Train_LabelOutsideZeroOneForBinaryLogistic_ThrowsXGBoostExceptionWithLibxgboostMessage()
    {
        var labels = (float[])s_data.Labels.Clone();
        labels[3] = 2f;

        var error = ThrowsWithoutLeak<XGBoostException>(() => Train(s_data.Features, labels));

        Assert.Contains("label must be in [0,1] for logistic regression", error.Message);
    }

    [Fact]
    public void Train_UnparsableParameterValue_ThrowsXGBoostExceptionWithLibxgboostMessage()
    {
        var trainer = new XGBoostTrainer(XGBoostParameters.Default.With("max_depth", "abc"), rounds: 2);

        var error = ThrowsWithoutLeak<XGBoostException>(() => trainer.Train(s_data.Features, s_data.Labels).Dispose());

        Assert.Contains("max_depth", error.Message);
        Assert.Contains("abc", error.Message);
    }

    [Fact]
    public void Train_UnknownObjective_ThrowsXGBoostExceptionWithLibxgboostMessage()
    {
        var trainer = new XGBoostTrainer(XGBoostParameters.Default.With("objective", "binary:nonsense"), rounds: 2);

        var error = ThrowsWithoutLeak<XGBoostException>(() => trainer.Train(s_data.Features, s_data.Labels).Dispose());

        Assert.Contains("binary:nonsense", error.Message);
    }

    [Theory]
    [InlineData(199)]
    [InlineData(400)] // libxgboost alone would take this as two targets per row and train a 2-output model.
    public void Train_LabelCountDiffersFromRowCount_ThrowsArgumentException(int labelCount)
    {
        var labels = new float[labelCount];

        var error = ThrowsWithoutLeak<ArgumentException>(() => Train(s_data.Features, labels));

        Assert.Contains($"{labelCount} labels for 200 rows", error.Message);
    }

    [Fact]
    public void Train_EvalLabelCountDiffersFromEvalRows_ThrowsArgumentException()
    {
        ThrowsWithoutLeak<ArgumentException>(() =>
            new XGBoostTrainer(rounds: 2).Train(s_data.Features, s_data.Labels, s_data.Features, new float[10]).Dispose());
    }

    [Fact]
    public void Train_ZeroRows_ThrowsArgumentException()
    {
        // libxgboost only logs "Empty dataset" and returns a model of nothing.
        var empty = new FeatureMatrix([], 0, SyntheticData.Columns);

        ThrowsWithoutLeak<ArgumentException>(() => Train(empty, []));
    }

    [Fact]
    public void Train_CancelledAfterThirdRound_ThrowsOperationCanceledWithoutLeak()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress<TrainingProgress>(p =>
        {
            if (p.Round == 3)
            {
                cancel.Cancel();
            }
        });

        ThrowsWithoutLeak<OperationCanceledException>(() =>
            new XGBoostTrainer(rounds: 50).Train(s_data.Features, s_data.Labels, s_data.Features, s_data.Labels, progress, cancel.Token).Dispose());
    }

    [Fact]
    public void Train_EarlyStoppingThatSlicesTheBooster_LeavesOnlyTheModelsHandles()
    {
        var (trainX, trainY) = SyntheticData.Noise(300, seed: 8);
        var (evalX, evalY) = SyntheticData.Noise(150, seed: 9);

        NativeHandleAssert.NoneLeaked(() =>
        {
            using var model = new XGBoostTrainer(rounds: 100, earlyStoppingRounds: 3).Train(trainX, trainY, evalX, evalY);
            Assert.True(model.BoostedRounds < model.EvalHistory.Count, "early stopping did not cut the booster");
        });
    }

    [Fact]
    public void LoadJson_NotAModel_ThrowsXGBoostExceptionWithoutLeak()
    {
        ThrowsWithoutLeak<XGBoostException>(() => TrainedModel.LoadJson(Encoding.UTF8.GetBytes("{\"learner\": 42}")).Dispose());
    }

    [Fact]
    public void PredictContributions_ManyCalls_FreesEachTemporaryMatrix()
    {
        using var model = new XGBoostTrainer(rounds: 3).Train(s_data.Features, s_data.Labels);

        NativeHandleAssert.NoneLeaked(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                model.PredictContributions(s_data.Features);
            }
        });
    }

    [Fact]
    public void Predict_AfterDispose_ThrowsObjectDisposedException()
    {
        var model = new XGBoostTrainer(rounds: 2).Train(s_data.Features, s_data.Labels);
        model.Dispose();
        model.Dispose(); // twice is harmless

        Assert.Throws<ObjectDisposedException>(() => model.PredictProbabilities(s_data.Features));
        Assert.Throws<ObjectDisposedException>(() => model.ToJson());
    }

    private static void Train(FeatureMatrix features, float[] labels) =>
        new XGBoostTrainer(rounds: 2).Train(features, labels).Dispose();

    private static T ThrowsWithoutLeak<T>(Action action)
        where T : Exception
    {
        T? error = null;
        NativeHandleAssert.NoneLeaked(() => error = Assert.ThrowsAny<T>(action));
        return error!;
    }
}
