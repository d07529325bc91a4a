namespace MlopsPS.Core.Retraining;

/// <summary>Which rows of a table a retrain reads.</summary>
public enum DataSelectionKind
{
    /// <summary>The newest batch: the rows appended by one snapshot, read incrementally from its parent (the lab's default).</summary>
    NewestBatch,

    /// <summary>The rows appended between two snapshots (start exclusive, end inclusive), as Iceberg's incremental read.</summary>
    Range,

    /// <summary>The whole table as of one snapshot (time travel).</summary>
    AsOfSnapshot,

    /// <summary>The whole table as it is now.</summary>
    Full,
}

/// <summary>
/// Which rows a retrain reads. <see cref="NewestBatch"/> with no snapshot means the current snapshot's batch,
/// read from its parent to it, exactly as the original lab reads <c>(parent_id, snapshot_id]</c>.
/// </summary>
public sealed record DataSelection(DataSelectionKind Kind, long? FromSnapshot = null, long? ToSnapshot = null)
{
    /// <summary>The batch appended by <paramref name="snapshotId"/> (the current snapshot when null).</summary>
    public static DataSelection NewestBatch(long? snapshotId = null) => new(DataSelectionKind.NewestBatch, ToSnapshot: snapshotId);

    /// <summary>The rows appended after <paramref name="fromExclusive"/> up to <paramref name="toInclusive"/> (current when null).</summary>
    public static DataSelection Range(long fromExclusive, long? toInclusive = null) => new(DataSelectionKind.Range, fromExclusive, toInclusive);

    /// <summary>The whole table as of <paramref name="snapshotId"/>.</summary>
    public static DataSelection AsOfSnapshot(long snapshotId) => new(DataSelectionKind.AsOfSnapshot, ToSnapshot: snapshotId);

    /// <summary>The whole current table.</summary>
    public static DataSelection Full { get; } = new(DataSelectionKind.Full);
}
