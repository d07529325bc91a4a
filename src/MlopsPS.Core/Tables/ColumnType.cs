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

    /// <summary>
    /// A UTC instant, as <see cref="DateTime"/> with <see cref="DateTimeKind.Utc"/>; stored as Parquet's
    /// microsecond timestamp adjusted to UTC (Iceberg's <c>timestamptz</c>), so ticks below a microsecond are
    /// dropped. A local time is converted to UTC when written; an unspecified kind is taken as UTC.
    /// </summary>
    Timestamp,
}
