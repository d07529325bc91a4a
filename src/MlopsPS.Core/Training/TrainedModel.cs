using System.Globalization;
using System.Runtime.InteropServices;
using static MlopsPS.Core.Training.XGBoostNative;

namespace MlopsPS.Core.Training;

/// <summary>
/// A trained XGBoost booster, immutable: predict, explain, save. Produced by
/// <see cref="XGBoostTrainer.Train"/> or <see cref="LoadJson(string, IReadOnlyList{string}?, int)"/>.
/// </summary>
/// <remarks>
/// <para>Prediction is safe from many threads at once: it uses libxgboost's in-place prediction, whose
/// output lives in a per-thread store of the booster, and every result is copied out before returning.
/// A Dispose racing with a prediction makes the prediction throw <see cref="ObjectDisposedException"/>
/// or finish first; it never frees the booster under it.</para>
/// <para>The booster here is always loaded from the model's JSON, never the booster that trained it, so
/// it holds no training state (gradients, caches) and behaves exactly like the file it saves.</para>
/// <para>Threads: libxgboost's CPU predictor splits a batch into blocks of 64 rows and runs blocks in
/// parallel, so a batch of up to 64 rows (a scoring request) can only lose by fanning out: with two
/// OpenMP threads a 1-row prediction measured 39 us against 24 us on one thread, 64 rows 146 us
/// against 82 us; from 128 rows on, more threads win. The thread count is a booster setting that
/// cannot change under concurrent predictions, so the model loads the booster twice: one single-threaded
/// copy for small batches and one with <see cref="PredictThreads"/> for larger ones (a 100-tree model is
/// a few hundred kilobytes).</para>
/// </remarks>
public sealed class TrainedModel : IDisposable
{
    // Type codes of the prediction config (c_api.h, XGBoosterPredictFromDMatrix).
    private const int ValueType = 0;
    private const int MarginType = 1;
    private const int ContributionType = 2;

    private static readonly string[] s_inplaceConfigs =
    [
        InplaceConfig(ValueType),
        InplaceConfig(MarginType),
    ];

    /// <summary>Batches of at most this many rows are predicted on one thread (one predictor block).</summary>
    public const int SmallBatchRows = 64;

    // _booster is single-threaded; _batchBooster is the same model with PredictThreads threads (or the
    // same handle when PredictThreads is 1).
    private readonly SafeBoosterHandle _booster;
    private readonly SafeBoosterHandle _batchBooster;

    private TrainedModel(
        SafeBoosterHandle booster,
        SafeBoosterHandle batchBooster,
        IReadOnlyList<string> featureNames,
        int boostedRounds,
        int bestIteration,
        double? bestScore,
        string? evalMetric,
        IReadOnlyList<EvalPoint> evalHistory,
        int predictThreads)
    {
        _booster = booster;
        _batchBooster = batchBooster;
        FeatureNames = featureNames;
        BoostedRounds = boostedRounds;
        BestIteration = bestIteration;
        BestScore = bestScore;
        EvalMetric = evalMetric;
        EvalHistory = evalHistory;
        PredictThreads = predictThreads;
    }

    /// <summary>Feature names, in the column order prediction expects.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Number of trees (rounds) in the model.</summary>
    public int BoostedRounds { get; }

    /// <summary>
    /// 0-based round with the best evaluation score when early stopping was used (the model is cut
    /// after it), otherwise the last round. For a loaded model: the <c>best_iteration</c> attribute
    /// Python's xgboost also writes, if present.
    /// </summary>
    public int BestIteration { get; }

    /// <summary>Evaluation score at <see cref="BestIteration"/>, when there was an evaluation set.</summary>
    public double? BestScore { get; }

    /// <summary>Name of the evaluation metric in <see cref="EvalHistory"/> (e.g. "logloss").</summary>
    public string? EvalMetric { get; }

    /// <summary>The evaluation metric for every round run, including rounds after the best one.
    /// Empty for a loaded model or training without an evaluation set.</summary>
    public IReadOnlyList<EvalPoint> EvalHistory { get; }

    /// <summary>
    /// The probabilities the final model gives the evaluation rows, taken from libxgboost's prediction cache at the
    /// end of training (so they cost nothing); null when the model was not trained with an evaluation set.
    /// </summary>
    public float[]? EvalPredictions { get; private init; }

    /// <summary>libxgboost threads (<c>nthread</c>) for a prediction of more than <see cref="SmallBatchRows"/> rows.</summary>
    public int PredictThreads { get; }

    /// <summary>P(label = 1) for each row.</summary>
    public float[] PredictProbabilities(FeatureMatrix data) => PredictInplace(data, ValueType);

    /// <summary>The untransformed score (log-odds for binary:logistic) for each row.</summary>
    public float[] PredictMargin(FeatureMatrix data) => PredictInplace(data, MarginType);

