using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>Opens a user's data file as a batch source, by its extension: CSV or Parquet.</summary>
public static class BatchFiles
{
    /// <summary>The extensions read as CSV.</summary>
    public static readonly IReadOnlyList<string> CsvExtensions = [".csv"];

    /// <summary>The extensions read as Parquet.</summary>
    public static readonly IReadOnlyList<string> ParquetExtensions = [".parquet", ".pq"];

    /// <summary>
    /// Opens <paramref name="path"/>. When appending to an existing table, <paramref name="targetSchema"/> makes the
    /// CSV reader parse each column as the table's type instead of guessing.
    /// </summary>
    public static IBatchSource Open(string path, TableSchema? targetSchema)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (CsvExtensions.Contains(extension))
        {
            return new CsvBatchReader(path, new CsvReadOptions { Schema = targetSchema });
        }

        if (ParquetExtensions.Contains(extension))
        {
            return new ParquetBatchReader(path);
        }

        throw new InvalidSourceArgumentException(
            "Path",
            $"Cannot tell the format of '{path}' from its extension: use {string.Join(", ", CsvExtensions.Concat(ParquetExtensions))}.");
    }
}
