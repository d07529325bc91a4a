using MlopsPS.Core.Tables;
using Parquet;
using Parquet.Schema;
using ConvertedType = Parquet.Meta.ConvertedType;

namespace MlopsPS.Core.Sources;

/// <summary>
/// Reads any Parquet file with flat columns (ours, Spark's, pandas', DuckDB's) into <see cref="ColumnBatch"/>es,
/// one row group at a time, cut into batches of at most the batch size. Parquet.Net is async-only; we block on it
/// from the thread pool, which is safe under any synchronisation context and costs nothing next to the I/O.
/// <para>
/// Type mapping: boolean -> Boolean; int8, uint8, int16, uint16, int32 -> Int32; uint32, int64 -> Int64; uint64 ->
/// Int64 (a value above Int64's range is an error); float16, float -> Float; double and decimal -> Double (a decimal
/// loses digits beyond a double's 15-17); string, enum, UUID -> String; timestamp (any unit, INT96), date ->
/// Timestamp in UTC (a timestamp without time zone is read as UTC wall-clock time, a date as midnight UTC). A column
/// the file marks optional is nullable, even when it holds no null, because the schema must be known before the data.
/// Lists, maps, structs, repeated fields, byte arrays, times of day and intervals are refused with the column's name.
/// </para>
/// </summary>
public sealed class ParquetBatchReader : IBatchSource
{
    private readonly int _batchSize;
    private readonly DataField[] _fields;

    /// <summary>Opens <paramref name="path"/> and maps its schema.</summary>
    /// <exception cref="SourceFileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidSourceDataException">The file is not Parquet, is damaged, or has a column we cannot map.</exception>
    /// <exception cref="InvalidSourceArgumentException">A batch size below 1.</exception>
    public ParquetBatchReader(string path, int batchSize = SourceDefaults.BatchSize)
    {
        if (batchSize < 1)
        {
            throw new InvalidSourceArgumentException(nameof(batchSize), $"The batch size must be at least 1, got {batchSize}.");
        }

        Path = path;
        _batchSize = batchSize;
        using var stream = Open();
        var reader = Run(() => ParquetReader.CreateAsync(stream, leaveStreamOpen: true));
        try
        {
            var schema = Guarded(() => reader.Schema);
            (_fields, Schema) = MapSchema(schema);
        }
        finally
        {
            Dispose(reader);
        }
    }

