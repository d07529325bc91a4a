namespace MlopsPS.Core.Sources;

/// <summary>
/// Column fillers shared by the synthetic datasets: each fills one typed array from one random stream, one draw
/// (or a fixed number of draws) per row, so a stream stays aligned with its rows across batches.
/// </summary>
internal static class SyntheticColumns
{
    private const string HexDigits = "0123456789abcdef";

    /// <summary>Random 64-bit values as 16 lowercase hex digits.</summary>
    public static string[] HexIds(ref Xoshiro256StarStar rng, int count)
    {
        var values = new string[count];
        var local = rng;
        for (var i = 0; i < count; i++)
        {
            values[i] = string.Create(16, local.NextUInt64(), static (span, bits) =>
            {
                for (var d = 15; d >= 0; d--)
                {
                    span[d] = HexDigits[(int)(bits & 0xF)];
                    bits >>= 4;
                }
            });
        }

        rng = local;
        return values;
    }

    /// <summary>
    /// One of <paramref name="choices"/> per row with the given probabilities (summing to 1). The string instances
    /// are shared, so a million rows of a categorical column cost no allocation beyond the array.
    /// </summary>
    public static string[] Pick(ref Xoshiro256StarStar rng, int count, string[] choices, double[] weights)
    {
        var values = new string[count];
        var local = rng;
        for (var i = 0; i < count; i++)
        {
            values[i] = choices[PickIndex(ref local, weights)];
        }

        rng = local;
        return values;
    }

    /// <summary>An index drawn with the given probabilities; the last index absorbs rounding in the weights.</summary>
    public static int PickIndex(ref Xoshiro256StarStar rng, double[] weights)
    {
        var u = rng.NextDouble();
        var last = weights.Length - 1;
        for (var k = 0; k < last; k++)
        {
            u -= weights[k];
            if (u < 0)
            {
                return k;
            }
        }

        return last;
    }

    /// <summary>Uniform doubles in [min, max), rounded to <paramref name="digits"/> decimals.</summary>
    public static double[] Uniform(ref Xoshiro256StarStar rng, int count, double min, double max, int digits)
    {
        var values = new double[count];
        var local = rng;
        var width = max - min;
        for (var i = 0; i < count; i++)
        {
            values[i] = Math.Round(min + (width * local.NextDouble()), digits);
        }

        rng = local;
        return values;
    }

    /// <summary>
    /// <c>low + floor(n u + shift)</c>: uniform on low..low+n-1 when <paramref name="shift"/> is 0, moved up by
    /// <paramref name="shift"/> (which may be fractional) otherwise.
    /// </summary>
    public static long[] ShiftedUniformInt(ref Xoshiro256StarStar rng, int count, long low, int n, double shift)
    {
        var values = new long[count];
        var local = rng;
        for (var i = 0; i < count; i++)
        {
            values[i] = low + (long)Math.Floor((n * local.NextDouble()) + shift);
        }

        rng = local;
        return values;
    }

    /// <summary>
    /// A log-normal amount <c>median * exp(sigma * N(0,1))</c>, clamped to [min, max] and rounded to cents; or 0
    /// with probability 1 - <paramref name="presence"/> (for balances many people do not have, such as a mortgage).
    /// Two draws per row for the normal and one for the presence, always, to keep the stream aligned.
    /// </summary>
    public static double LogNormalAmount(ref Xoshiro256StarStar rng, double median, double sigma, double min, double max, double presence = 1.0)
    {
        var present = rng.NextDouble() < presence;
        var amount = median * Math.Exp(sigma * rng.NextGaussian());
        return present ? Math.Round(Math.Clamp(amount, min, max), 2) : 0.0;
    }
}
