using Parquet;
using Parquet.Schema;

namespace MlopsPS.Core.Tables;

/// <summary>
/// Reads one data file a row group at a time, only the columns asked for. Files normally have the table's
/// exact schema; one written while another writer created the table may differ in the ways
/// <see cref="SchemaCompatibility"/> allows, and is converted on the way out.
/// </summary>
internal sealed class DataFileReader : IDisposable
{
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly ColumnSpec[] _stored;

    private DataFileReader(ParquetReader reader, DataField[] fields, ColumnSpec[] stored)
    {
        _reader = reader;
        _fields = fields;
        _stored = stored;
    }

    public int RowGroupCount => _reader.RowGroupCount;

    /// <summary>Opens <paramref name="file"/> to read <paramref name="columns"/>.</summary>
    public static DataFileReader Open(DataFile file, TableSchema columns, CancellationToken ct)
    {
        FileStream? stream = null;
        ParquetReader? reader = null;
        try
        {
            stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1 << 16);
            reader = SyncOverAsync.Run(() => ParquetReader.CreateAsync(stream, parquetOptions: null, leaveStreamOpen: false, ct));
            var byName = reader.Schema.DataFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
            var fields = new DataField[columns.Columns.Count];
            var stored = new ColumnSpec[columns.Columns.Count];
            for (var i = 0; i < fields.Length; i++)
            {
                var column = columns.Columns[i];
                if (!byName.TryGetValue(column.Name, out var field)
                    || ParquetColumns.ToColumnSpec(field) is not { } spec
                    || !SchemaCompatibility.CanStore(column, spec))
                {
                    throw new InvalidDataException($"The file has no column '{column.Name}' of type {column.Type}.");
                }

                fields[i] = field;
                stored[i] = spec;
            }

            return new DataFileReader(reader, fields, stored);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            if (reader is not null)
            {
                Close(reader);
            }

            stream?.Dispose();
            throw new DataFileUnavailableException(file.Path, e);
        }
    }

    /// <summary>Reads row group <paramref name="index"/> into new arrays typed as <paramref name="columns"/>.</summary>
    public ColumnBatch ReadBatch(int index, TableSchema columns, CancellationToken ct) =>
        SyncOverAsync.Run(async () =>
        {
            using var rowGroup = _reader.OpenRowGroupReader(index);
            var rows = checked((int)rowGroup.RowCount);
            var arrays = new Array[_fields.Length];
            for (var i = 0; i < _fields.Length; i++)
            {
                var target = columns.Columns[i];
                arrays[i] = target.CreateArray(rows);
                if (SchemaCompatibility.SameStorage(target, _stored[i]))
                {
                    await ParquetColumns.ReadAsync(rowGroup, _fields[i], target, arrays[i], 0, rows, ct).ConfigureAwait(false);
                }
                else
                {
                    var stored = _stored[i].CreateArray(rows);
                    await ParquetColumns.ReadAsync(rowGroup, _fields[i], _stored[i], stored, 0, rows, ct).ConfigureAwait(false);
                    ColumnConverter.Copy(stored, 0, arrays[i], 0, rows);
                }
            }

            return new ColumnBatch(columns, arrays, rows);
        });

    /// <summary>
    /// Reads row group <paramref name="index"/> into <paramref name="targets"/>, reusing <paramref name="buffers"/>
    /// (one per column, grown as needed). Returns the number of rows read.
    /// </summary>
    public int ReadIntoMatrix(int index, MatrixTargets targets, Array?[] buffers, CancellationToken ct)
    {
        return SyncOverAsync.Run(async () =>
        {
            using var rowGroup = _reader.OpenRowGroupReader(index);
            var rows = checked((int)rowGroup.RowCount);
            if (!targets.Fits(rows))
            {
                throw new InvalidDataException("The file holds more rows than the catalog records.");
            }

            for (var i = 0; i < _fields.Length; i++)
            {
                // Read in the file's own type: the scatter converts any numeric type to float.
                if (buffers[i] is not { } buffer || buffer.Length < rows || buffer.GetType().GetElementType() != _stored[i].ClrType)
                {
                    buffers[i] = buffer = _stored[i].CreateArray(rows);
                }

                await ParquetColumns.ReadAsync(rowGroup, _fields[i], _stored[i], buffer, 0, rows, ct).ConfigureAwait(false);
                targets.Scatter(buffer, rows, i);
            }

            targets.EndGroup(rows);
            return rows;
        });
    }

    public void Dispose() => Close(_reader);

    // Parquet.Net 6's reader is only IAsyncDisposable.
    private static void Close(ParquetReader reader) =>
        SyncOverAsync.Run(async () => await reader.DisposeAsync().ConfigureAwait(false));
}
