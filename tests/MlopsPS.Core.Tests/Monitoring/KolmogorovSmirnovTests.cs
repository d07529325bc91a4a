using MlopsPS.Core.Monitoring;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>The two-sample KS statistic on hand-checked inputs (ties included) and the Kolmogorov distribution's tail.</summary>
public class KolmogorovSmirnovTests
{
    [Fact]
    public void Statistic_IsTheLargestGapBetweenTheEmpiricalDistributionFunctions()
    {
        // F_a - F_b at 1..6: .25, .5, .5, .5, .25, 0.
        Assert.Equal(0.5, KolmogorovSmirnov.Statistic([1, 2, 3, 4], [3, 4, 5, 6]), 12);
        Assert.Equal(1.0, KolmogorovSmirnov.Statistic([1, 2], [3, 4]), 12);
        Assert.Equal(0.0, KolmogorovSmirnov.Statistic([1, 2, 3], [1, 2, 3]), 12);
    }

    [Fact]
    public void Statistic_WithTies_ComparesTheFunctionsOnlyAfterEveryEqualValueIsCounted()
    {
        // F_a(1) = .5, F_b(1) = .25; both 1 at 2. Stepping one value at a time would pass through |.5 - 0| = .5.
        Assert.Equal(0.25, KolmogorovSmirnov.Statistic([1, 1, 2, 2], [1, 2, 2, 2]), 12);
        // One value on both sides: the functions are equal everywhere.
        Assert.Equal(0.0, KolmogorovSmirnov.Statistic([5, 5, 5], [5, 5]), 12);
        // Different sizes: F_a = 1/3, 1, 1 and F_b = 0, .5, 1 at 1, 2, 3.
        Assert.Equal(0.5, KolmogorovSmirnov.Statistic([1, 2, 2], [2, 3]), 12);
    }

    [Theory]
    [InlineData(1.0, 0.26999967)]      // 2 (e^-2 - e^-8 + e^-18 - ...)
    [InlineData(0.5, 0.96394524)]      // 1 - P(K <= .5), P(K <= .5) = .03605476
    [InlineData(1.3581, 0.0500)]       // the 5 % critical value
    [InlineData(1.6276, 0.0100)]       // the 1 % critical value
    [InlineData(0.0, 1.0)]
    public void KolmogorovSurvival_MatchesTheDistributionsKnownValues(double t, double expected)
    {
        Assert.Equal(expected, KolmogorovSmirnov.KolmogorovSurvival(t), 4);
    }

    [Fact]
    public void KolmogorovSurvival_IsContinuousWhereItSwitchesFormulas()
    {
        var below = KolmogorovSmirnov.KolmogorovSurvival(Math.BitDecrement(1.18));
        var above = KolmogorovSmirnov.KolmogorovSurvival(1.18);

        Assert.Equal(above, below, 12);
        Assert.Equal(1.0, KolmogorovSmirnov.KolmogorovSurvival(0.2), 10);
        Assert.True(KolmogorovSmirnov.KolmogorovSurvival(4) < 1e-12);
    }

    [Fact]
    public void PValue_ScalesTheStatisticByTheEffectiveSampleSize()
    {
        // n = m = 8: n_e = 4, so D = .5 gives t = 1.
        Assert.Equal(0.26999967, KolmogorovSmirnov.PValue(0.5, 8, 8), 6);
        Assert.Equal(KolmogorovSmirnov.KolmogorovSurvival(Math.Sqrt(1000.0 * 250 / 1250) * 0.1), KolmogorovSmirnov.PValue(0.1, 1000, 250), 12);
    }
}
