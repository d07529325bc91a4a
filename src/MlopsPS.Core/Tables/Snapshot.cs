namespace MlopsPS.Core.Tables;

/// <summary>
/// One committed state of a table, like a row of Iceberg's <c>snapshots</c> metadata table. Immutable: once
/// committed, nothing about a snapshot changes, so two snapshots are equal when they have the same table and
/// id.
/// </summary>
/// <param name="Table">The table's name.</param>
/// <param name="SnapshotId">A random positive 64-bit id, as Iceberg's.</param>
/// <param name="ParentId">The snapshot that was current when this one was committed; null for the first.</param>
/// <param name="SequenceNumber">The table's commit counter: 1, 2, 3, ... in commit order (gaps after expiry).</param>
/// <param name="CommittedAt">When the snapshot was committed (UTC, microsecond precision).</param>
/// <param name="Operation">One of <see cref="SnapshotOperation"/>'s values.</param>
/// <param name="Summary">Rows and files added, removed and in total.</param>
/// <param name="DataFiles">
/// The data files this snapshot can see, oldest first, as paths relative to the store folder with '/'
/// separators. For the start and end snapshots of a <see cref="TableScan"/> the list is loaded on first use,
/// so that reading the newest batch does not pay for the table's whole history (loading it after the
/// snapshot has been expired throws <see cref="SnapshotNotFoundException"/>).
/// </param>
/// <param name="Schema">The table's schema.</param>
public sealed record Snapshot(
    string Table,
    long SnapshotId,
    long? ParentId,
    long SequenceNumber,
    DateTime CommittedAt,
    string Operation,
    SnapshotSummary Summary,
    IReadOnlyList<string> DataFiles,
    TableSchema Schema)
{
    /// <inheritdoc />
    public bool Equals(Snapshot? other) =>
        other is not null && SnapshotId == other.SnapshotId && TableName.Comparer.Equals(Table, other.Table);

    /// <inheritdoc />
    public override int GetHashCode() => SnapshotId.GetHashCode();
}
