namespace MlopsPS.Core.Tables;

/// <summary>
/// An incremental read covers a snapshot that is not an append (an overwrite or delete replaced rows, so "the
/// rows added between S and E" is not defined). Same rule and wording as Iceberg.
/// </summary>
public sealed class IncrementalScanNotSupportedException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public IncrementalScanNotSupportedException(string table, string operation, long startExclusive, long endInclusive)
        : base($"Found {operation} operation, cannot support incremental data in snapshots ({startExclusive}, {endInclusive}] of table '{table}'.", MlopsErrorKind.InvalidOperation)
    {
        Table = table;
        Operation = operation;
    }

    /// <summary>The table read.</summary>
    public string Table { get; }

    /// <summary>The operation found in the range.</summary>
    public string Operation { get; }
}
