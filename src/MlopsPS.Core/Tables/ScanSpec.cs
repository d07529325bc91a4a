namespace MlopsPS.Core.Tables;

/// <summary>
/// What a read selects: one of <see cref="Current"/>, <see cref="AsOfSnapshot"/>, <see cref="AsOfTime"/> or
/// <see cref="Incremental"/> (Iceberg's <c>snapshot-id</c>, <c>as-of-timestamp</c> and
/// <c>start-snapshot-id</c>/<c>end-snapshot-id</c> read options), plus an optional column projection.
/// </summary>
public sealed record ScanSpec
{
    private ScanSpec(ScanKind kind, long? snapshotId = null, DateTime? timestamp = null, long? startSnapshotId = null)
    {
        Kind = kind;
        SnapshotId = snapshotId;
        Timestamp = timestamp;
        StartSnapshotId = startSnapshotId;
    }

    /// <summary>The current snapshot, all columns.</summary>
    public static ScanSpec Current { get; } = new(ScanKind.Current);

    /// <summary>Which rows the spec selects.</summary>
    public ScanKind Kind { get; }

    /// <summary>
    /// The snapshot read (<see cref="ScanKind.AsOfSnapshot"/>), or the end of an incremental range (inclusive;
    /// null means the current snapshot).
    /// </summary>
    public long? SnapshotId { get; }

    /// <summary>The point in time (UTC) of <see cref="ScanKind.AsOfTime"/>.</summary>
    public DateTime? Timestamp { get; }

    /// <summary>The start of an incremental range (exclusive).</summary>
    public long? StartSnapshotId { get; }

    /// <summary>The columns to read, in this order; null reads all.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>The snapshot with id <paramref name="snapshotId"/>.</summary>
    public static ScanSpec AsOfSnapshot(long snapshotId) => new(ScanKind.AsOfSnapshot, snapshotId: snapshotId);

    /// <summary>
    /// The snapshot that was current at <paramref name="timestamp"/>. A local time is converted to UTC; an
    /// unspecified kind is taken as UTC, as timestamps in table data are.
    /// </summary>
    public static ScanSpec AsOfTime(DateTime timestamp) => new(ScanKind.AsOfTime, timestamp: TableTime.ToUtc(timestamp));

    /// <summary>
    /// The rows appended by the snapshots after <paramref name="startExclusive"/> up to
    /// <paramref name="endInclusive"/> (the current snapshot when null). Appends only, as in Iceberg.
    /// </summary>
    public static ScanSpec Incremental(long startExclusive, long? endInclusive = null) =>
        new(ScanKind.Incremental, snapshotId: endInclusive, startSnapshotId: startExclusive);

    /// <summary>This spec reading only <paramref name="columns"/>, in that order.</summary>
    public ScanSpec WithColumns(params IEnumerable<string> columns) => this with { Columns = columns.ToArray() };
}
