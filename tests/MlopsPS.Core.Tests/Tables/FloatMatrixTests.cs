using MlopsPS.Core.Tables;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Tables;

public class FloatMatrixTests
{
    [Fact]
    public void ReadFloatMatrix_FillsRowMajorFloatsAcrossFilesAndRowGroups_WithNullsAsNaN()
    {
        using var temp = new TempStore();
        var catalog = temp.CatalogWithRowGroups(64);
        catalog.Append("t", [SampleRows.Batch(0, 150)]);
        catalog.Append("t", [SampleRows.Batch(150, 50)]);
        string[] columns = ["score", "id", "flag", "count", "ratio"];

        var matrix = catalog.Scan("t", ScanSpec.Current).ReadFloatMatrix(columns);

        Assert.Equal(200, matrix.Rows);
        Assert.Equal(5, matrix.Columns);
        Assert.Equal(columns, matrix.ColumnNames);
        Assert.Equal(1000, matrix.Values.Length);
        for (var row = 0; row < 200; row++)
        {
            Assert.Equal(SampleRows.Score(row) is { } score ? (float)score : float.NaN, matrix[row, 0]);
            Assert.Equal(row, matrix[row, 1]);
            Assert.Equal(SampleRows.Flag(row) ? 1f : 0f, matrix[row, 2]);
            Assert.Equal(SampleRows.Count(row) is { } count ? count : float.NaN, matrix[row, 3]);
            Assert.Equal(SampleRows.Ratio(row), matrix.Values[(row * 5) + 4]);
        }
    }

    [Fact]
    public void ReadFloatMatrix_OfAnIncrementalScan_HoldsOnlyTheNewRows()
    {
        using var temp = new TempStore();
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 100)]);
        temp.Catalog.Append("t", [SampleRows.Batch(100, 10)]);

        var matrix = temp.Catalog.Scan("t", ScanSpec.Incremental(first.SnapshotId)).ReadFloatMatrix(["id"]);

        Assert.Equal(Enumerable.Range(100, 10).Select(i => (float)i), matrix.Values.ToArray());
    }

    [Fact]
    public void ReadFloatMatrices_ByIndexLists_EqualTheWholeMatrixSplitByCopying_AcrossFilesAndRowGroups()
    {
        using var temp = new TempStore();
        var catalog = temp.CatalogWithRowGroups(64);
        catalog.Append("t", [SampleRows.Batch(0, 150)]);
        catalog.Append("t", [SampleRows.Batch(150, 70)]);
        string[] columns = ["score", "id", "flag", "count", "ratio"];
        var scan = catalog.Scan("t", ScanSpec.Current);
        var labels = Enumerable.Range(0, 220).Select(i => i % 3 == 0 ? 1f : 0f).ToArray();
        var split = StratifiedSplit.Create(labels, 0.3, seed: 5);

        var sides = scan.ReadFloatMatrices(columns, split.RowSides, 2);

        var whole = scan.ReadFloatMatrix(columns);
        var (train, _) = split.SelectTrain(whole, labels);
        var (test, _) = split.SelectTest(whole, labels);
        Assert.Equal(2, sides.Count);
        Assert.Equal(train.Rows, sides[0].Rows);
        Assert.Equal(test.Rows, sides[1].Rows);
        Assert.Equal(columns, sides[0].ColumnNames);
        // Bit for bit, NaNs included.
        Assert.Equal(Bits(train), Bits(sides[0]));
        Assert.Equal(Bits(test), Bits(sides[1]));
        Assert.Throws<InvalidTableArgumentException>(() => scan.ReadFloatMatrices(columns, new byte[219], 2));
        Assert.Throws<ArgumentException>(() => scan.ReadFloatMatrices(columns, Enumerable.Repeat((byte)2, 220).ToArray(), 2));
    }

    private static int[] Bits(FeatureMatrix matrix) => matrix.Values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public void ReadFloatMatrix_RefusesStringAndTimestampColumns_NamingThem()
    {
        using var temp = new TempStore();
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var scan = temp.Catalog.Scan("t", ScanSpec.Current);

        var error = Assert.Throws<NonNumericColumnException>(() => scan.ReadFloatMatrix(["id", "name", "at"]));

        Assert.Equal(["name", "at"], error.Columns);
        Assert.Contains("name", error.Message, StringComparison.Ordinal);
        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
        Assert.Throws<UnknownColumnException>(() => scan.ReadFloatMatrix(["id", "missing"]));
        Assert.Throws<InvalidTableArgumentException>(() => scan.ReadFloatMatrix([]));
    }
}
