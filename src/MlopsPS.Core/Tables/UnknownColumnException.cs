namespace MlopsPS.Core.Tables;

/// <summary>A column name (in a projection, a matrix read or a lookup) is not in the schema.</summary>
public sealed class UnknownColumnException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public UnknownColumnException(IReadOnlyList<string> columns, TableSchema schema)
        : base($"Unknown column(s): {string.Join(", ", columns)}. The schema has: {string.Join(", ", schema.ColumnNames)}.", MlopsErrorKind.InvalidArgument)
    {
        Columns = columns;
    }

    /// <summary>The names that were not found.</summary>
    public IReadOnlyList<string> Columns { get; }
}
