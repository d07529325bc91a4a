using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The data a run was trained on, from the lineage its retrain recorded (the lab's <c>iceberg_snapshot_id</c>,
/// <c>iceberg_parent_id</c> and <c>iceberg_table</c> tags, the <c>table</c> and <c>data_selection</c> params),
/// resolved against the table's catalog: the snapshots whose rows were read and their Parquet data files.
/// </summary>
/// <param name="Table">The table.</param>
/// <param name="DataSelection">How the rows were chosen: NewestBatch, Range, AsOfSnapshot or Full.</param>
/// <param name="SnapshotId">The snapshot read (the end of an incremental read).</param>
/// <param name="FromSnapshotId">The exclusive start of an incremental read (NewestBatch, Range); null for a whole-table read.</param>
/// <param name="RowCount">The rows read, as the run recorded (<c>row_count</c>).</param>
/// <param name="SnapshotIds">The snapshots that added the rows read, oldest first.</param>
/// <param name="DataFiles">The data files read, with their record counts and sizes.</param>
/// <param name="Problem">Why the files could not be resolved (say, the snapshot was expired since); null when they were.</param>
public sealed record TrainingDataLineage(
    string Table,
    string DataSelection,
    long SnapshotId,
    long? FromSnapshotId,
    long? RowCount,
    IReadOnlyList<long> SnapshotIds,
    IReadOnlyList<DataFile> DataFiles,
    string? Problem);
