using System.IO.Compression;
using MlopsPS.Core.Tables.Iceberg;
using Parquet;
using Parquet.Schema;

namespace MlopsPS.Core.Tables;

/// <summary>
/// Streams batches into one Parquet file, a row group at a time, so an append never holds more than one batch
/// and one row group in memory. The file is written under a temporary name in the table's folder and only
/// takes its final name once complete and flushed to disk; until a snapshot references it, it is an orphan.
/// Disposing an unfinished writer deletes the temporary file.
/// </summary>
internal sealed class DataFileWriter : IDisposable
{
    /// <summary>About 100k rows per row group: large enough for fast scans, small enough to keep memory low.</summary>
    public const int DefaultRowGroupRows = 100_000;

    public const string TemporarySuffix = ".tmp";

    // Snappy, as Iceberg and Spark default to. The level is pinned because Parquet.Net defaults to
    // SmallestSize, which made zstd ~35x slower than Snappy here; Snappy ignores it, but a change of method
    // must not inherit that default.
    private static readonly ParquetOptions s_options = new()
    {
        CompressionMethod = CompressionMethod.Snappy,
        CompressionLevel = CompressionLevel.Fastest,
    };

    private readonly string _table;
    private readonly string _storeRoot;
    private readonly string _relativeFolder;
    private readonly TableSchema _schema;
    private readonly DataField[] _fields;
    private readonly int _rowGroupRows;
    private readonly Action<long>? _rowsWritten;
    private readonly ColumnStatistics[] _statistics;
    private Array[]? _buffer;
    private int _buffered;
    private string? _temporaryPath;
    private FileStream? _stream;
    private ParquetWriter? _writer;
    private bool _completed;

    public DataFileWriter(string table, string storeRoot, string relativeFolder, TableSchema schema, int rowGroupRows, Action<long>? rowsWritten)
    {
        _table = table;
        _storeRoot = storeRoot;
        _relativeFolder = relativeFolder;
        _schema = schema;
        _fields = schema.Columns.Select(ParquetColumns.ToField).ToArray();
        for (var i = 0; i < _fields.Length; i++)
        {
            // Iceberg's field ids in the file's schema, so that engines match columns by id, not by name.
            _fields[i].FieldId = IcebergSchema.FieldId(i);
        }

        _statistics = schema.Columns.Select(c => new ColumnStatistics(c.Type)).ToArray();
        _rowGroupRows = rowGroupRows;
        _rowsWritten = rowsWritten;
    }

    /// <summary>Rows written to the file so far (excluding those still buffered).</summary>
    public long RowsWritten { get; private set; }

    /// <summary>
    /// Adds a batch whose columns <paramref name="positions"/> maps to the table's (see
    /// <see cref="SchemaCompatibility.Match"/>).
    /// </summary>
    public void Add(ColumnBatch batch, int[] positions, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        CheckNulls(batch, positions);
        var direct = true;
        for (var i = 0; i < positions.Length; i++)
        {
            direct &= SchemaCompatibility.SameStorage(_schema.Columns[i], batch.Schema.Columns[positions[i]]);
        }

        var offset = 0;
        while (offset < batch.RowCount)
        {
            ct.ThrowIfCancellationRequested();
            var remaining = batch.RowCount - offset;
            if (direct && _buffered == 0 && remaining >= _rowGroupRows)
            {
                // A large batch goes to the file straight from its own arrays: no copy.
                WriteRowGroup(positions.Select(p => batch.Columns[p]).ToArray(), offset, _rowGroupRows, ct);
                offset += _rowGroupRows;
                continue;
            }

            _buffer ??= _schema.Columns.Select(c => c.CreateArray(_rowGroupRows)).ToArray();
            var take = Math.Min(remaining, _rowGroupRows - _buffered);
            for (var i = 0; i < positions.Length; i++)
            {
                ColumnConverter.Copy(batch.Columns[positions[i]], offset, _buffer[i], _buffered, take);
            }

            _buffered += take;
            offset += take;
            if (_buffered == _rowGroupRows)
            {
                WriteRowGroup(_buffer, 0, _buffered, ct);
                _buffered = 0;
            }
        }
    }

