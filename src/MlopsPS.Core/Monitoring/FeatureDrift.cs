namespace MlopsPS.Core.Monitoring;

/// <summary>
/// How much one feature moved between a baseline and a current sample: the population stability index, the two-sample
/// Kolmogorov-Smirnov statistic and p-value, whether that counts as drift under the thresholds, and the sizes and means
/// of both sides. One object per feature, as <c>Measure-FeatureDrift</c> writes them.
/// </summary>
/// <param name="Feature">The feature (column or model input).</param>
/// <param name="Psi">The population stability index (see <see cref="PopulationStability"/>).</param>
/// <param name="KsStatistic">The Kolmogorov-Smirnov statistic D (see <see cref="KolmogorovSmirnov"/>).</param>
/// <param name="KsPValue">The asymptotic p-value of D.</param>
/// <param name="Drifted">Whether the PSI or the KS test says drift.</param>
/// <param name="PsiDrifted">Whether the PSI is above its threshold.</param>
/// <param name="KsDrifted">Whether the p-value is below its threshold and D above its threshold.</param>
/// <param name="BaselineCount">Non-missing baseline values.</param>
/// <param name="CurrentCount">Non-missing current values.</param>
/// <param name="BaselineMean">The baseline's mean.</param>
/// <param name="CurrentMean">The current sample's mean.</param>
/// <param name="Baseline">What the baseline rows are.</param>
/// <param name="Current">What the current rows are.</param>
/// <param name="Bins">The PSI bins with both proportions, lowest first.</param>
/// <param name="Thresholds">The thresholds the flags were decided with.</param>
public sealed record FeatureDrift(
    string Feature,
    double Psi,
    double KsStatistic,
    double KsPValue,
    bool Drifted,
    bool PsiDrifted,
    bool KsDrifted,
    long BaselineCount,
    long CurrentCount,
    double BaselineMean,
    double CurrentMean,
    string Baseline,
    string Current,
    IReadOnlyList<DriftBin> Bins,
    DriftThresholds Thresholds);
