namespace MlopsPS.Core.Tables;

/// <summary>
/// Rows held column by column: one typed array per column (<c>long[]</c>, <c>double?[]</c>, <c>string?[]</c>, ...,
/// matching <see cref="ColumnSpec.ClrType"/>). This is how data moves between sources, Parquet files and the
/// trainer without an object per row.
/// </summary>
public sealed class ColumnBatch
{
    /// <summary>Creates a batch; every array must have the column's CLR type and <paramref name="rowCount"/> values.</summary>
    public ColumnBatch(TableSchema schema, IReadOnlyList<Array> columns, int rowCount)
    {
        if (columns.Count != schema.Columns.Count)
        {
            throw new ArgumentException($"Expected {schema.Columns.Count} column arrays, got {columns.Count}.", nameof(columns));
        }

        for (var i = 0; i < columns.Count; i++)
        {
            var spec = schema.Columns[i];
            if (columns[i].GetType().GetElementType() != spec.ClrType || columns[i].Length != rowCount)
            {
                throw new ArgumentException(
                    $"Column '{spec.Name}' must be a {spec.ClrType.Name}[{rowCount}], got {columns[i].GetType().Name} of length {columns[i].Length}.",
                    nameof(columns));
            }
        }

        Schema = schema;
        Columns = columns;
        RowCount = rowCount;
    }

    /// <summary>The schema of the rows.</summary>
    public TableSchema Schema { get; }

    /// <summary>One typed array per column, in schema order.</summary>
    public IReadOnlyList<Array> Columns { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The array of the column called <paramref name="name"/>.</summary>
    public Array Column(string name)
    {
        var index = Schema.IndexOf(name);
        return index >= 0
            ? Columns[index]
            : throw new UnknownColumnException([name], Schema);
    }

    /// <summary>The typed array of the column called <paramref name="name"/>.</summary>
    public T[] Column<T>(string name) => (T[])Column(name);

    /// <summary>The value at a row and column position, boxed (for row-by-row consumers such as the cmdlets).</summary>
    public object? GetValue(int row, int column) => Columns[column].GetValue(row);
}
