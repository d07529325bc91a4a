namespace MlopsPS.Core.Tables;

/// <summary>A batch holds a null in a column the table declares not nullable.</summary>
public sealed class UnexpectedNullException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public UnexpectedNullException(string table, string column, int row)
        : base($"Column '{column}' of table '{table}' does not allow nulls, but row {row} of a batch is null. Nothing was written.", MlopsErrorKind.InvalidData)
    {
        Table = table;
        Column = column;
        Row = row;
    }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The column that holds the null.</summary>
    public string Column { get; }

    /// <summary>The row of the batch (0-based).</summary>
    public int Row { get; }
}
