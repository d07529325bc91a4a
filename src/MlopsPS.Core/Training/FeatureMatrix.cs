namespace MlopsPS.Core.Training;

/// <summary>
/// A dense feature matrix in one row-major float array, the layout libxgboost reads without a copy.
/// <see cref="float.NaN"/> marks a missing value (XGBoost learns a default direction for it).
/// </summary>
/// <remarks>
/// One array rather than one object per row: a million rows cost one allocation, and training and
/// in-place prediction pin that array instead of converting it.
/// </remarks>
public sealed class FeatureMatrix
{
    private readonly float[] _values;

    /// <summary>
    /// Wraps <paramref name="values"/> (row-major, <paramref name="rows"/> x column count) without
    /// copying it: the matrix takes ownership, so do not change the array afterwards.
    /// </summary>
    public FeatureMatrix(float[] values, int rows, IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (columnNames.Count == 0)
        {
            throw new ArgumentException("A feature matrix needs at least one column.", nameof(columnNames));
        }

        if ((long)rows * columnNames.Count != values.Length)
        {
            throw new ArgumentException(
                $"{values.Length} values do not fill {rows} rows x {columnNames.Count} columns.", nameof(values));
        }

        ColumnNames = ValidateNames(columnNames);
        _values = values;
        Rows = rows;
    }

    /// <summary>Number of rows (samples).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Columns => ColumnNames.Count;

    /// <summary>Column names, in column order; they become the model's feature names.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>All values, row-major.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The value at <paramref name="row"/>, <paramref name="column"/>.</summary>
    public float this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Rows, nameof(row));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)column, (uint)Columns, nameof(column));
            return _values[(row * Columns) + column];
        }
    }

    /// <summary>One row's values.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Rows, nameof(row));
        return _values.AsSpan(row * Columns, Columns);
    }

    /// <summary>
    /// Builds a matrix from columns as tables store them (one array per column); <see cref="double.NaN"/>
    /// stays missing. All columns must have the same length.
    /// </summary>
    public static FeatureMatrix FromColumns(IReadOnlyList<string> columnNames, IReadOnlyList<double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(columns);
        if (columnNames.Count != columns.Count)
        {
            throw new ArgumentException($"{columnNames.Count} names for {columns.Count} columns.", nameof(columnNames));
        }

        var rows = columns.Count == 0 ? 0 : columns[0].Length;
        var width = columns.Count;
        var values = new float[checked(rows * width)];
        for (var c = 0; c < width; c++)
        {
            var column = columns[c];
            if (column.Length != rows)
            {
                throw new ArgumentException(
                    $"Column '{columnNames[c]}' has {column.Length} values; the first column has {rows}.", nameof(columns));
            }

            for (var r = 0; r < rows; r++)
            {
                values[(r * width) + c] = (float)column[r];
            }
        }

        return new FeatureMatrix(values, rows, columnNames);
    }

    /// <summary>A new matrix holding the given rows, in the given order (e.g. one side of a split).</summary>
    public FeatureMatrix SelectRows(ReadOnlySpan<int> rows)
    {
        var values = new float[checked(rows.Length * Columns)];
        for (var i = 0; i < rows.Length; i++)
        {
            Row(rows[i]).CopyTo(values.AsSpan(i * Columns, Columns));
        }

        return new FeatureMatrix(values, rows.Length, ColumnNames);
    }

    /// <summary>The backing array, for pinning in native calls. Never handed out publicly.</summary>
    internal float[] Array => _values;

    private static IReadOnlyList<string> ValidateNames(IReadOnlyList<string> names)
    {
        var copy = names.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in copy)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("Column names must not be empty.", nameof(names));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"Column name '{name}' appears twice.", nameof(names));
            }
        }

        // A read-only wrapper, so the names cannot be changed through a cast either.
        return System.Array.AsReadOnly(copy);
    }
}
