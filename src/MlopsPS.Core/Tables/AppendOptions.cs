namespace MlopsPS.Core.Tables;

/// <summary>Options of <see cref="TableCatalog.Append"/>.</summary>
public sealed record AppendOptions
{
    /// <summary>The synthetic dataset the rows come from; recorded when the append creates the table.</summary>
    public string? Dataset { get; init; }

    /// <summary>
    /// Replace the table's rows instead of adding to them: the snapshot is an <c>overwrite</c> (a
    /// <c>delete</c> when there are no rows). Incremental reads cannot cross it, as in Iceberg.
    /// </summary>
    public bool Overwrite { get; init; }

    /// <summary>How many rows the batches hold, for progress, when the batches are a stream of unknown length.</summary>
    public long? ExpectedRows { get; init; }
}
