namespace MlopsPS.Core.Tables;

/// <summary>A row of the catalog's <c>tables</c> table.</summary>
internal sealed record TableRow(
    long TableId,
    string Name,
    TableSchema Schema,
    string? Dataset,
    long CurrentSnapshotId,
    long LastSequenceNumber,
    long LastUpdatedUs,
    long CreatedAtUs,
    string? TableUuid = null,
    string? MetadataLocation = null)
{
    /// <summary>The table's folder, relative to the store.</summary>
    public string Folder => TableFolders.RelativeFolder(Name);
}

/// <summary>A row of the catalog's <c>snapshots</c> table.</summary>
internal sealed record SnapshotRow(
    long SnapshotId,
    long? ParentId,
    long SequenceNumber,
    long CommittedAtUs,
    string Operation,
    SnapshotSummary Summary);

/// <summary>A row of the catalog's <c>data_files</c> table.</summary>
internal sealed record FileRow(long FileId, string Path, long RecordCount, long SizeBytes, long AddedSnapshotId);
