namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The two-sample Kolmogorov-Smirnov test: the largest distance between the two empirical distribution functions, and
/// its asymptotic p-value.
/// </summary>
/// <remarks>
/// <para>
/// Statistic. <c>D = max_x |F_a(x) - F_b(x)|</c>, evaluated only after every value equal to <c>x</c> has been counted on
/// both sides: with ties (integer features have many) stepping through the merged samples one value at a time would
/// report distances that neither distribution function ever takes.
/// </para>
/// <para>
/// P-value. With <c>n_e = n m / (n + m)</c>, <c>p = Q(sqrt(n_e) D)</c>, where <c>Q(t) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 t^2)</c>
/// is the survival function of the Kolmogorov distribution (the limit as both samples grow). It is accurate for a few
/// dozen values on each side and more. With ties the test is conservative: the p-value is, if anything, too large.
/// </para>
/// </remarks>
public static class KolmogorovSmirnov
{
    /// <summary>The statistic and p-value of two samples, each sorted ascending with no NaN.</summary>
    public static KolmogorovSmirnovResult Test(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        var statistic = Statistic(sortedA, sortedB);
        return new KolmogorovSmirnovResult(statistic, PValue(statistic, sortedA.Length, sortedB.Length));
    }

    /// <summary>The statistic <c>D</c> of two samples, each sorted ascending with no NaN.</summary>
    public static double Statistic(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        if (sortedA.IsEmpty || sortedB.IsEmpty)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        double n = sortedA.Length;
        double m = sortedB.Length;
        int i = 0, j = 0;
        var d = 0.0;
        while (i < sortedA.Length && j < sortedB.Length)
        {
            var x = Math.Min(sortedA[i], sortedB[j]);
            while (i < sortedA.Length && sortedA[i] <= x)
            {
                i++;
            }

            while (j < sortedB.Length && sortedB[j] <= x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs((i / n) - (j / m)));
        }

        // Once one sample is used up its function is 1 and the other's only climbs towards 1: the distance shrinks.
        return d;
    }

    /// <summary>The asymptotic p-value of a statistic for samples of <paramref name="n"/> and <paramref name="m"/> values.</summary>
    public static double PValue(double statistic, long n, long m)
    {
        if (n <= 0 || m <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "Both samples need at least one value.");
        }

        var effective = (double)n * m / (n + m);
        return KolmogorovSurvival(Math.Sqrt(effective) * statistic);
    }

    /// <summary>
    /// <c>P(K &gt; t)</c> for the Kolmogorov distribution. Below 1.18 the alternating series converges slowly, so the
    /// equivalent theta-function form of the distribution function is used there (<c>P(K &lt;= t) = sqrt(2 pi) / t *
    /// sum_{j>=1} exp(-(2j-1)^2 pi^2 / (8 t^2))</c>); four terms of either reach double precision on its side.
    /// </summary>
    public static double KolmogorovSurvival(double t)
    {
        if (double.IsNaN(t))
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, "The argument is NaN.");
        }

        if (t <= 0)
        {
            return 1.0;
        }

        if (t < 1.18)
        {
            var y = Math.Exp(-Math.PI * Math.PI / (8 * t * t));
            var y8 = Math.Pow(y, 8);
            var cdf = Math.Sqrt(2 * Math.PI) / t * y * (1 + y8 * (1 + y8 * y8 * (1 + y8 * y8 * y8)));
            return Math.Clamp(1 - cdf, 0, 1);
        }

        var x = Math.Exp(-2 * t * t);
        var x3 = x * x * x;
        var survival = 2 * x * (1 - x3 * (1 - x3 * x * x * (1 - x3 * x3 * x)));
        return Math.Clamp(survival, 0, 1);
    }
}
