namespace MlopsPS.Core.Tables;

/// <summary>The operation that produced a snapshot; strings as in Iceberg's <c>snapshots</c> metadata table.</summary>
public static class SnapshotOperation
{
    /// <summary>Rows were added; nothing was removed.</summary>
    public const string Append = "append";

    /// <summary>The table's rows were replaced by new ones.</summary>
    public const string Overwrite = "overwrite";

    /// <summary>The table's rows were removed and none added.</summary>
    public const string Delete = "delete";
}
