namespace MlopsPS.Core.Tables;

/// <summary>
/// A batch's columns do not fit the table's schema. Names every offending column, so the caller can fix the
/// data without guessing; nothing has been written when this is thrown.
/// </summary>
public sealed class SchemaMismatchException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public SchemaMismatchException(
        string table,
        IReadOnlyList<string> missingColumns,
        IReadOnlyList<string> extraColumns,
        IReadOnlyList<string> wrongTypeColumns,
        string details)
        : base($"The batch does not fit the schema of table '{table}': {details}", MlopsErrorKind.InvalidData)
    {
        Table = table;
        MissingColumns = missingColumns;
        ExtraColumns = extraColumns;
        WrongTypeColumns = wrongTypeColumns;
    }

    /// <summary>The table whose schema was not met.</summary>
    public string Table { get; }

    /// <summary>Table columns the batch lacks.</summary>
    public IReadOnlyList<string> MissingColumns { get; }

    /// <summary>Batch columns the table does not have.</summary>
    public IReadOnlyList<string> ExtraColumns { get; }

    /// <summary>Columns present in both whose batch type (or nullability) the table cannot take.</summary>
    public IReadOnlyList<string> WrongTypeColumns { get; }
}
