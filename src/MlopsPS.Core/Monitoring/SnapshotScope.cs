namespace MlopsPS.Core.Monitoring;

/// <summary>What rows a snapshot stands for in a drift comparison.</summary>
public enum SnapshotScope
{
    /// <summary>
    /// The batch the snapshot appended: the incremental read from its parent (the whole snapshot when it has none).
    /// What monitoring of new batches compares.
    /// </summary>
    Batch,

    /// <summary>The whole table as of the snapshot (time travel).</summary>
    Table,
}
