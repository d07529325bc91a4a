namespace MlopsPS.Core.Tables;

/// <summary>A complete data file under its final name, not yet referenced by any snapshot.</summary>
internal sealed record WrittenDataFile(string RelativePath, string FullPath, long RecordCount, long SizeBytes);
