namespace MlopsPS.Core.Tables;

/// <summary>Which rows a <see cref="ScanSpec"/> selects.</summary>
public enum ScanKind
{
    /// <summary>The current snapshot.</summary>
    Current,

    /// <summary>A snapshot given by id.</summary>
    AsOfSnapshot,

    /// <summary>The snapshot that was current at a point in time.</summary>
    AsOfTime,

    /// <summary>Rows appended after one snapshot (exclusive) up to another (inclusive).</summary>
    Incremental,
}