    /// <summary>
    /// SHAP contributions, row-major rows x (features + 1); the last value of each row is the bias, and
    /// each row sums to its margin.
    /// </summary>
    /// <remarks>libxgboost 1.7 does not compute contributions in place, so this copies the rows into a
    /// temporary DMatrix; it is for explanation, not for the serving path.</remarks>
    public float[] PredictContributions(FeatureMatrix data)
    {
        CheckColumns(data);
        var expected = checked(data.Rows * (data.Columns + 1));
        if (data.Rows == 0)
        {
            return [];
        }

        var booster = BoosterFor(data);
        using var lease = new HandleLease(booster);
        using var matrix = CreateDMatrix(data.Values, data.Rows, data.Columns);
        Check(XGBoosterPredictFromDMatrix(booster, matrix, s_contributionConfig, out var shape, out var dimensions, out var result));
        return CopyResult(shape, dimensions, result, expected);
    }

    /// <summary>
    /// Average gain of the splits on each feature (Python's <c>get_score(importance_type="gain")</c>), in
    /// feature order; a feature no tree splits on has 0.
    /// </summary>
    public IReadOnlyDictionary<string, double> FeatureImportanceGain()
    {
        using var lease = new HandleLease(_booster);
        return FeatureImportanceGain(_booster, FeatureNames);
    }

    /// <summary>Writes XGBoost's JSON model format (loadable by Python's <c>xgboost.Booster(model_file=...)</c>).</summary>
    public void SaveJson(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Through our own bytes rather than XGBoosterSaveModel, which picks the format from the file
        // extension (anything but .json/.ubj gets the deprecated binary format in 1.7).
        File.WriteAllBytes(Path.GetFullPath(path), ToJson());
    }

    /// <summary>The model in XGBoost's JSON format, UTF-8.</summary>
    public byte[] ToJson()
    {
        using var lease = new HandleLease(_booster);
        return SaveToBuffer(_booster);
    }

    /// <summary>
    /// Loads a JSON model (XGBoost's format, from this library or Python). Feature names come from
    /// <paramref name="featureNames"/>, else from the model, else f0, f1, ...
    /// </summary>
    /// <param name="predictThreads">libxgboost threads for predictions of more than <see cref="SmallBatchRows"/> rows;
    /// 0 = all logical processors.</param>
    public static TrainedModel LoadJson(string path, IReadOnlyList<string>? featureNames = null, int predictThreads = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return LoadJson(File.ReadAllBytes(path), featureNames, predictThreads);
    }

    /// <inheritdoc cref="LoadJson(string, IReadOnlyList{string}?, int)"/>
    public static TrainedModel LoadJson(ReadOnlySpan<byte> json, IReadOnlyList<string>? featureNames = null, int predictThreads = 0) =>
        FromJson(json, featureNames, evalMetric: null, evalHistory: [], fallbackBestScore: null, predictThreads);

    public void Dispose()
    {
        _booster.Dispose();
        _batchBooster.Dispose();
    }

    /// <summary>
    /// Predicts the rows of a DMatrix the booster was trained or evaluated with: libxgboost answers from its
    /// prediction cache instead of walking the trees again.
    /// </summary>
    internal static float[] PredictCached(SafeBoosterHandle booster, SafeDMatrixHandle matrix, int rows)
    {
        Check(XGBoosterPredictFromDMatrix(booster, matrix, s_valueConfig, out var shape, out var dimensions, out var result));
        return CopyResult(shape, dimensions, result, rows);
    }

