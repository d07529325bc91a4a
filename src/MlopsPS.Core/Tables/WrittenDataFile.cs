using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tables;

/// <summary>
/// A complete data file under its final name, not yet referenced by any snapshot, with the column statistics
/// its Iceberg manifest entry carries (one per table column, in order).
/// </summary>
internal sealed record WrittenDataFile(string RelativePath, string FullPath, long RecordCount, long SizeBytes, IReadOnlyList<ColumnStatistics>? Statistics = null);
