using System.Globalization;
using System.Runtime.CompilerServices;

namespace MlopsPS.Core.Training;

/// <summary>
/// The lab's evaluation metrics for a binary classifier, from 0/1 labels and predicted P(label = 1).
/// </summary>
/// <remarks>
/// Degenerate inputs follow scikit-learn's defaults where it has a number, and NaN where it raises:
/// precision is 0 when nothing is predicted positive, recall is 0 when there are no positives, F1 is 0
/// when both are 0 (sklearn's <c>zero_division</c> default), and ROC AUC is NaN when the labels hold
/// only one class (sklearn raises: the AUC is undefined there, and a metric store can record NaN).
/// </remarks>
public sealed record BinaryClassificationMetrics(
    int Count,
    double Accuracy,
    double Precision,
    double Recall,
    double F1,
    double RocAuc,
    double LogLoss)
{
    /// <summary>A row is predicted positive when its probability is greater than this (XGBClassifier.predict).</summary>
    public const double Threshold = 0.5;

    /// <summary>Probabilities are clipped to [eps, 1 - eps] for log loss, so a confident miss costs ~34.5, not infinity.</summary>
    public const double LogLossEpsilon = 1e-15;

    /// <summary>All metrics at once.</summary>
    /// <exception cref="ArgumentException">Empty input, lengths differ, a label other than 0/1, or a probability outside [0, 1].</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static BinaryClassificationMetrics Compute(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        Validate(labels, probabilities);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var actual = labels[i] == 1f;
            var predicted = probabilities[i] > Threshold;
            if (predicted)
            {
                if (actual) { tp++; } else { fp++; }
            }
            else
            {
                if (actual) { fn++; } else { tn++; }
            }
        }

        var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new BinaryClassificationMetrics(
            labels.Length,
            (double)(tp + tn) / labels.Length,
            precision,
            recall,
            f1,
            RocAucCore(labels, probabilities),
            LogLossCore(labels, probabilities));
    }

    /// <summary>
    /// Area under the ROC curve by ranks (Mann-Whitney U): tied scores share their average rank, which
    /// equals the trapezoidal area sklearn computes. NaN when only one class is present.
    /// </summary>
    public static double ComputeRocAuc(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        Validate(labels, probabilities);
        return RocAucCore(labels, probabilities);
    }

    /// <summary>Mean negative log-likelihood with probabilities clipped by <see cref="LogLossEpsilon"/>.</summary>
    public static double ComputeLogLoss(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        Validate(labels, probabilities);
        return LogLossCore(labels, probabilities);
    }

    /// <summary>Metric name to value, with the names a run logs: accuracy, precision, recall, f1, roc_auc, logloss.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["accuracy"] = Accuracy,
        ["precision"] = Precision,
        ["recall"] = Recall,
        ["f1"] = F1,
        ["roc_auc"] = RocAuc,
        ["logloss"] = LogLoss,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RocAucCore(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        // One key per row: the probability's bits, which order like the values for floats in [0, 1] (with -0 as +0),
        // above the label's bit. Sorting the keys alone orders the rows by score with ties side by side and carries
        // each row's label along, with no index array to sort beside them.
        var n = labels.Length;
        var keys = new uint[n];
        for (var i = 0; i < n; i++)
        {
            var bits = probabilities[i] == 0f ? 0u : BitConverter.SingleToUInt32Bits(probabilities[i]);
            keys[i] = (bits << 1) | (labels[i] == 1f ? 1u : 0u);
        }

        Array.Sort(keys);

        // Sum of the (1-based, tie-averaged) ranks of the positives.
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < n;)
        {
            var score = keys[start] >> 1;
            var end = start;
            long tiedPositives = 0;
            while (end < n && keys[end] >> 1 == score)
            {
                tiedPositives += keys[end] & 1u;
                end++;
            }

            positiveRankSum += tiedPositives * ((start + 1 + end) / 2.0);
            positives += tiedPositives;
            start = end;
        }

        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double LogLossCore(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        double sum = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = Math.Clamp((double)probabilities[i], LogLossEpsilon, 1 - LogLossEpsilon);
            sum -= labels[i] == 1f ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / labels.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Validate(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        if (labels.IsEmpty)
        {
            throw new ArgumentException("Metrics need at least one label.", nameof(labels));
        }

        if (labels.Length != probabilities.Length)
        {
            throw new ArgumentException($"{labels.Length} labels but {probabilities.Length} probabilities.", nameof(probabilities));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] is not (0f or 1f))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Label {labels[i]} at row {i} is not 0 or 1."), nameof(labels));
            }

            // Written so that NaN fails too.
            if (!(probabilities[i] >= 0f && probabilities[i] <= 1f))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Probability {probabilities[i]} at row {i} is not in [0, 1]."), nameof(probabilities));
            }
        }
    }
}
