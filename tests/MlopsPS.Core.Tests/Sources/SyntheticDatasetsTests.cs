using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Sources;

public class SyntheticDatasetsTests
{
    public static TheoryData<string> DatasetNames => new(SyntheticDatasets.Names);

    [Theory]
    [InlineData("TelcoCellTowers", typeof(TelcoCellTowers))]
    [InlineData("telcocelltowers", typeof(TelcoCellTowers))]
    [InlineData("CREDITCARDTRANSACTIONS", typeof(CreditCardTransactions))]
    public void Get_FindsDatasetIgnoringCase(string name, Type expected)
    {
        Assert.IsType(expected, SyntheticDatasets.Get(name));
    }

    [Fact]
    public void Get_UnknownName_ThrowsObjectNotFoundListingTheKnownNames()
    {
        var error = Assert.Throws<DatasetNotFoundException>(() => SyntheticDatasets.Get("Weather"));

        Assert.Equal(MlopsErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal("DatasetNotFound", error.ErrorId);
        Assert.Contains("'Weather'", error.Message);
        Assert.Contains("TelcoCellTowers", error.Message);
        Assert.Contains("CreditCardTransactions", error.Message);
    }

    [Fact]
    public void Default_IsTelcoCellTowers_AsInTheOriginalLab()
    {
        Assert.Equal("TelcoCellTowers", SyntheticDatasets.Default.Name);
        Assert.Equal(SyntheticDatasets.Names[0], SyntheticDatasets.Default.Name);
    }

    [Theory]
    [MemberData(nameof(DatasetNames))]
    public void LabelAndDefaultFeatures_AreNumericColumnsOfTheSchema(string name)
    {
        var dataset = SyntheticDatasets.Get(name);

        var label = dataset.Schema.Find(dataset.Label);
        Assert.NotNull(label);
        Assert.Equal(ColumnType.Int64, label.Type);
        Assert.NotEmpty(dataset.DefaultFeatures);
        Assert.DoesNotContain(dataset.Label, dataset.DefaultFeatures);
        Assert.All(dataset.DefaultFeatures, f => Assert.True(dataset.Schema.Find(f)?.IsNumeric, f));
    }

    [Theory]
    [MemberData(nameof(DatasetNames))]
    public void SameSeed_GivesSameRows(string name)
    {
        var dataset = SyntheticDatasets.Get(name);

        var first = Batches.Concat(dataset.Generate(5_000, seed: 7));
        var second = Batches.Concat(dataset.Generate(5_000, seed: 7));

        Batches.AssertSameRows(first, second);
    }

    [Theory]
    [MemberData(nameof(DatasetNames))]
    public void DifferentSeed_GivesDifferentRowsInEveryRandomColumn(string name)
    {
        var dataset = SyntheticDatasets.Get(name);

        var first = Batches.Concat(dataset.Generate(1_000, seed: 1));
        var second = Batches.Concat(dataset.Generate(1_000, seed: 2));

        for (var c = 0; c < first.Columns.Count; c++)
        {
            Assert.False(
                first.Columns[c].Cast<object?>().SequenceEqual(second.Columns[c].Cast<object?>()),
                $"Column '{first.Schema.Columns[c].Name}' is the same for two seeds.");
        }
    }

    [Theory]
    [MemberData(nameof(DatasetNames))]
    public void BatchSize_DoesNotChangeTheRows(string name)
    {
        var dataset = SyntheticDatasets.Get(name);

        var whole = Batches.Concat(dataset.Generate(1_000, seed: 3, DriftSpec.Default, batchSize: 1_000));
        var pieces = dataset.Generate(1_000, seed: 3, DriftSpec.Default, batchSize: 77).ToList();

        Assert.Equal(13, pieces.Count);
        Assert.All(pieces, b => Assert.True(b.RowCount <= 77));
        Batches.AssertSameRows(whole, Batches.Concat(pieces));
    }

    [Theory]
    [MemberData(nameof(DatasetNames))]
    public void Batches_HaveTheDatasetSchemaAndAddUpToTheRequestedRows(string name)
    {
        var dataset = SyntheticDatasets.Get(name);

        var batches = dataset.Generate(2_501, seed: 5, batchSize: 1_000).ToList();

        Assert.Equal([1_000, 1_000, 501], batches.Select(b => b.RowCount));
        Assert.All(batches, b => Assert.Same(dataset.Schema, b.Schema));
    }

    [Fact]
    public void DefaultBatchSize_IsSourceDefaultsBatchSize()
    {
        var batches = SyntheticDatasets.Default.Generate(SourceDefaults.BatchSize + 1, seed: 5).ToList();

        Assert.Equal([SourceDefaults.BatchSize, 1], batches.Select(b => b.RowCount));
    }

    [Fact]
    public void ZeroRows_YieldsNoBatch()
    {
        Assert.Empty(SyntheticDatasets.Default.Generate(0, seed: 1));
    }

    [Theory]
    [InlineData(-1, 10, "rows")]
    [InlineData(10, 0, "batchSize")]
    public void BadArguments_ThrowInvalidArgumentBeforeEnumerating(int rows, int batchSize, string parameter)
    {
        // No enumeration: the check must not be deferred to the first MoveNext.
        var error = Assert.Throws<InvalidSourceArgumentException>(() => SyntheticDatasets.Default.Generate(rows, 1, null, batchSize));

        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(parameter, error.ParameterName);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void DriftSpec_RejectsMagnitudesOutside0To1(double magnitude)
    {
        var error = Assert.Throws<InvalidSourceArgumentException>(() => new DriftSpec(magnitude));

        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
    }

    [Theory]
    [MemberData(nameof(DatasetNames))]
    public void DriftOfMagnitudeZero_IsTheReferenceDistribution(string name)
    {
        var dataset = SyntheticDatasets.Get(name);

        Batches.AssertSameRows(
            Batches.Concat(dataset.Generate(2_000, seed: 9)),
            Batches.Concat(dataset.Generate(2_000, seed: 9, new DriftSpec(0))));
    }
}
