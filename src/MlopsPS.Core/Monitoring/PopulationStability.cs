namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The population stability index (PSI) of a current sample against a baseline, with bins cut at the baseline's
/// quantiles.
/// </summary>
/// <remarks>
/// <para>
/// Bins. With the baseline sorted, <c>x(1) &lt;= ... &lt;= x(N)</c>, and <c>B</c> bins asked for, the cut points are the
/// baseline quantiles <c>q(j/B) = x(ceil(j N / B))</c> for <c>j = 1 .. B-1</c> (the inverse of the empirical CDF, so a cut
/// point is always a value the baseline holds) plus the maximum <c>x(N)</c>, with duplicates removed. The bins are
/// <c>(-inf, x(1))</c>, <c>[x(1), e1]</c>, <c>(e1, e2]</c>, ..., <c>(e(k-1), x(N)]</c> and <c>(x(N), +inf)</c>. Ties collapse
/// cut points, so a feature with few distinct values (the telco signals) gets about one bin per value instead of empty
/// bins; the first and last bins are empty in the baseline by construction and catch current values outside the
/// baseline's range, the plainest sign of a shift.
/// </para>
/// <para>
/// Index. With <c>b_i</c> and <c>c_i</c> the baseline and current proportions in bin <c>i</c>, each floored at
/// <c>epsilon</c> (1e-4 by default) so that an empty bin costs a large but finite amount,
/// <c>PSI = sum_i (c_i - b_i) * ln(c_i / b_i)</c>. It is 0 for identical proportions and grows with the shift; the usual
/// reading is below 0.1 no shift, 0.1 to 0.25 a moderate shift, above 0.25 a significant shift.
/// </para>
/// </remarks>
public static class PopulationStability
{
    /// <summary>The number of quantile bins asked for by default (deciles).</summary>
    public const int DefaultBins = 10;

    /// <summary>The floor of a bin's proportion by default.</summary>
    public const double DefaultEpsilon = 1e-4;

    /// <summary>
    /// The upper edges of the inner bins for a sorted baseline: the distinct quantiles <c>q(j/B)</c>, <c>j = 1 .. B-1</c>,
    /// and the maximum. The first inner bin starts at the minimum, inclusive.
    /// </summary>
    public static double[] Edges(ReadOnlySpan<double> sortedBaseline, int bins = DefaultBins)
    {
        if (bins < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), bins, "At least one bin is needed.");
        }

        if (sortedBaseline.IsEmpty)
        {
            throw new ArgumentException("The baseline is empty.", nameof(sortedBaseline));
        }

        var n = sortedBaseline.Length;
        var edges = new List<double>(bins);
        for (var j = 1; j <= bins; j++)
        {
            // x(ceil(j n / B)) with 1-based order statistics; j = B gives the maximum. Integer arithmetic keeps it exact.
            var rank = (int)(((long)j * n + bins - 1) / bins);
            var edge = sortedBaseline[rank - 1];
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        return edges.ToArray();
    }

    /// <summary>
    /// The PSI of <paramref name="current"/> (any order) against <paramref name="sortedBaseline"/> (ascending, no NaN),
    /// with the bins and their proportions.
    /// </summary>
    public static PopulationStabilityResult Compute(
        ReadOnlySpan<double> sortedBaseline, ReadOnlySpan<double> current, int bins = DefaultBins, double epsilon = DefaultEpsilon)
    {
        if (current.IsEmpty)
        {
            throw new ArgumentException("The current sample is empty.", nameof(current));
        }

        if (!(epsilon > 0 && epsilon < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The floor must be between 0 and 1 (exclusive).");
        }

        var edges = Edges(sortedBaseline, bins);
        var minimum = sortedBaseline[0];
        var baselineCounts = Count(sortedBaseline, minimum, edges);
        var currentCounts = Count(current, minimum, edges);

        var result = new DriftBin[edges.Length + 2];
        var index = 0.0;
        for (var i = 0; i < result.Length; i++)
        {
            var b = (double)baselineCounts[i] / sortedBaseline.Length;
            var c = (double)currentCounts[i] / current.Length;
            var bf = Math.Max(b, epsilon);
            var cf = Math.Max(c, epsilon);
            index += (cf - bf) * Math.Log(cf / bf);

            var (lower, upper) = i == 0
                ? (double.NegativeInfinity, minimum)
                : i == result.Length - 1
                    ? (edges[^1], double.PositiveInfinity)
                    : (i == 1 ? minimum : edges[i - 2], edges[i - 1]);
            result[i] = new DriftBin(lower, upper, LowerInclusive: i == 1, UpperInclusive: i != 0, baselineCounts[i], currentCounts[i], b, c);
        }

        return new PopulationStabilityResult(index, result);
    }

    /// <summary>The bin of a value: 0 below the minimum, 1 + the first edge at or above it, or the last bin above the maximum.</summary>
    internal static int BinOf(double value, double minimum, double[] edges)
    {
        if (value < minimum)
        {
            return 0;
        }

        var position = Array.BinarySearch(edges, value);
        return 1 + (position >= 0 ? position : ~position);
    }

    private static long[] Count(ReadOnlySpan<double> values, double minimum, double[] edges)
    {
        var counts = new long[edges.Length + 2];
        foreach (var value in values)
        {
            counts[BinOf(value, minimum, edges)]++;
        }

        return counts;
    }
}
