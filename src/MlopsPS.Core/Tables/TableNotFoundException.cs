namespace MlopsPS.Core.Tables;

/// <summary>No table of that name exists in the store.</summary>
public sealed class TableNotFoundException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public TableNotFoundException(string table)
        : base($"Table '{table}' does not exist.", MlopsErrorKind.ObjectNotFound)
    {
        Table = table;
    }

    /// <summary>The table that was asked for.</summary>
    public string Table { get; }
}
