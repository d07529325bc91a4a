using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>How <see cref="CsvBatchReader"/> reads a file.</summary>
public sealed record CsvReadOptions
{
    /// <summary>The defaults: infer the schema from the whole file, 100,000 rows a batch.</summary>
    public static CsvReadOptions Default { get; } = new();

    /// <summary>
    /// The schema to parse into (appending to an existing table) instead of inferring one. Header names are matched
    /// to it by name (exactly, else ignoring case when unambiguous); a header not in it is an error; a schema column
    /// missing from the file is null in every row, or an error when it is not nullable.
    /// </summary>
    public TableSchema? Schema { get; init; }

    /// <summary>The most rows in one batch.</summary>
    public int BatchSize { get; init; } = SourceDefaults.BatchSize;

    /// <summary>
    /// How many data rows type inference reads; null (the default) reads the whole file in a first pass, which costs
    /// a second read but never guesses. With a limit every inferred column is nullable (the unread rows may have empty
    /// fields), and a later value that does not fit the inferred type fails the read with its row and column.
    /// </summary>
    public int? InferenceRows { get; init; }
}
