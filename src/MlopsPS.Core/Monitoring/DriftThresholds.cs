namespace MlopsPS.Core.Monitoring;

/// <summary>
/// When a feature counts as drifted, and how the statistics are computed. A feature is drifted when its PSI is above
/// <see cref="Psi"/>, or when the Kolmogorov-Smirnov p-value is below <see cref="KsPValue"/> and the statistic is above
/// <see cref="KsStatistic"/>.
/// </summary>
/// <remarks>
/// Why two conditions for KS: with thousands of predictions the p-value drops below any level for shifts too small to
/// matter (D = 0.02 is "significant" at 100,000 values a side), so an effect size is required as well. The PSI line is the
/// common 0.25 "significant shift"; 0.1 to 0.25 is usually read as moderate, which the PSI value itself shows.
/// </remarks>
public sealed record DriftThresholds
{
    /// <summary>The defaults: PSI 0.25, p 0.01 with D 0.1, ten bins, floor 1e-4.</summary>
    public static DriftThresholds Default { get; } = new();

    /// <summary>A PSI above this is drift.</summary>
    public double Psi { get; init; } = 0.25;

    /// <summary>A KS p-value below this (together with a statistic above <see cref="KsStatistic"/>) is drift.</summary>
    public double KsPValue { get; init; } = 0.01;

    /// <summary>The smallest KS statistic (largest distance between the distribution functions) that counts as drift.</summary>
    public double KsStatistic { get; init; } = 0.1;

    /// <summary>The number of quantile bins the PSI asks for (fewer when the baseline has ties).</summary>
    public int Bins { get; init; } = PopulationStability.DefaultBins;

    /// <summary>The floor of a bin's proportion in the PSI.</summary>
    public double Epsilon { get; init; } = PopulationStability.DefaultEpsilon;

    /// <summary>Throws <see cref="DriftArgumentException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (!(Psi > 0) || double.IsInfinity(Psi))
        {
            throw new DriftArgumentException($"The PSI threshold must be a positive number; got {Psi}.");
        }

        if (!(KsPValue > 0 && KsPValue < 1))
        {
            throw new DriftArgumentException($"The KS p-value threshold must be between 0 and 1 (exclusive); got {KsPValue}.");
        }

        if (!(KsStatistic >= 0 && KsStatistic < 1))
        {
            throw new DriftArgumentException($"The KS statistic threshold must be at least 0 and below 1; got {KsStatistic}.");
        }

        if (Bins is < 2 or > 1000)
        {
            throw new DriftArgumentException($"The number of PSI bins must be between 2 and 1000; got {Bins}.");
        }

        if (!(Epsilon > 0 && Epsilon < 0.1))
        {
            throw new DriftArgumentException($"The PSI floor must be above 0 and below 0.1; got {Epsilon}.");
        }
    }
}
