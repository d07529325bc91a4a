using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

public class FeatureMatrixTests
{
    [Fact]
    public void FromColumns_LaysOutRowMajorAndKeepsNaNAsMissing()
    {
        var matrix = FeatureMatrix.FromColumns(["a", "b"], [[1, 2, 3], [10, double.NaN, 30]]);

        Assert.Equal(3, matrix.Rows);
        Assert.Equal(2, matrix.Columns);
        Assert.Equal([1f, 10f, 2f, float.NaN, 3f, 30f], matrix.Values.ToArray());
        Assert.Equal(30f, matrix[2, 1]);
    }

    [Fact]
    public void Constructor_ValuesDoNotFillTheShape_Throws()
    {
        Assert.Throws<ArgumentException>(() => new FeatureMatrix(new float[5], 2, ["a", "b"]));
        Assert.Throws<ArgumentException>(() => new FeatureMatrix(new float[4], 2, ["a", "a"]));
        Assert.Throws<ArgumentException>(() => FeatureMatrix.FromColumns(["a", "b"], [[1, 2], [1]]));
    }

    [Fact]
    public void ColumnNames_CannotBeChangedThroughACast()
    {
        var names = new[] { "a", "b" };
        var matrix = new FeatureMatrix(new float[2], 1, names);
        names[0] = "changed";

        Assert.Equal("a", matrix.ColumnNames[0]);
        Assert.False(matrix.ColumnNames is string[]);
    }

    [Fact]
    public void DMatrixFromFeatureMatrix_HasItsRowsAndColumns()
    {
        var (features, _) = SyntheticData.Signal(37, seed: 1);
        XGBoostLibrary.EnsureLoaded();

        using var matrix = XGBoostNative.CreateDMatrix(features.Values, features.Rows, features.Columns);
        XGBoostNative.Check(XGBoostNative.XGDMatrixNumRow(matrix, out var rows));
        XGBoostNative.Check(XGBoostNative.XGDMatrixNumCol(matrix, out var columns));

        Assert.Equal(37UL, rows);
        Assert.Equal(4UL, columns);
    }
}
