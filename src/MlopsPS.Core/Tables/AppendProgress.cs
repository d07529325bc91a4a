namespace MlopsPS.Core.Tables;

/// <summary>How far an append has got; reported after each row group and once when committed.</summary>
/// <param name="Table">The table appended to.</param>
/// <param name="RowsWritten">Rows written to the data file so far.</param>
/// <param name="TotalRows">All rows of the append, when known.</param>
/// <param name="Committed">True in the last report, once the snapshot is committed.</param>
public sealed record AppendProgress(string Table, long RowsWritten, long? TotalRows, bool Committed)
{
    /// <summary>0-100 when the total is known (100 only once committed); otherwise null.</summary>
    public int? PercentComplete => Committed
        ? 100
        : TotalRows is > 0 ? (int)Math.Min(99, RowsWritten * 100 / TotalRows.Value) : null;
}
