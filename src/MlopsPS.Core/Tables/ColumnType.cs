namespace MlopsPS.Core.Tables;

/// <summary>The column types a table can hold, each stored as the matching Parquet physical/logical type.</summary>
public enum ColumnType
{
    /// <summary><see cref="bool"/>.</summary>
    Boolean,

    /// <summary><see cref="int"/>.</summary>
    Int32,

    /// <summary><see cref="long"/>.</summary>
    Int64,

    /// <summary><see cref="float"/>.</summary>
    Float,

    /// <summary><see cref="double"/>.</summary>
    Double,

    /// <summary><see cref="string"/> (UTF-8).</summary>
    String,

    /// <summary>A UTC instant, as <see cref="DateTime"/> with <see cref="DateTimeKind.Utc"/>.</summary>
    Timestamp,
}
