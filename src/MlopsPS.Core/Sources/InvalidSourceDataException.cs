namespace MlopsPS.Core.Sources;

/// <summary>
/// Source data (a CSV or Parquet file, or rows from the pipeline) is malformed or does not fit the target schema.
/// Carries where the problem is, so the cmdlet can say it and a user can find it: the file, the physical line
/// (CSV), the data row (1-based, the header not counted) and the column, each when known.
/// </summary>
public sealed class InvalidSourceDataException : MlopsException
{
    /// <summary>Creates the exception; the message should already name the place, the properties repeat it for code.</summary>
    public InvalidSourceDataException(
        string message,
        string? sourcePath = null,
        long? lineNumber = null,
        long? rowNumber = null,
        string? columnName = null,
        Exception? inner = null)
        : base(message, MlopsErrorKind.InvalidData, inner)
    {
        SourcePath = sourcePath;
        LineNumber = lineNumber;
        RowNumber = rowNumber;
        ColumnName = columnName;
    }

    /// <summary>The file the data came from, or null for rows from the pipeline.</summary>
    public string? SourcePath { get; }

    /// <summary>The 1-based physical line of a text file where the offending record starts, when known.</summary>
    public long? LineNumber { get; }

    /// <summary>The 1-based data row (the CSV header is not a row), when known.</summary>
    public long? RowNumber { get; }

    /// <summary>The column concerned, when there is one.</summary>
    public string? ColumnName { get; }
}
