namespace MlopsPS.Core.Tables;

/// <summary>
/// Rows of numeric columns as one row-major float32 block, the layout XGBoost's <c>XGDMatrixCreateFromMat</c>
/// takes. Missing values are <see cref="float.NaN"/>, which XGBoost treats as missing.
/// </summary>
public sealed class FloatMatrix
{
    internal FloatMatrix(float[] values, int rows, IReadOnlyList<string> columnNames)
    {
        Values = values;
        Rows = rows;
        ColumnNames = columnNames;
    }

    /// <summary>The values, row after row: the value of row r, column c is at <c>r * Columns + c</c>.</summary>
    public float[] Values { get; }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The number of columns.</summary>
    public int Columns => ColumnNames.Count;

    /// <summary>The column names, in matrix order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The value at a row and column.</summary>
    public float this[int row, int column] => Values[(row * Columns) + column];
}
