namespace MlopsPS.Core.Monitoring;

/// <summary>A two-sample Kolmogorov-Smirnov statistic and its asymptotic p-value.</summary>
/// <param name="Statistic">The largest distance between the two empirical distribution functions (0 .. 1).</param>
/// <param name="PValue">The probability of a distance at least this large if both samples came from one distribution.</param>
public sealed record KolmogorovSmirnovResult(double Statistic, double PValue);
