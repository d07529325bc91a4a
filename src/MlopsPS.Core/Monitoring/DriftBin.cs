using System.Globalization;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// One bin of a population stability index: the interval it covers and the share of the baseline and of the current
/// sample that fall in it. The first bin holds what lies below the baseline's minimum and the last what lies above its
/// maximum, so both are empty in the baseline by construction.
/// </summary>
/// <param name="Lower">The lower edge (negative infinity for the first bin).</param>
/// <param name="Upper">The upper edge (positive infinity for the last bin).</param>
/// <param name="LowerInclusive">Whether <paramref name="Lower"/> itself belongs to the bin (true only for the bin that starts at the baseline's minimum).</param>
/// <param name="UpperInclusive">Whether <paramref name="Upper"/> itself belongs to the bin (false only for the bin below the baseline's minimum).</param>
/// <param name="BaselineCount">Baseline values in the bin.</param>
/// <param name="CurrentCount">Current values in the bin.</param>
/// <param name="BaselineShare">Baseline proportion, before the epsilon floor.</param>
/// <param name="CurrentShare">Current proportion, before the epsilon floor.</param>
public sealed record DriftBin(
    double Lower,
    double Upper,
    bool LowerInclusive,
    bool UpperInclusive,
    long BaselineCount,
    long CurrentCount,
    double BaselineShare,
    double CurrentShare)
{
    /// <summary>The interval in the usual notation, e.g. <c>(2, 4]</c>, <c>&lt; 1</c>, <c>&gt; 10</c>, <c>= 5</c>.</summary>
    public string Label
    {
        get
        {
            if (double.IsNegativeInfinity(Lower))
            {
                return "< " + Format(Upper);
            }

            if (double.IsPositiveInfinity(Upper))
            {
                return "> " + Format(Lower);
            }

            if (Lower == Upper)
            {
                return "= " + Format(Lower);
            }

            return (LowerInclusive ? "[" : "(") + Format(Lower) + ", " + Format(Upper) + (UpperInclusive ? "]" : ")");
        }
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