    /// <summary>
    /// Writes what is buffered and the footer, flushes the file to disk and renames it to its final name.
    /// Returns null when no rows were added (no file is created).
    /// </summary>
    public WrittenDataFile? Complete(CancellationToken ct)
    {
        if (_buffered > 0)
        {
            WriteRowGroup(_buffer!, 0, _buffered, ct);
            _buffered = 0;
        }

        _buffer = null;
        if (_writer is null)
        {
            _completed = true;
            return null;
        }

        SyncOverAsync.Run(async () => await _writer.DisposeAsync().ConfigureAwait(false));
        _writer = null;

        // The data must be on disk before a snapshot can point at it. (The rename itself is made durable by
        // the file system's journal; .NET cannot fsync a directory.)
        _stream!.Flush(flushToDisk: true);
        var size = _stream.Length;
        _stream.Dispose();
        _stream = null;
        ct.ThrowIfCancellationRequested();

        var fileName = Path.GetFileName(_temporaryPath!)[..^TemporarySuffix.Length];
        var finalPath = Path.Combine(Path.GetDirectoryName(_temporaryPath)!, fileName);
        File.Move(_temporaryPath!, finalPath);
        _temporaryPath = null;
        _completed = true;
        return new WrittenDataFile($"{_relativeFolder}/{fileName}", finalPath, RowsWritten, size, _statistics);
    }

    /// <summary>Abandons an unfinished file: closes and deletes it.</summary>
    public void Dispose()
    {
        _completed = true;
        try
        {
            if (_writer is not null)
            {
                SyncOverAsync.Run(async () => await _writer.DisposeAsync().ConfigureAwait(false));
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The file is being thrown away; a footer that cannot be written does not matter.
        }
        finally
        {
            _writer = null;
            _stream?.Dispose();
            _stream = null;
            if (_temporaryPath is not null)
            {
                TryDelete(_temporaryPath);
                _temporaryPath = null;
            }
        }
    }

    private void CheckNulls(ColumnBatch batch, int[] positions)
    {
        // Value types cannot hold a null where the table says not nullable (the schema check saw to that), but a
        // string column can; Parquet.Net would write it as an empty value.
        for (var i = 0; i < positions.Length; i++)
        {
            if (_schema.Columns[i] is { Type: ColumnType.String, Nullable: false }
                && batch.Columns[positions[i]] is string?[] values
                && Array.IndexOf(values, null) is var row and >= 0)
            {
                throw new UnexpectedNullException(_table, _schema.Columns[i].Name, row);
            }
        }
    }

    private void WriteRowGroup(IReadOnlyList<Array> columns, int offset, int count, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        SyncOverAsync.Run(async () =>
        {
            _writer ??= await CreateWriterAsync(ct).ConfigureAwait(false);
            using var rowGroup = _writer.CreateRowGroup();
            for (var i = 0; i < _fields.Length; i++)
            {
                // The column chunk's bytes are what the stream grows by while it is written.
                var start = _stream!.Position;
                await ParquetColumns.WriteAsync(rowGroup, _fields[i], _schema.Columns[i], columns[i], offset, count, ct).ConfigureAwait(false);
                _statistics[i].Size += _stream.Position - start;
            }
        });
        for (var i = 0; i < _fields.Length; i++)
        {
            _statistics[i].Add(columns[i], offset, count);
        }

        RowsWritten += count;
        _rowsWritten?.Invoke(RowsWritten);
    }

    private async Task<ParquetWriter> CreateWriterAsync(CancellationToken ct)
    {
        var folder = Path.Combine(_storeRoot, _relativeFolder);
        Directory.CreateDirectory(folder);
        _temporaryPath = Path.Combine(folder, $"data-{Guid.NewGuid():N}.parquet{TemporarySuffix}");
        _stream = new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 1 << 16);
        // The schema must be built from the very DataField instances the columns are written with: Parquet.Net 6
        // refuses a field that is equal but not attached to the writer's schema.
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(_fields), _stream, s_options, append: false, ct).ConfigureAwait(false);
        // As Iceberg's own writers do: the Iceberg schema in the footer, for readers that map columns by it.
        writer.CustomMetadata = new Dictionary<string, string> { ["iceberg.schema"] = IcebergSchema.ToJson(_schema) };
        return writer;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind as an orphan; RemoveOrphanFiles deletes it later.
        }
    }
}
