namespace MlopsPS.Core.Tables;

/// <summary>
/// Times in the catalog: UTC microseconds since the Unix epoch, the precision of Iceberg's and Parquet's
/// timestamps. Integers sort and compare in SQL without parsing.
/// </summary>
internal static class TableTime
{
    /// <summary>A local time converted to UTC; an unspecified kind taken as UTC (as Parquet.Net does for data).</summary>
    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    public static long ToMicros(DateTime value) => Math.DivRem(ToUtc(value).Ticks - DateTime.UnixEpoch.Ticks, 10, out var rest) - (rest < 0 ? 1 : 0);

    public static DateTime FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + (micros * 10), DateTimeKind.Utc);

    public static long NowMicros() => ToMicros(DateTime.UtcNow);
}
