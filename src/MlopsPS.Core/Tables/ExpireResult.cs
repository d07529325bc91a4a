namespace MlopsPS.Core.Tables;

/// <summary>What a snapshot expiry removed, or would remove in a dry run.</summary>
/// <param name="Table">The table.</param>
/// <param name="ExpiredSnapshotIds">The snapshots removed from the catalog, oldest first.</param>
/// <param name="DeletedFiles">Data files no remaining snapshot referenced (relative to the store).</param>
/// <param name="DeletedBytes">Their total size.</param>
/// <param name="DryRun">True when nothing was changed.</param>
/// <param name="DeletedMetadataFiles">
/// Iceberg files no remaining snapshot needs (relative to the store): the expired snapshots' manifest lists, the
/// manifests no remaining manifest list names, and the metadata files whose current snapshot was expired.
/// </param>
public sealed record ExpireResult(
    string Table,
    IReadOnlyList<long> ExpiredSnapshotIds,
    IReadOnlyList<string> DeletedFiles,
    long DeletedBytes,
    bool DryRun,
    IReadOnlyList<string>? DeletedMetadataFiles = null);
