namespace MlopsPS.Core.Tables;

/// <summary>A table as <c>Get-Table</c> shows it.</summary>
/// <param name="Name">The table's name, as given when it was created.</param>
/// <param name="Schema">Its columns.</param>
/// <param name="CurrentSnapshotId">The snapshot reads see by default.</param>
/// <param name="SnapshotCount">How many snapshots the catalog keeps (all branches, until expired).</param>
/// <param name="TotalRecords">Rows as of the current snapshot.</param>
/// <param name="TotalFiles">Data files as of the current snapshot.</param>
/// <param name="CreatedAt">When the first snapshot was committed (UTC).</param>
/// <param name="LastUpdatedAt">When the current snapshot last changed, by a commit or a rollback (UTC).</param>
/// <param name="Dataset">The synthetic dataset that created the table, if one did.</param>
public sealed record TableInfo(
    string Name,
    TableSchema Schema,
    long CurrentSnapshotId,
    long SnapshotCount,
    long TotalRecords,
    long TotalFiles,
    DateTime CreatedAt,
    DateTime LastUpdatedAt,
    string? Dataset);
