using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Sources;

/// <summary>
/// The monitoring feature will compare batches with PSI: a drifted batch must stand out on the shifted features and
/// a batch from the same distribution must not, at the size of a day of minutely batches (1,440 rows).
/// </summary>
public class DriftTests
{
    private const int DayOfMinutes = 1_440;

    public static TheoryData<string, string> ShiftedFeatures => new()
    {
        { TelcoCellTowers.DatasetName, "iot_signal_1" },
        { TelcoCellTowers.DatasetName, "iot_signal_2" },
        { TelcoCellTowers.DatasetName, "iot_signal_4" },
        { CreditCardTransactions.DatasetName, "transaction_amount" },
        { CreditCardTransactions.DatasetName, "bank_account_balance" },
    };

    public static TheoryData<string, string> UnshiftedFeatures => new()
    {
        { TelcoCellTowers.DatasetName, "iot_signal_3" },
        { CreditCardTransactions.DatasetName, "latitude" },
        { CreditCardTransactions.DatasetName, "mortgage_balance" },
        { CreditCardTransactions.DatasetName, "savings_account_balance" },
    };

    public static TheoryData<string> DatasetNames => new(SyntheticDatasets.Names);

    [Theory]
    [MemberData(nameof(ShiftedFeatures))]
    public void DriftedBatch_HasPsiAbove0_25OnTheShiftedFeature(string dataset, string feature)
    {
        var (reference, drifted) = ReferenceAndDrifted(dataset, DriftSpec.Default);

        var psi = Psi.Compute(Batches.Numbers(reference, feature), Batches.Numbers(drifted, feature));

        Assert.True(psi > 0.25, $"PSI of {feature} was {psi:F3}");
    }

    [Theory]
    [MemberData(nameof(UnshiftedFeatures))]
    public void DriftedBatch_LeavesTheUndocumentedFeaturesAlone(string dataset, string feature)
    {
        var (reference, drifted) = ReferenceAndDrifted(dataset, DriftSpec.Default);

        var psi = Psi.Compute(Batches.Numbers(reference, feature), Batches.Numbers(drifted, feature));

        Assert.True(psi < 0.1, $"PSI of {feature} was {psi:F3}");
    }

    [Theory]
    [MemberData(nameof(DatasetNames))]
    public void SameDistribution_WithDifferentSeeds_HasPsiBelow0_1OnEveryFeature(string name)
    {
        var dataset = SyntheticDatasets.Get(name);
        foreach (var (seedA, seedB) in new[] { (1, 2), (3, 4), (5, 6) })
        {
            var a = Batches.Concat(dataset.Generate(DayOfMinutes, seedA));
            var b = Batches.Concat(dataset.Generate(DayOfMinutes, seedB));
            foreach (var feature in dataset.DefaultFeatures.Append(dataset.Label))
            {
                var psi = Psi.Compute(Batches.Numbers(a, feature), Batches.Numbers(b, feature));
                Assert.True(psi < 0.1, $"PSI of {feature} between seeds {seedA} and {seedB} was {psi:F3}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(DatasetNames))]
    public void DriftedBatch_RaisesThePositiveRate(string name)
    {
        var dataset = SyntheticDatasets.Get(name);

        var reference = Batches.Concat(dataset.Generate(50_000, seed: 31)).Column<long>(dataset.Label).Average();
        var drifted = Batches.Concat(dataset.Generate(50_000, seed: 32, DriftSpec.Default)).Column<long>(dataset.Label).Average();

        // Documented: about 10 % before, about 19 % (telco) and 20 % (credit card) at full drift.
        Assert.InRange(reference, 0.09, 0.11);
        Assert.InRange(drifted, 0.17, 0.22);
    }

    [Fact]
    public void TelcoDrift_ReversesTheEffectOfIotSignal3()
    {
        var dataset = new TelcoCellTowers();

        Assert.True(RateDifference(Batches.Concat(dataset.Generate(100_000, seed: 41))) > 0.03);
        Assert.True(RateDifference(Batches.Concat(dataset.Generate(100_000, seed: 42, DriftSpec.Default))) < -0.03);

        static double RateDifference(ColumnBatch rows)
        {
            var signal3 = rows.Column<long>("iot_signal_3");
            var label = rows.Column<long>("cell_tower_failure");
            var all = Enumerable.Range(0, rows.RowCount).ToArray();
            return all.Where(i => signal3[i] >= 54).Average(i => label[i]) - all.Where(i => signal3[i] <= 51).Average(i => label[i]);
        }
    }

    [Fact]
    public void ModelFittedBeforeDrift_LosesAccuracyOnADriftedBatch()
    {
        var dataset = new TelcoCellTowers();
        var model = BinnedNaiveBayes.Fit(Batches.Concat(dataset.Generate(50_000, seed: 51)), dataset.DefaultFeatures, dataset.Label);
        var sameDistribution = Batches.Concat(dataset.Generate(50_000, seed: 52));
        var drifted = Batches.Concat(dataset.Generate(50_000, seed: 53, DriftSpec.Default));

        var before = RocAuc.Compute(model.Score(sameDistribution), sameDistribution.Column<long>(dataset.Label));
        var after = RocAuc.Compute(model.Score(drifted), drifted.Column<long>(dataset.Label));

        Assert.True(after < before - 0.1, $"AUC {before:F3} before drift, {after:F3} after");
    }

    [Fact]
    public void HalfDrift_ShiftsLessThanFullDrift()
    {
        var dataset = new TelcoCellTowers();
        var reference = Batches.Numbers(Batches.Concat(dataset.Generate(10_000, seed: 61)), "iot_signal_1");
        var half = Batches.Numbers(Batches.Concat(dataset.Generate(10_000, seed: 62, new DriftSpec(0.5))), "iot_signal_1");
        var full = Batches.Numbers(Batches.Concat(dataset.Generate(10_000, seed: 63, DriftSpec.Default)), "iot_signal_1");

        Assert.InRange(half.Average() - reference.Average(), 1.3, 1.7);
        Assert.InRange(full.Average() - reference.Average(), 2.8, 3.2);
    }

    private static (ColumnBatch Reference, ColumnBatch Drifted) ReferenceAndDrifted(string name, DriftSpec drift)
    {
        var dataset = SyntheticDatasets.Get(name);
        return (
            Batches.Concat(dataset.Generate(DayOfMinutes, seed: 101)),
            Batches.Concat(dataset.Generate(DayOfMinutes, seed: 102, drift)));
    }
}
