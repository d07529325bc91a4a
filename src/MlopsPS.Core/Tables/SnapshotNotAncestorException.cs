namespace MlopsPS.Core.Tables;

/// <summary>
/// A snapshot given as a start (incremental read) or a rollback target is not on the parent chain it has to be
/// on: it belongs to another branch of the table's history.
/// </summary>
public sealed class SnapshotNotAncestorException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public SnapshotNotAncestorException(string table, long snapshotId, string message)
        : base(message, MlopsErrorKind.InvalidArgument)
    {
        Table = table;
        SnapshotId = snapshotId;
    }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The snapshot that is not an ancestor.</summary>
    public long SnapshotId { get; }
}
