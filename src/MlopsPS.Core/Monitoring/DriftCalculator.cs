namespace MlopsPS.Core.Monitoring;

/// <summary>Compares two samples feature by feature: no I/O, so the statistics are testable on hand-made numbers.</summary>
public static class DriftCalculator
{
    /// <summary>
    /// One <see cref="FeatureDrift"/> per feature in <paramref name="features"/> (both samples must hold each), in that
    /// order. A side with no values for a feature fails with <see cref="DriftSampleEmptyException"/>.
    /// </summary>
    public static IReadOnlyList<FeatureDrift> Compare(
        DriftSample baseline, DriftSample current, IReadOnlyList<string> features, DriftThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(features);
        thresholds ??= DriftThresholds.Default;
        thresholds.Validate();
        if (features.Count == 0)
        {
            throw new DriftArgumentException("Name at least one feature to compare.");
        }

        return features.Select(feature => CompareFeature(feature, baseline, current, thresholds)).ToArray();
    }

    private static FeatureDrift CompareFeature(string feature, DriftSample baseline, DriftSample current, DriftThresholds thresholds)
    {
        var b = Sorted(baseline, feature);
        var c = Sorted(current, feature);
        var psi = PopulationStability.Compute(b, c, thresholds.Bins, thresholds.Epsilon);
        var ks = KolmogorovSmirnov.Test(b, c);
        var psiDrifted = psi.Index > thresholds.Psi;
        var ksDrifted = ks.PValue < thresholds.KsPValue && ks.Statistic > thresholds.KsStatistic;
        return new FeatureDrift(
            feature, psi.Index, ks.Statistic, ks.PValue, psiDrifted || ksDrifted, psiDrifted, ksDrifted,
            b.Length, c.Length, b.Average(), c.Average(), baseline.Description, current.Description, psi.Bins, thresholds);
    }

    private static double[] Sorted(DriftSample sample, string feature)
    {
        var values = sample.Values(feature);
        if (values.Count == 0)
        {
            throw new DriftSampleEmptyException(
                $"'{feature}' has no values in {sample.Description} ({sample.Rows} rows, all missing or none): there is nothing to compare.");
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
