using System.Text;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// Reads a CSV file into <see cref="ColumnBatch"/>es. The first line is the header; fields follow RFC 4180 (see
/// <see cref="CsvRecordReader"/>); the text is UTF-8 with or without a byte order mark (UTF-16 and UTF-32 files with
/// a byte order mark are read too, as Windows PowerShell writes them); numbers and times use the invariant culture
/// (see <see cref="TextValues"/>). An empty field, quoted or not, is null: PowerShell's <c>Export-Csv</c> writes
/// <c>""</c> for both null and empty strings, so they cannot be told apart.
/// <para>
/// Without <see cref="CsvReadOptions.Schema"/> the constructor reads the whole file once to infer the schema (see
/// <see cref="TextTypeInference"/>), so <see cref="Schema"/> is known before the first batch and a value in the last
/// row cannot invalidate what was already streamed. <see cref="ReadBatches"/> then reads it again, in batches.
/// </para>
/// </summary>
public sealed class CsvBatchReader : IBatchSource
{
    private readonly CsvReadOptions _options;
    private readonly string[] _header;

    // For each CSV field, its column in Schema; and the schema columns the file does not have.
    private readonly int[] _schemaIndexOfField;
    private readonly int[] _absentColumns;

    /// <summary>Opens <paramref name="path"/>, checks its header and settles the schema.</summary>
    /// <exception cref="SourceFileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidSourceDataException">The file is empty, has no usable header or malformed rows, or does not fit the target schema.</exception>
    /// <exception cref="InvalidSourceArgumentException">A batch size or inference row count below 1.</exception>
    public CsvBatchReader(string path, CsvReadOptions? options = null)
    {
        _options = options ?? CsvReadOptions.Default;
        if (_options.BatchSize < 1)
        {
            throw new InvalidSourceArgumentException(nameof(CsvReadOptions.BatchSize), $"The batch size must be at least 1, got {_options.BatchSize}.");
        }

        if (_options.InferenceRows < 1)
        {
            throw new InvalidSourceArgumentException(nameof(CsvReadOptions.InferenceRows), $"The number of rows to infer types from must be at least 1, got {_options.InferenceRows}.");
        }

        Path = path;
        using var records = Open();
        _header = ReadHeader(records);
        if (_options.Schema is { } target)
        {
            Schema = target;
            (_schemaIndexOfField, _absentColumns) = MapToTarget(target);
        }
        else
        {
            Schema = Infer(records);
            _schemaIndexOfField = Enumerable.Range(0, _header.Length).ToArray();
            _absentColumns = [];
        }
    }

    /// <summary>The file, as given.</summary>
    public string Path { get; }

    /// <summary>The header's column names, in file order.</summary>
    public IReadOnlyList<string> Header => _header;

    /// <inheritdoc />
    public TableSchema Schema { get; }

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> ReadBatches(CancellationToken cancellationToken = default)
    {
        using var records = Open();
        records.Read(keepBlank: true); // the header, checked by the constructor

        var buffers = Schema.Columns.Select(c => new ColumnBuffer(c, _options.BatchSize)).ToArray();
        var pools = Schema.Columns.Select(c => c.Type == ColumnType.String ? new StringPool() : null).ToArray();
        long row = 0;
        while (records.Read())
        {
            row++;
            CheckFieldCount(records, row);
            for (var f = 0; f < _header.Length; f++)
            {
                var column = _schemaIndexOfField[f];
                var text = records.Field(f);
                var buffer = buffers[column];
                if (text.IsEmpty)
                {
                    if (!buffer.Spec.Nullable)
                    {
                        throw Error(records, row, _header[f], $"the field is empty but column '{buffer.Spec.Name}' does not allow nulls.");
                    }

                    buffer.AppendNull();
                }
                else if (!TextValues.TryAppend(buffer, text, pools[column]))
                {
                    var hint = _options.Schema is null && _options.InferenceRows is not null
                        ? $" The type was inferred from the first {_options.InferenceRows} rows; infer from more rows or give a schema."
                        : string.Empty;
                    throw Error(
                        records,
                        row,
                        _header[f],
                        $"{TextValues.Quote(text)} is not {TextValues.Expectation(buffer.Spec.Type)} (column type {buffer.Spec.Type}).{hint}");
                }
            }

            foreach (var column in _absentColumns)
            {
                buffers[column].AppendNull();
            }

            if (buffers[0].Count == _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return TakeBatch(buffers);
            }
        }

        if (buffers[0].Count > 0)
        {
            yield return TakeBatch(buffers);
        }
    }

    private ColumnBatch TakeBatch(ColumnBuffer[] buffers)
    {
        var count = buffers[0].Count;
        return new ColumnBatch(Schema, buffers.Select(b => b.Take()).ToArray(), count);
    }

