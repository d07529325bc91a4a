namespace MlopsPS.Core.Tables;

/// <summary>
/// One row of a table's history, as Iceberg's <c>history</c> metadata table: a snapshot became current (by a
/// commit or a rollback).
/// </summary>
/// <param name="Table">The table's name.</param>
/// <param name="MadeCurrentAt">When the snapshot became current (UTC).</param>
/// <param name="SnapshotId">The snapshot that became current.</param>
/// <param name="ParentId">That snapshot's parent.</param>
/// <param name="IsCurrentAncestor">
/// Whether the snapshot is the current snapshot or one of its ancestors; false for a branch abandoned by a
/// rollback.
/// </param>
public sealed record HistoryEntry(string Table, DateTime MadeCurrentAt, long SnapshotId, long? ParentId, bool IsCurrentAncestor);
