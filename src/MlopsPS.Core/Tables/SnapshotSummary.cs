using System.Globalization;

namespace MlopsPS.Core.Tables;

/// <summary>What a snapshot changed and what the table holds after it, as Iceberg's snapshot summary.</summary>
/// <param name="AddedRecords">Rows added by this snapshot.</param>
/// <param name="AddedFiles">Data files added by this snapshot.</param>
/// <param name="AddedFilesSize">Bytes of the data files added.</param>
/// <param name="TotalRecords">Rows the table holds as of this snapshot.</param>
/// <param name="TotalFiles">Data files the snapshot can see.</param>
/// <param name="TotalFilesSize">Bytes of the data files the snapshot can see.</param>
/// <param name="DeletedRecords">Rows an overwrite or delete removed.</param>
/// <param name="DeletedFiles">Data files an overwrite or delete removed from view.</param>
/// <param name="RemovedFilesSize">Bytes of the data files removed from view.</param>
public sealed record SnapshotSummary(
    long AddedRecords,
    long AddedFiles,
    long AddedFilesSize,
    long TotalRecords,
    long TotalFiles,
    long TotalFilesSize = 0,
    long DeletedRecords = 0,
    long DeletedFiles = 0,
    long RemovedFilesSize = 0)
{
    /// <summary>
    /// The summary under Iceberg's keys (<c>added-records</c>, <c>added-data-files</c>, <c>added-files-size</c>,
    /// <c>total-records</c>, <c>total-data-files</c>, <c>total-files-size</c>; the <c>deleted-*</c> and
    /// <c>removed-files-size</c> keys only when something was removed, as Iceberg writes them). Values are
    /// strings, as in Iceberg's <c>map&lt;string, string&gt;</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var summary = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["added-records"] = Format(AddedRecords),
            ["added-data-files"] = Format(AddedFiles),
            ["added-files-size"] = Format(AddedFilesSize),
            ["total-records"] = Format(TotalRecords),
            ["total-data-files"] = Format(TotalFiles),
            ["total-files-size"] = Format(TotalFilesSize),
        };
        if (DeletedRecords > 0 || DeletedFiles > 0)
        {
            summary["deleted-records"] = Format(DeletedRecords);
            summary["deleted-data-files"] = Format(DeletedFiles);
            summary["removed-files-size"] = Format(RemovedFilesSize);
        }

        return summary;
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
