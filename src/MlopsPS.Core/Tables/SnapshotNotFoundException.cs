namespace MlopsPS.Core.Tables;

/// <summary>A snapshot id, or a point in time, does not match a snapshot of the table.</summary>
public sealed class SnapshotNotFoundException : MlopsException
{
    /// <summary>Creates the exception for an unknown snapshot id.</summary>
    public SnapshotNotFoundException(string table, long snapshotId)
        : base($"Cannot find snapshot with ID {snapshotId} in table '{table}'.", MlopsErrorKind.ObjectNotFound)
    {
        Table = table;
        SnapshotId = snapshotId;
    }

    /// <summary>Creates the exception with a message of its own (time travel before the first snapshot).</summary>
    public SnapshotNotFoundException(string table, string message)
        : base(message, MlopsErrorKind.ObjectNotFound)
    {
        Table = table;
    }

    /// <summary>The table that was searched.</summary>
    public string Table { get; }

    /// <summary>The snapshot id asked for, when one was.</summary>
    public long? SnapshotId { get; }
}