    private CsvRecordReader Open()
    {
        FileStream stream;
        try
        {
            stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SourceFileNotFoundException(Path, e);
        }

        // Strict UTF-8: a Latin-1 file fails with a clear message instead of turning accents into replacement marks.
        var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        return new CsvRecordReader(reader, Path);
    }

    private string[] ReadHeader(CsvRecordReader records)
    {
        if (!records.Read(keepBlank: true))
        {
            throw new InvalidSourceDataException($"{Path}: the file is empty; a CSV file needs a header row.", Path);
        }

        if (records.IsBlank)
        {
            throw records.Read()
                ? new InvalidSourceDataException($"{Path}: line 1 is empty; the first line must be the header row (the data starts on line {records.RecordLine}).", Path, 1)
                : new InvalidSourceDataException($"{Path}: the file is empty (only blank lines); a CSV file needs a header row.", Path);
        }

        var header = new string[records.FieldCount];
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var looksLikeData = true;
        for (var f = 0; f < header.Length; f++)
        {
            // Trimmed: "id, name" is a common way to write a header by hand, and " name" is never the intent.
            var name = records.Field(f).Trim().ToString();
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new InvalidSourceDataException($"{Path}: line 1: the header of column {f + 1} is empty; every column needs a name.", Path, 1);
            }

            if (!positions.TryAdd(name, f))
            {
                throw new InvalidSourceDataException(
                    $"{Path}: line 1: the header '{name}' appears twice (columns {positions[name] + 1} and {f + 1}); column names must be unique.",
                    Path,
                    1,
                    columnName: name);
            }

            looksLikeData &= TextValues.TryParseDouble(name, out _) || TextValues.TryParseBoolean(name, out _) || TextValues.TryParseTimestamp(name, out _);
            header[f] = name;
        }

        if (looksLikeData)
        {
            throw new InvalidSourceDataException(
                $"{Path}: line 1 ({string.Join(",", header.Take(5))}) looks like data, not a header: every name is a number, boolean or time. "
                + "A header row with the column names is required.",
                Path,
                1);
        }

        return header;
    }

    private (int[] SchemaIndexOfField, int[] AbsentColumns) MapToTarget(TableSchema target)
    {
        var lookup = new ColumnNameLookup(target);
        var indexes = new int[_header.Length];
        var present = new bool[target.Columns.Count];
        for (var f = 0; f < _header.Length; f++)
        {
            indexes[f] = lookup.IndexOf(_header[f]);
            if (indexes[f] < 0)
            {
                throw new InvalidSourceDataException(
                    $"{Path}: the column '{_header[f]}' is not in the table's schema ({string.Join(", ", target.ColumnNames)}).",
                    Path,
                    1,
                    columnName: _header[f]);
            }

            if (present[indexes[f]])
            {
                throw new InvalidSourceDataException(
                    $"{Path}: the columns '{_header[Array.IndexOf(indexes, indexes[f])]}' and '{_header[f]}' both match the schema column '{target.Columns[indexes[f]].Name}'.",
                    Path,
                    1,
                    columnName: _header[f]);
            }

            present[indexes[f]] = true;
        }

        var absent = Enumerable.Range(0, present.Length).Where(c => !present[c]).ToArray();
        var required = absent.Where(c => !target.Columns[c].Nullable).Select(c => target.Columns[c].Name).ToArray();
        if (required.Length > 0)
        {
            throw new InvalidSourceDataException(
                $"{Path}: the file has no column {string.Join(", ", required.Select(n => $"'{n}'"))}, which the schema requires (not nullable).",
                Path,
                1,
                columnName: required[0]);
        }

        return (indexes, absent);
    }

    private TableSchema Infer(CsvRecordReader records)
    {
        var inference = _header.Select(_ => new TextTypeInference()).ToArray();
        var limit = _options.InferenceRows ?? long.MaxValue;
        long row = 0;
        while (row < limit && records.Read())
        {
            row++;
            CheckFieldCount(records, row);
            for (var f = 0; f < inference.Length; f++)
            {
                inference[f].Observe(records.Field(f));
            }
        }

        // If rows remain unread, an empty field may still come: every column must accept null.
        var partial = row == limit && records.Read();
        return new TableSchema(inference.Select((c, f) => c.Result(_header[f], forceNullable: partial)));
    }

    private void CheckFieldCount(CsvRecordReader records, long row)
    {
        if (records.FieldCount != _header.Length)
        {
            throw new InvalidSourceDataException(
                $"{Path}: line {records.RecordLine} (row {row}) has {records.FieldCount} field(s) but the header has {_header.Length}.",
                Path,
                records.RecordLine,
                row);
        }
    }

    private InvalidSourceDataException Error(CsvRecordReader records, long row, string column, string problem) =>
        new($"{Path}: line {records.RecordLine} (row {row}), column '{column}': {problem}", Path, records.RecordLine, row, column);
}
