using Parquet;
using Parquet.Schema;

namespace MlopsPS.Core.Tables;

/// <summary>
/// How table columns map to Parquet columns, and the typed Parquet.Net 6 calls that move one column of a row
/// group between a typed array and a file. Parquet.Net must be given exactly the field's nullability: plain
/// values for a nullable field fail (and leave the row group unusable), so callers convert first.
/// </summary>
internal static class ParquetColumns
{
    public static DataField ToField(ColumnSpec spec) => spec.Type switch
    {
        // Iceberg's timestamptz: microseconds, adjusted to UTC. DuckDB and Spark read it as an instant.
        ColumnType.Timestamp => new DateTimeDataField(
            spec.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: spec.Nullable),
        ColumnType.Boolean => new DataField(spec.Name, typeof(bool), spec.Nullable),
        ColumnType.Int32 => new DataField(spec.Name, typeof(int), spec.Nullable),
        ColumnType.Int64 => new DataField(spec.Name, typeof(long), spec.Nullable),
        ColumnType.Float => new DataField(spec.Name, typeof(float), spec.Nullable),
        ColumnType.Double => new DataField(spec.Name, typeof(double), spec.Nullable),
        ColumnType.String => new DataField(spec.Name, typeof(string), spec.Nullable),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Type, "Unknown column type."),
    };

    /// <summary>The column as a file stores it, or null for a Parquet type tables do not use.</summary>
    public static ColumnSpec? ToColumnSpec(DataField field)
    {
        ColumnType? type = field.ClrType switch
        {
            var t when t == typeof(bool) => ColumnType.Boolean,
            var t when t == typeof(int) => ColumnType.Int32,
            var t when t == typeof(long) => ColumnType.Int64,
            var t when t == typeof(float) => ColumnType.Float,
            var t when t == typeof(double) => ColumnType.Double,
            // Parquet.Net 6 reports string columns as ReadOnlyMemory<char>.
            var t when t == typeof(string) || t == typeof(ReadOnlyMemory<char>) => ColumnType.String,
            var t when t == typeof(DateTime) => ColumnType.Timestamp,
            _ => null,
        };
        return type is null ? null : new ColumnSpec(field.Name, type.Value, field.IsNullable);
    }

    /// <summary>Writes <paramref name="count"/> values from <paramref name="offset"/> as the row group's next column.</summary>
    public static Task WriteAsync(
        ParquetRowGroupWriter writer, DataField field, ColumnSpec spec, Array values, int offset, int count, CancellationToken ct) =>
        (spec.Type, spec.Nullable) switch
        {
            (ColumnType.Boolean, false) => writer.WriteAsync(field, new ReadOnlyMemory<bool>((bool[])values, offset, count), null, null, ct),
            (ColumnType.Boolean, true) => writer.WriteAsync(field, new ReadOnlyMemory<bool?>((bool?[])values, offset, count), null, null, ct),
            (ColumnType.Int32, false) => writer.WriteAsync(field, new ReadOnlyMemory<int>((int[])values, offset, count), null, null, ct),
            (ColumnType.Int32, true) => writer.WriteAsync(field, new ReadOnlyMemory<int?>((int?[])values, offset, count), null, null, ct),
            (ColumnType.Int64, false) => writer.WriteAsync(field, new ReadOnlyMemory<long>((long[])values, offset, count), null, null, ct),
            (ColumnType.Int64, true) => writer.WriteAsync(field, new ReadOnlyMemory<long?>((long?[])values, offset, count), null, null, ct),
            (ColumnType.Float, false) => writer.WriteAsync(field, new ReadOnlyMemory<float>((float[])values, offset, count), null, null, ct),
            (ColumnType.Float, true) => writer.WriteAsync(field, new ReadOnlyMemory<float?>((float?[])values, offset, count), null, null, ct),
            (ColumnType.Double, false) => writer.WriteAsync(field, new ReadOnlyMemory<double>((double[])values, offset, count), null, null, ct),
            (ColumnType.Double, true) => writer.WriteAsync(field, new ReadOnlyMemory<double?>((double?[])values, offset, count), null, null, ct),
            (ColumnType.Timestamp, false) => writer.WriteAsync(field, new ReadOnlyMemory<DateTime>((DateTime[])values, offset, count), null, null, ct),
            (ColumnType.Timestamp, true) => writer.WriteAsync(field, new ReadOnlyMemory<DateTime?>((DateTime?[])values, offset, count), null, null, ct),
            (ColumnType.String, _) => writer.WriteAsync(field, new ArraySegment<string>((string[])values, offset, count)),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Type, "Unknown column type."),
        };

    /// <summary>Reads the row group's column into <paramref name="destination"/> from <paramref name="offset"/>.</summary>
    public static ValueTask ReadAsync(
        ParquetRowGroupReader reader, DataField field, ColumnSpec spec, Array destination, int offset, int count, CancellationToken ct) =>
        (spec.Type, spec.Nullable) switch
        {
            (ColumnType.Boolean, false) => reader.ReadAsync(field, new Memory<bool>((bool[])destination, offset, count), null, ct),
            (ColumnType.Boolean, true) => reader.ReadAsync(field, new Memory<bool?>((bool?[])destination, offset, count), null, ct),
            (ColumnType.Int32, false) => reader.ReadAsync(field, new Memory<int>((int[])destination, offset, count), null, ct),
            (ColumnType.Int32, true) => reader.ReadAsync(field, new Memory<int?>((int?[])destination, offset, count), null, ct),
            (ColumnType.Int64, false) => reader.ReadAsync(field, new Memory<long>((long[])destination, offset, count), null, ct),
            (ColumnType.Int64, true) => reader.ReadAsync(field, new Memory<long?>((long?[])destination, offset, count), null, ct),
            (ColumnType.Float, false) => reader.ReadAsync(field, new Memory<float>((float[])destination, offset, count), null, ct),
            (ColumnType.Float, true) => reader.ReadAsync(field, new Memory<float?>((float?[])destination, offset, count), null, ct),
            (ColumnType.Double, false) => reader.ReadAsync(field, new Memory<double>((double[])destination, offset, count), null, ct),
            (ColumnType.Double, true) => reader.ReadAsync(field, new Memory<double?>((double?[])destination, offset, count), null, ct),
            (ColumnType.Timestamp, false) => reader.ReadAsync(field, new Memory<DateTime>((DateTime[])destination, offset, count), null, ct),
            (ColumnType.Timestamp, true) => reader.ReadAsync(field, new Memory<DateTime?>((DateTime?[])destination, offset, count), null, ct),
            (ColumnType.String, _) => reader.ReadAsync(field, new Memory<string?>((string?[])destination, offset, count), null, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Type, "Unknown column type."),
        };
}
