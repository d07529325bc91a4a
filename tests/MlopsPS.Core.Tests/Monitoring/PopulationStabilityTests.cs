using MlopsPS.Core.Monitoring;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>The PSI on inputs small enough to check by hand, and its bins: quantile edges, ties, the outer bins, the floor.</summary>
public class PopulationStabilityTests
{
    private static readonly double[] s_oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    [Fact]
    public void Edges_AreTheBaselineQuantiles_ThatTheBaselineHolds()
    {
        // q(j/5) = x(ceil(10 j / 5)) = x(2j): 2, 4, 6, 8 and the maximum.
        Assert.Equal([2.0, 4, 6, 8, 10], PopulationStability.Edges(s_oneToTen, bins: 5));
    }

    [Fact]
    public void Edges_CollapseTies_SoAFewValuedFeatureGetsAboutOneBinPerValue()
    {
        // Ranks 2, 4, 6, 8, 10 of 1,1,1,1,1,1,2,3,4,5 are 1, 1, 1, 3, 5.
        Assert.Equal([1.0, 3, 5], PopulationStability.Edges([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], bins: 5));
        // Six values and ten bins asked for: one bin per value.
        Assert.Equal([50.0, 51, 52, 53, 54, 55], PopulationStability.Edges([.. Enumerable.Range(0, 600).Select(i => 50.0 + (i / 100))], bins: 10));
    }

    [Fact]
    public void Psi_OfASampleWithItself_IsZero()
    {
        var result = PopulationStability.Compute(s_oneToTen, s_oneToTen, bins: 5);

        Assert.Equal(0.0, result.Index, 12);
    }

    [Fact]
    public void Psi_OnATinyInput_IsTheSumOverBinsOfTheShareDifferenceTimesTheLogRatio()
    {
        // Bins: <1, [1,2], (2,4], (4,6], (6,8], (8,10], >10. Baseline shares 0, .2, .2, .2, .2, .2, 0.
        // Current 3,3,4,4 | 5,6 | 7,8 | 11,12: shares 0, 0, .4, .2, .2, 0, .2.
        double[] current = [3, 3, 4, 4, 5, 6, 7, 8, 11, 12];
        const double e = 1e-4;

        var result = PopulationStability.Compute(s_oneToTen, current, bins: 5, epsilon: e);

        var expected =
            ((e - 0.2) * Math.Log(e / 0.2))      // [1,2]: emptied, floored at e
            + ((0.4 - 0.2) * Math.Log(0.4 / 0.2)) // (2,4]: doubled
            + ((e - 0.2) * Math.Log(e / 0.2))     // (8,10]: emptied
            + ((0.2 - e) * Math.Log(0.2 / e));    // >10: new values above the baseline's maximum
        Assert.Equal(expected, result.Index, 12);
        Assert.Equal(4.697, result.Index, 3);
        Assert.Equal(["< 1", "[1, 2]", "(2, 4]", "(4, 6]", "(6, 8]", "(8, 10]", "> 10"], result.Bins.Select(b => b.Label));
        Assert.Equal([0L, 2, 2, 2, 2, 2, 0], result.Bins.Select(b => b.BaselineCount));
        Assert.Equal([0L, 0, 4, 2, 2, 0, 2], result.Bins.Select(b => b.CurrentCount));
    }

    [Fact]
    public void Psi_ValuesBelowTheBaselinesMinimum_CountInTheFirstBin_NotInTheLowestQuantile()
    {
        var result = PopulationStability.Compute(s_oneToTen, [-5, -4, 3, 4, 5, 6, 7, 8, 9, 10], bins: 5);

        Assert.Equal(2, result.Bins[0].CurrentCount);
        Assert.Equal(0, result.Bins[1].CurrentCount);
        Assert.True(result.Index > 1);
    }

    [Fact]
    public void Psi_OfAConstantBaseline_HasOneInnerBin_AndSeesAnyOtherValue()
    {
        var same = PopulationStability.Compute([7, 7, 7, 7], [7, 7]);
        var moved = PopulationStability.Compute([7, 7, 7, 7], [7, 8]);

        Assert.Equal(["< 7", "= 7", "> 7"], same.Bins.Select(b => b.Label));
        Assert.Equal(0.0, same.Index, 12);
        // Half the current values land where the baseline had none: (.5 - e) ln(.5 / e) + (.5 - 1) ln(.5 / 1).
        Assert.Equal(((0.5 - 1e-4) * Math.Log(0.5 / 1e-4)) + ((0.5 - 1) * Math.Log(0.5)), moved.Index, 12);
    }

    [Fact]
    public void Psi_GrowsWithTheShift()
    {
        var baseline = Enumerable.Range(0, 1000).Select(i => i / 10.0).ToArray();
        var psi = new[] { 0.0, 2, 20, 50 }.Select(shift => PopulationStability.Compute(baseline, baseline.Select(v => v + shift).ToArray()).Index).ToArray();

        Assert.Equal(psi.Order(), psi);
        Assert.True(psi[1] is > 0.05 and < 0.25, $"a 2 % shift: {psi[1]}");
        Assert.True(psi[3] > 1, $"a 50 % shift: {psi[3]}");
    }
}
