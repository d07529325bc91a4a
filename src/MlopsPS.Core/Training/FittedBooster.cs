using static MlopsPS.Core.Training.XGBoostNative;

namespace MlopsPS.Core.Training;

/// <summary>
/// The booster that <see cref="XGBoostTrainer.Fit"/> trained, still holding its training state, with what the
/// training observed: the eval history, the eval rows' final probabilities and the time spent.
/// </summary>
/// <remarks>
/// For a caller that only saves the model (a retrain writes the JSON and the importance, then is done), this is the
/// model without a second load: <see cref="ToJson"/> is the file, byte for byte the one <see cref="ToModel"/>'s
/// model saves. A model to predict with comes from <see cref="ToModel"/>, loaded from that JSON, so it carries no
/// training state. Single-threaded use only.
/// </remarks>
internal sealed class FittedBooster : IDisposable
{
    private readonly SafeBoosterHandle _booster;

    internal FittedBooster(
        SafeBoosterHandle booster,
        IReadOnlyList<string> featureNames,
        string? evalMetric,
        IReadOnlyList<EvalPoint> evalHistory,
        float[]? evalPredictions,
        TimeSpan dmatrixTime,
        TimeSpan roundsTime)
    {
        _booster = booster;
        FeatureNames = featureNames;
        EvalMetric = evalMetric;
        EvalHistory = evalHistory;
        EvalPredictions = evalPredictions;
        DMatrixTime = dmatrixTime;
        RoundsTime = roundsTime;
    }

    /// <summary>Feature names, in column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Name of the evaluation metric in <see cref="EvalHistory"/>; null without an evaluation set.</summary>
    public string? EvalMetric { get; }

    /// <summary>The evaluation metric after every round run.</summary>
    public IReadOnlyList<EvalPoint> EvalHistory { get; }

    /// <summary>The final model's probabilities for the evaluation rows, from libxgboost's prediction cache.</summary>
    public float[]? EvalPredictions { get; }

    /// <summary>Building the training and evaluation DMatrix objects.</summary>
    public TimeSpan DMatrixTime { get; }

    /// <summary>The boosting rounds with their evaluations (and, after early stopping, the cut).</summary>
    public TimeSpan RoundsTime { get; }

    /// <summary>The model in XGBoost's JSON format, UTF-8.</summary>
    public byte[] ToJson() => TrainedModel.SaveToBuffer(_booster);

    /// <summary>Average gain of the splits on each feature, in feature order (see <see cref="TrainedModel.FeatureImportanceGain"/>).</summary>
    public IReadOnlyDictionary<string, double> FeatureImportanceGain() => TrainedModel.FeatureImportanceGain(_booster, FeatureNames);

    /// <summary>The model loaded from its own JSON, with <paramref name="predictThreads"/> threads for large batches.</summary>
    public TrainedModel ToModel(int predictThreads)
    {
        // Without early stopping the last round is the model, so its score is the best score.
        double? lastScore = EvalHistory.Count > 0 ? EvalHistory[^1].Value : null;
        return TrainedModel.FromJson(ToJson(), FeatureNames, EvalMetric, EvalHistory, lastScore, predictThreads, EvalPredictions);
    }

    public void Dispose() => _booster.Dispose();
}
