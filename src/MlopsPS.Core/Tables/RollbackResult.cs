namespace MlopsPS.Core.Tables;

/// <summary>What a rollback did, as Iceberg's <c>rollback_to_snapshot</c> returns.</summary>
/// <param name="Table">The table.</param>
/// <param name="PreviousSnapshotId">The snapshot that was current before.</param>
/// <param name="CurrentSnapshotId">The snapshot that is current now.</param>
public sealed record RollbackResult(string Table, long PreviousSnapshotId, long CurrentSnapshotId);