    internal static TrainedModel FromJson(
        ReadOnlySpan<byte> json,
        IReadOnlyList<string>? featureNames,
        string? evalMetric,
        IReadOnlyList<EvalPoint> evalHistory,
        double? fallbackBestScore,
        int predictThreads,
        float[]? evalPredictions = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(predictThreads);
        XGBoostLibrary.EnsureLoaded();
        var threads = predictThreads == 0 ? Environment.ProcessorCount : predictThreads;
        SafeBoosterHandle? booster = null;
        SafeBoosterHandle? batchBooster = null;
        try
        {
            booster = Load(json, threads: 1);
            batchBooster = threads == 1 ? booster : Load(json, threads);
            Check(XGBoosterBoostedRounds(booster, out var rounds));
            var names = ResolveFeatureNames(booster, featureNames);
            if (featureNames is not null && batchBooster != booster)
            {
                SetFeatureNames(batchBooster, names);
            }

            var bestIteration = int.TryParse(GetAttribute(booster, "best_iteration"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var best)
                ? best
                : rounds - 1;
            double? bestScore = double.TryParse(GetAttribute(booster, "best_score"), NumberStyles.Float, CultureInfo.InvariantCulture, out var score)
                ? score
                : fallbackBestScore;
            return new TrainedModel(booster, batchBooster, names, rounds, bestIteration, bestScore, evalMetric, evalHistory, threads)
            {
                EvalPredictions = evalPredictions,
            };
        }
        catch
        {
            booster?.Dispose();
            batchBooster?.Dispose();
            throw;
        }
    }

    private static unsafe SafeBoosterHandle Load(ReadOnlySpan<byte> json, int threads)
    {
        var booster = CreateBooster();
        try
        {
            fixed (byte* bytes = json)
            {
                Check(XGBoosterLoadModelFromBuffer(booster, bytes, (ulong)json.Length));
            }

            Check(XGBoosterSetParam(booster, "nthread", threads.ToString(CultureInfo.InvariantCulture)));
            // Configures the learner now, so the first concurrent predictions do not queue on its lock.
            Check(XGBoosterBoostedRounds(booster, out _));
            return booster;
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    internal static IReadOnlyDictionary<string, double> FeatureImportanceGain(SafeBoosterHandle booster, IReadOnlyList<string> featureNames)
    {
        const string config = """{"importance_type":"gain","feature_map":null,"feature_names":null,"tree_idx":null}""";
        Check(XGBoosterFeatureScore(booster, config, out var count, out var names, out var dimensions, out var shape, out var scores));
        var scored = new Dictionary<string, double>(StringComparer.Ordinal);
        var nameArray = ReadUtf8Array(names, count);
        unsafe
        {
            var values = (float*)scores;
            for (var i = 0; i < nameArray.Length; i++)
            {
                scored[nameArray[i]] = values[i];
            }
        }

        var result = new Dictionary<string, double>(featureNames.Count, StringComparer.Ordinal);
        foreach (var name in featureNames)
        {
            result[name] = scored.GetValueOrDefault(name);
        }

        return result;
    }

    internal static byte[] SaveToBuffer(SafeBoosterHandle booster)
    {
        Check(XGBoosterSaveModelToBuffer(booster, """{"format":"json"}""", out var length, out var data));
        var bytes = new byte[checked((int)length)];
        Marshal.Copy(data, bytes, 0, bytes.Length);
        return bytes;
    }

    internal static string? GetAttribute(SafeBoosterHandle booster, string key)
    {
        Check(XGBoosterGetAttr(booster, key, out var value, out var success));
        return success != 0 ? ReadUtf8(value) : null;
    }

    private static readonly string s_valueConfig =
        $$"""{"type":{{ValueType}},"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false}""";

    private static readonly string s_contributionConfig =
        $$"""{"type":{{ContributionType}},"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false}""";

    private static string InplaceConfig(int type) =>
        $$"""{"type":{{type}},"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"cache_id":0,"missing":NaN}""";

    private unsafe float[] PredictInplace(FeatureMatrix data, int type)
    {
        CheckColumns(data);
        if (data.Rows == 0)
        {
            return [];
        }

        var booster = BoosterFor(data);
        using var lease = new HandleLease(booster);
        fixed (float* values = data.Array)
        {
            // numpy's __array_interface__ layout; libxgboost reads the rows straight from our pinned array.
            var arrayInterface = string.Create(
                CultureInfo.InvariantCulture,
                $$"""{"data":[{{(nint)values}},true],"shape":[{{data.Rows}},{{data.Columns}}],"strides":null,"typestr":"<f4","version":3}""");
            Check(XGBoosterPredictFromDense(booster, arrayInterface, s_inplaceConfigs[type], IntPtr.Zero, out var shape, out var dimensions, out var result));
            return CopyResult(shape, dimensions, result, data.Rows);
        }
    }

    private SafeBoosterHandle BoosterFor(FeatureMatrix data) => data.Rows <= SmallBatchRows ? _booster : _batchBooster;

    private void CheckColumns(FeatureMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Columns != FeatureNames.Count)
        {
            throw new ArgumentException(
                $"The model expects {FeatureNames.Count} features ({string.Join(", ", FeatureNames)}); the data has {data.Columns}.",
                nameof(data));
        }
    }

    // The buffer belongs to the booster's per-thread store and is overwritten by this thread's next
    // call, so it is copied before anything else runs.
    private static unsafe float[] CopyResult(IntPtr shape, ulong dimensions, IntPtr result, int expected)
    {
        var dims = (ulong*)shape;
        ulong total = 1;
        for (ulong i = 0; i < dimensions; i++)
        {
            total *= dims[i];
        }

        if (total != (ulong)expected)
        {
            throw new XGBoostException($"libxgboost returned {total} prediction values where {expected} were expected.");
        }

        return new ReadOnlySpan<float>((void*)result, expected).ToArray();
    }

    private static IReadOnlyList<string> ResolveFeatureNames(SafeBoosterHandle booster, IReadOnlyList<string>? given)
    {
        Check(XGBoosterGetNumFeature(booster, out var count));
        if (given is not null)
        {
            if ((ulong)given.Count != count)
            {
                throw new ArgumentException($"The model has {count} features; {given.Count} names were given.", nameof(given));
            }

            var names = given.ToArray();
            SetFeatureNames(booster, names);
            return System.Array.AsReadOnly(names);
        }

        Check(XGBoosterGetStrFeatureInfo(booster, "feature_name", out var stored, out var values));
        if (stored == count && count > 0)
        {
            return System.Array.AsReadOnly(ReadUtf8Array(values, stored));
        }

        // XGBoost's own fallback names, so a model saved without names still explains itself.
        return System.Array.AsReadOnly(
            Enumerable.Range(0, checked((int)count)).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture)).ToArray());
    }
}
