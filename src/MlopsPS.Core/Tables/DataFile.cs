namespace MlopsPS.Core.Tables;

/// <summary>One Parquet data file of a table.</summary>
/// <param name="Path">Relative to the store folder, '/'-separated: how the catalog names the file.</param>
/// <param name="FullPath">The absolute path in this store.</param>
/// <param name="RecordCount">Rows in the file.</param>
/// <param name="SizeBytes">The file's size.</param>
/// <param name="AddedSnapshotId">The snapshot that added the file.</param>
public sealed record DataFile(string Path, string FullPath, long RecordCount, long SizeBytes, long AddedSnapshotId);
