using System.Diagnostics;
using System.Globalization;
using static MlopsPS.Core.Training.XGBoostNative;

namespace MlopsPS.Core.Training;

/// <summary>
/// A configured XGBoost training run: parameters, number of rounds, optional early stopping. It holds
/// no native state; <see cref="Train"/> returns a <see cref="TrainedModel"/> that owns the booster.
/// </summary>
/// <remarks>
/// Determinism (libxgboost 1.7.4, hist): the same data, parameters and seed give a byte-identical JSON
/// model, also with two threads and row/column subsampling (tested). The trees are also identical to
/// Python's <c>xgb.train</c> on the same data and parameters; that JSON differs only in feature names and
/// the best_iteration/best_ntree_limit attributes Python adds.
/// </remarks>
public sealed class XGBoostTrainer
{
    /// <summary>Default number of boosting rounds (sklearn's n_estimators default).</summary>
    public const int DefaultRounds = 100;

    private const string EvalSetName = "eval";

    // libxgboost's default max_bin.
    private const int DefaultMaxBin = 256;

    public XGBoostTrainer(XGBoostParameters? parameters = null, int rounds = DefaultRounds, int? earlyStoppingRounds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        if (earlyStoppingRounds is { } patience)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1, nameof(earlyStoppingRounds));
        }

        Parameters = parameters ?? XGBoostParameters.Default;
        Rounds = rounds;
        EarlyStoppingRounds = earlyStoppingRounds;
    }

    /// <summary>Booster parameters sent to libxgboost, in order.</summary>
    public XGBoostParameters Parameters { get; }

    /// <summary>Maximum number of boosting rounds.</summary>
    public int Rounds { get; }

    /// <summary>
    /// Stop when the evaluation metric has not improved for this many rounds (Python's
    /// <c>early_stopping_rounds</c>); null trains all <see cref="Rounds"/>.
    /// </summary>
    public int? EarlyStoppingRounds { get; }

    /// <summary>
    /// libxgboost threads for the trained model's predictions of more than <see cref="TrainedModel.SmallBatchRows"/>
    /// rows; 0 = all logical processors. Training itself uses the <c>nthread</c> parameter.
    /// </summary>
    public int PredictThreads { get; init; }

    /// <summary>
    /// A trainer from one flat settings map, as a user writes it (a PowerShell hashtable, MLflow params):
    /// <c>n_estimators</c> / <c>num_boost_round</c> and <c>early_stopping_rounds</c> configure the loop,
    /// everything else overrides <see cref="XGBoostParameters.Default"/>.
    /// </summary>
    public static XGBoostTrainer FromSettings(IDictionary<string, object?>? settings)
    {
        var rounds = DefaultRounds;
        int? patience = null;
        var overrides = new List<KeyValuePair<string, object?>>();
        foreach (var (name, value) in settings ?? new Dictionary<string, object?>())
        {
            switch (name.Trim())
            {
                case "n_estimators" or "num_boost_round":
                    rounds = ToInt(name, value) ?? DefaultRounds;
                    break;
                case "early_stopping_rounds":
                    patience = ToInt(name, value);
                    break;
                default:
                    overrides.Add(new(name, value));
                    break;
            }
        }

        return new XGBoostTrainer(XGBoostParameters.Default.With(overrides), rounds, patience);
    }

    /// <summary>
    /// Trains a booster on <paramref name="train"/> and <paramref name="labels"/>. With an evaluation set
    /// the metric is computed after every round, reported through <paramref name="progress"/>, recorded
    /// in <see cref="TrainedModel.EvalHistory"/>, and used for early stopping.
    /// </summary>
    /// <remarks>The model is loaded again from its own JSON: it carries no training state and predicts exactly like
    /// the file it saves.</remarks>
    /// <exception cref="XGBoostException">libxgboost rejected the data or a parameter; its message says why.</exception>
    /// <exception cref="ArgumentException">No rows, not one label per row, mismatched evaluation columns, or early
    /// stopping without an evaluation set: shapes libxgboost would accept silently or not check.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between two rounds.</exception>
    public TrainedModel Train(
        FeatureMatrix train,
        float[] labels,
        FeatureMatrix? eval = null,
        float[]? evalLabels = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        using var fitted = Fit(train, labels, eval, evalLabels, progress, cancellationToken);
        return fitted.ToModel(PredictThreads);
    }

    /// <summary>
    /// <see cref="Train"/> without the reload: the training booster itself, for a caller that saves the model and
    /// is done with it. Same checks and exceptions.
    /// </summary>
    internal FittedBooster Fit(
        FeatureMatrix train,
        float[] labels,
        FeatureMatrix? eval,
        float[]? evalLabels,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var matrices = CreateMatrices(train, labels, eval, evalLabels);
        return Fit(matrices, progress, cancellationToken);
    }

    /// <summary>
    /// Checks the rows and copies them into libxgboost's matrices, the first half of <see cref="Fit(FeatureMatrix,
    /// float[], FeatureMatrix?, float[]?, IProgress{TrainingProgress}?, CancellationToken)"/>: a caller that holds
    /// large feature matrices can let them go before the rounds allocate their own memory.
    /// </summary>
    internal TrainingMatrices CreateMatrices(FeatureMatrix train, float[] labels, FeatureMatrix? eval, float[]? evalLabels)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(labels);
        if ((eval is null) != (evalLabels is null))
        {
            throw new ArgumentException("An evaluation set needs both its matrix and its labels.", eval is null ? nameof(eval) : nameof(evalLabels));
        }

        if (EarlyStoppingRounds is not null && eval is null)
        {
            throw new ArgumentException("Early stopping needs an evaluation set.", nameof(eval));
        }

        if (eval is not null && !eval.ColumnNames.SequenceEqual(train.ColumnNames))
        {
            throw new ArgumentException("The evaluation set must have the training set's columns, in the same order.", nameof(eval));
        }

        CheckShape(train, labels, nameof(train), nameof(labels));
        if (eval is not null)
        {
            CheckShape(eval, evalLabels!, nameof(eval), nameof(evalLabels));
        }

        XGBoostLibrary.EnsureLoaded();
        var started = Stopwatch.GetTimestamp();
        var dtrain = CreateMatrix(train, labels, quantileBins: HistogramBins);
        try
        {
            var deval = eval is null ? null : CreateMatrix(eval, evalLabels!, quantileBins: null);
            return new TrainingMatrices(dtrain, deval, train.ColumnNames, eval?.Rows ?? 0, Stopwatch.GetElapsedTime(started));
        }
        catch
        {
            dtrain.Dispose();
            throw;
        }
    }

    /// <summary>The rounds on matrices from <see cref="CreateMatrices"/>; the caller disposes them afterwards.</summary>
    internal FittedBooster Fit(TrainingMatrices matrices, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        cancellationToken.ThrowIfCancellationRequested();
        var (dtrain, deval) = (matrices.Train, matrices.Eval);
        var booster = deval is null ? CreateBooster(dtrain) : CreateBooster(dtrain, deval);
        try
        {
            foreach (var (name, value) in Parameters)
            {
                Check(XGBoosterSetParam(booster, name, value));
            }

            // On the booster, not only the DMatrix: the booster is what the saved JSON is written from.
            SetFeatureNames(booster, matrices.ColumnNames);

            var started = Stopwatch.GetTimestamp();
            var (history, metric, best) = Boost(booster, dtrain, deval, progress, cancellationToken);
            if (EarlyStoppingRounds is not null && best is { } b)
            {
                booster = KeepRounds(booster, b.Step + 1);
                // The attributes Python's early stopping writes, so sklearn's predict also stops there.
                Check(XGBoosterSetAttr(booster, "best_iteration", b.Step.ToString(CultureInfo.InvariantCulture)));
                Check(XGBoosterSetAttr(booster, "best_score", b.Value.ToString("R", CultureInfo.InvariantCulture)));
            }

            // The evaluation rows' final probabilities come from the prediction cache the eval rounds kept up to
            // date, so scoring the test split costs nothing more (after early stopping the trimmed booster
            // predicts them afresh).
            var evalPredictions = deval is null ? null : TrainedModel.PredictCached(booster, deval, matrices.EvalRows);
            return new FittedBooster(
                booster, matrices.ColumnNames, metric, history.AsReadOnly(), evalPredictions, matrices.BuildTime, Stopwatch.GetElapsedTime(started));
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    // libxgboost checks label values (NaN, range for the objective) with clear messages, but not these:
    // it trains a model from zero rows, and it takes k x rows labels as a k-target problem, so twice as
    // many labels as rows silently yields a model with two outputs per row.
    private static void CheckShape(FeatureMatrix data, float[] labels, string dataName, string labelsName)
    {
        if (data.Rows == 0)
        {
            throw new ArgumentException("Cannot train on a matrix with no rows.", dataName);
        }

        if (labels.Length != data.Rows)
        {
            throw new ArgumentException($"{labels.Length} labels for {data.Rows} rows; there must be one label per row.", labelsName);
        }
    }

    private (List<EvalPoint> History, string? Metric, EvalPoint? Best) Boost(
        SafeBoosterHandle booster,
        SafeDMatrixHandle dtrain,
        SafeDMatrixHandle? deval,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var history = new List<EvalPoint>();
        string? metric = null;
        EvalPoint? best = null;
        var maximize = false;
        var sinceBest = 0;
        SafeDMatrixHandle[] evalSets = deval is null ? [] : [deval];
        string[] evalNames = [EvalSetName];

        for (var round = 0; round < Rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Check(XGBoosterUpdateOneIter(booster, round, dtrain));

            double? value = null;
            if (deval is not null)
            {
                (metric, var score) = ParseEval(EvalOneIter(booster, round, evalSets, evalNames));
                value = score;
                history.Add(new EvalPoint(round, score));
                if (best is null)
                {
                    maximize = IsMaximized(metric);
                }

                if (best is null || (maximize ? score > best.Value.Value : score < best.Value.Value))
                {
                    best = new EvalPoint(round, score);
                    sinceBest = 0;
                }
                else
                {
                    sinceBest++;
                }
            }

            progress?.Report(new TrainingProgress(round + 1, Rounds, metric, value));
            if (EarlyStoppingRounds is { } patience && sinceBest >= patience)
            {
                break;
            }
        }

        return (history, metric, best);
    }

    // With the booster's thread count, as Python's xgb.train gets a DMatrix built with the same nthread. The training
    // rows of hist training go into a quantile DMatrix: it holds one byte per value where a DMatrix holds eight (the
    // value and its column), and trains the same trees (the same sketch of the same rows; a test compares them with
    // Python's xgb.train on DMatrix objects). The evaluation rows stay a DMatrix: libxgboost 1.7 predicts the
    // evaluation set after every round, and from a quantile DMatrix that made the rounds about 1.5 times as long.
    private unsafe SafeDMatrixHandle CreateMatrix(FeatureMatrix data, float[] labels, int? quantileBins)
    {
        SafeDMatrixHandle matrix;
        if (quantileBins is int bins)
        {
            matrix = CreateQuantileDMatrix(data.Values, data.Rows, data.Columns, labels, Parameters.Threads, bins);
        }
        else
        {
            matrix = CreateDMatrix(data.Values, data.Rows, data.Columns, Parameters.Threads);
            try
            {
                fixed (float* label = labels)
                {
                    Check(XGDMatrixSetFloatInfo(matrix, "label", label, (ulong)labels.Length));
                }
            }
            catch
            {
                matrix.Dispose();
                throw;
            }
        }

        try
        {
            SetFeatureNames(matrix, data.ColumnNames);
            return matrix;
        }
        catch
        {
            matrix.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The bins per feature when the parameters train trees with the hist method only (then a quantile DMatrix holds
    /// all the rounds read); null when another method or booster needs the values themselves (exact, approx, gblinear,
    /// a custom updater).
    /// </summary>
    private int? HistogramBins
    {
        get
        {
            if (Parameters["tree_method"] != "hist" || Parameters["booster"] is not (null or "gbtree" or "dart") || Parameters["updater"] is not null)
            {
                return null;
            }

            return Parameters["max_bin"] is not { } maxBin ? DefaultMaxBin
                : int.TryParse(maxBin, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 1 ? n : null;
        }
    }

    // Early stopping keeps the best rounds only, so the saved file is the model that was selected.
    private static SafeBoosterHandle KeepRounds(SafeBoosterHandle booster, int rounds)
    {
        Check(XGBoosterBoostedRounds(booster, out var boosted));
        if (rounds >= boosted)
        {
            return booster;
        }

        var sliced = SliceBooster(booster, 0, rounds);
        booster.Dispose();
        return sliced;
    }

    // libxgboost's evaluation text: "[12]\teval-logloss:0.412345". With several metrics the last one
    // decides, as in Python's early stopping.
    private static (string Metric, double Value) ParseEval(string text)
    {
        var last = text.Split('\t', StringSplitOptions.RemoveEmptyEntries)[^1];
        var colon = last.LastIndexOf(':');
        var prefix = EvalSetName + "-";
        if (colon < 0 || !last.StartsWith(prefix, StringComparison.Ordinal)
            || !double.TryParse(last.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new XGBoostException($"Unexpected evaluation output from libxgboost: '{text}'.");
        }

        return (last[prefix.Length..colon], value);
    }

    // The metrics Python's EarlyStopping callback maximizes (callback.py); all others are minimized.
    private static bool IsMaximized(string metric) =>
        metric != "mape" && (metric.StartsWith("auc", StringComparison.Ordinal)
                             || metric.StartsWith("map", StringComparison.Ordinal)
                             || metric.StartsWith("ndcg", StringComparison.Ordinal));

    private static int? ToInt(string name, object? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = XGBoostParameters.Format(value);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"'{name}' must be an integer; got '{text}'.", nameof(value));
    }
}