    /// <summary>The file, as given.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public TableSchema Schema { get; }

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> ReadBatches(CancellationToken cancellationToken = default)
    {
        using var stream = Open();
        var reader = Run(() => ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken));
        try
        {
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rowGroup = reader.OpenRowGroupReader(group);
                var rows = checked((int)rowGroup.RowCount);
                var columns = new Array[_fields.Length];
                for (var c = 0; c < _fields.Length; c++)
                {
                    var field = _fields[c];
                    var spec = Schema.Columns[c];
                    columns[c] = Run(() => ReadColumnAsync(rowGroup, field, spec, rows, cancellationToken), group, field.Name);
                }

                for (var first = 0; first < rows; first += _batchSize)
                {
                    yield return Slice(columns, first, Math.Min(_batchSize, rows - first), rows);
                }
            }
        }
        finally
        {
            Dispose(reader);
        }
    }

    private ColumnBatch Slice(Array[] columns, int first, int count, int rows)
    {
        if (first == 0 && count == rows)
        {
            return new ColumnBatch(Schema, columns, rows);
        }

        var sliced = new Array[columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            sliced[c] = Schema.Columns[c].CreateArray(count);
            Array.Copy(columns[c], first, sliced[c], 0, count);
        }

        return new ColumnBatch(Schema, sliced, count);
    }

    private (DataField[] Fields, TableSchema Schema) MapSchema(ParquetSchema schema)
    {
        var fields = new List<DataField>();
        var columns = new List<ColumnSpec>();
        foreach (var field in schema.Fields)
        {
            if (field is not DataField data || field.SchemaType != SchemaType.Data)
            {
                throw Unsupported(field.Name, $"a {field.SchemaType.ToString().ToLowerInvariant()} (nested data)");
            }

            if (data.MaxRepetitionLevel > 0 || data.IsArray)
            {
                throw Unsupported(field.Name, "a repeated field (nested data)");
            }

            if (data.SchemaElement?.LogicalType?.TIME is not null
                || data.SchemaElement?.ConvertedType is ConvertedType.TIME_MILLIS or ConvertedType.TIME_MICROS)
            {
                throw Unsupported(field.Name, "a time of day");
            }

            var type = MapType(data.ClrType) ?? throw Unsupported(field.Name, Describe(data.ClrType));
            fields.Add(data);
            columns.Add(new ColumnSpec(field.Name, type, data.IsNullable));
        }

        return (fields.ToArray(), new TableSchema(columns));
    }

    private static ColumnType? MapType(Type clr) =>
        clr == typeof(bool) ? ColumnType.Boolean
        : clr == typeof(int) || clr == typeof(short) || clr == typeof(sbyte) || clr == typeof(byte) || clr == typeof(ushort) ? ColumnType.Int32
        : clr == typeof(long) || clr == typeof(uint) || clr == typeof(ulong) ? ColumnType.Int64
        : clr == typeof(float) || clr == typeof(Half) ? ColumnType.Float
        : clr == typeof(double) || clr == typeof(decimal) ? ColumnType.Double
        : clr == typeof(ReadOnlyMemory<char>) || clr == typeof(string) || clr == typeof(Guid) ? ColumnType.String
        : clr == typeof(DateTime) ? ColumnType.Timestamp
        : null;

    /// <summary>What an unsupported column holds, in words (Parquet.Net's CLR type names are not for users).</summary>
    private static string Describe(Type clr) =>
        clr == typeof(ReadOnlyMemory<byte>) || clr == typeof(byte[]) ? "binary data (a byte array)"
        : clr == typeof(Parquet.File.Values.Primitives.Interval) ? "an interval"
        : clr == typeof(System.Numerics.BigInteger) ? "a 96-bit integer"
        : $"of type {clr.Name}";

    private async Task<Array> ReadColumnAsync(ParquetRowGroupReader rowGroup, DataField field, ColumnSpec spec, int rows, CancellationToken cancellationToken)
    {
        var clr = field.ClrType;
        if (clr == typeof(ReadOnlyMemory<char>) || clr == typeof(string))
        {
            // Parquet.Net 6 declares UTF-8 columns as ReadOnlyMemory<char>; this overload makes the strings.
            var strings = new string?[rows];
            await rowGroup.ReadAsync(field, strings.AsMemory(), cancellationToken: cancellationToken);
            return strings;
        }

        return clr switch
        {
            _ when clr == typeof(bool) => await ReadAsync<bool, bool>(rowGroup, field, spec, rows, null, cancellationToken),
            _ when clr == typeof(int) => await ReadAsync<int, int>(rowGroup, field, spec, rows, null, cancellationToken),
            _ when clr == typeof(long) => await ReadAsync<long, long>(rowGroup, field, spec, rows, null, cancellationToken),
            _ when clr == typeof(float) => await ReadAsync<float, float>(rowGroup, field, spec, rows, null, cancellationToken),
            _ when clr == typeof(double) => await ReadAsync<double, double>(rowGroup, field, spec, rows, null, cancellationToken),
            _ when clr == typeof(DateTime) => await ReadAsync<DateTime, DateTime>(rowGroup, field, spec, rows, AsUtc, cancellationToken),
            _ when clr == typeof(sbyte) => await ReadAsync<sbyte, int>(rowGroup, field, spec, rows, v => v, cancellationToken),
            _ when clr == typeof(byte) => await ReadAsync<byte, int>(rowGroup, field, spec, rows, v => v, cancellationToken),
            _ when clr == typeof(short) => await ReadAsync<short, int>(rowGroup, field, spec, rows, v => v, cancellationToken),
            _ when clr == typeof(ushort) => await ReadAsync<ushort, int>(rowGroup, field, spec, rows, v => v, cancellationToken),
            _ when clr == typeof(uint) => await ReadAsync<uint, long>(rowGroup, field, spec, rows, v => v, cancellationToken),
            _ when clr == typeof(ulong) => await ReadAsync<ulong, long>(rowGroup, field, spec, rows, v => ToInt64(v, field), cancellationToken),
            _ when clr == typeof(Half) => await ReadAsync<Half, float>(rowGroup, field, spec, rows, v => (float)v, cancellationToken),
            _ when clr == typeof(decimal) => await ReadAsync<decimal, double>(rowGroup, field, spec, rows, v => (double)v, cancellationToken),
            _ when clr == typeof(Guid) => await ReadGuidsAsync(rowGroup, field, rows, cancellationToken),
            _ => throw Unsupported(field.Name, Describe(clr)),
        };
    }

    /// <summary>
    /// Reads a column of <typeparamref name="TSource"/> (the file's CLR type) into an array of the column spec's type,
    /// converting each value with <paramref name="convert"/> (null: the types are the same).
    /// </summary>
    private static async Task<Array> ReadAsync<TSource, TTarget>(
        ParquetRowGroupReader rowGroup,
        DataField field,
        ColumnSpec spec,
        int rows,
        Func<TSource, TTarget>? convert,
        CancellationToken cancellationToken)
        where TSource : struct
        where TTarget : struct
    {
        if (spec.Nullable)
        {
            var raw = new TSource?[rows];
            await rowGroup.ReadAsync<TSource>(field, raw.AsMemory(), cancellationToken: cancellationToken);
            if (convert is null)
            {
                return raw;
            }

            var converted = new TTarget?[rows];
            for (var i = 0; i < rows; i++)
            {
                converted[i] = raw[i] is { } value ? convert(value) : null;
            }

            return converted;
        }
        else
        {
            var raw = new TSource[rows];
            await rowGroup.ReadAsync<TSource>(field, raw.AsMemory(), cancellationToken: cancellationToken);
            if (convert is null)
            {
                return raw;
            }

            var converted = new TTarget[rows];
            for (var i = 0; i < rows; i++)
            {
                converted[i] = convert(raw[i]);
            }

            return converted;
        }
    }

    private static async Task<Array> ReadGuidsAsync(ParquetRowGroupReader rowGroup, DataField field, int rows, CancellationToken cancellationToken)
    {
        var strings = new string?[rows];
        if (field.IsNullable)
        {
            var raw = new Guid?[rows];
            await rowGroup.ReadAsync<Guid>(field, raw.AsMemory(), cancellationToken: cancellationToken);
            for (var i = 0; i < rows; i++)
            {
                strings[i] = raw[i]?.ToString("D");
            }
        }
        else
        {
            var raw = new Guid[rows];
            await rowGroup.ReadAsync<Guid>(field, raw.AsMemory(), cancellationToken: cancellationToken);
            for (var i = 0; i < rows; i++)
            {
                strings[i] = raw[i].ToString("D");
            }
        }

        return strings;
    }

    /// <summary>
    /// Parquet.Net marks timestamps written without time zone as Local (without converting) and INT96 values as
    /// Unspecified; both hold UTC wall-clock time by the writers' convention, so only the kind changes.
    /// </summary>
    private static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private long ToInt64(ulong value, DataField field) =>
        value <= long.MaxValue
            ? (long)value
            : throw new InvalidSourceDataException(
                $"{Path}: column '{field.Name}' holds the unsigned value {value}, which is above the largest Int64.",
                Path,
                columnName: field.Name);

    private FileStream Open()
    {
        try
        {
            return new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SourceFileNotFoundException(Path, e);
        }
    }

    private InvalidSourceDataException Unsupported(string column, string what) =>
        new(
            $"{Path}: the column '{column}' is {what}, which cannot be read into a table. "
            + "Tables hold flat columns of booleans, integers, floating-point numbers, decimals, strings and timestamps.",
            Path,
            columnName: column);

    /// <summary>Blocks on Parquet.Net's async API, from the thread pool; failures are mapped by <see cref="Guarded"/>.</summary>
    private T Run<T>(Func<Task<T>> action, int? rowGroup = null, string? column = null) =>
        Guarded(() => Task.Run(action).GetAwaiter().GetResult(), rowGroup, column);

    /// <summary>Runs a Parquet.Net call; a failure of the file (not one of ours) becomes <see cref="InvalidSourceDataException"/>.</summary>
    private T Guarded<T>(Func<T> action, int? rowGroup = null, string? column = null)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is not (MlopsException or OperationCanceledException or OutOfMemoryException))
        {
            var where = rowGroup is null ? string.Empty : $" (row group {rowGroup}, column '{column}')";
            throw new InvalidSourceDataException(
                $"{Path}: not a readable Parquet file{where}: {e.Message}",
                Path,
                columnName: column,
                inner: e);
        }
    }

    private void Dispose(ParquetReader reader) => Run(async () =>
    {
        await reader.DisposeAsync();
        return true;
    });
}
