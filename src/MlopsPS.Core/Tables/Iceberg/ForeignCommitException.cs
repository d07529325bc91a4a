namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// Another engine (Spark, PyIceberg, ...) committed to the table, and its commit is not one MlopsPS can take
/// into its index (only appends of Parquet data files with the table's schema are). MlopsPS does not write over
/// it: the table stays as the other writer left it, for that writer or a person to sort out.
/// </summary>
public sealed class ForeignCommitException : MlopsException
{
    /// <summary>Creates the error.</summary>
    public ForeignCommitException(string table, string? ours, string theirs, string reason)
        : base(
            $"Table '{table}' was changed by another Iceberg writer: the catalog points at '{theirs}', MlopsPS last committed '{ours ?? "(nothing)"}'. " +
            $"MlopsPS cannot take that commit over ({reason}) and will not overwrite it.",
            MlopsErrorKind.InvalidOperation)
    {
        Table = table;
        OurMetadataLocation = ours;
        TheirMetadataLocation = theirs;
    }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The metadata file of MlopsPS's own newest commit.</summary>
    public string? OurMetadataLocation { get; }

    /// <summary>The metadata file the Iceberg catalog points at now.</summary>
    public string TheirMetadataLocation { get; }
}
