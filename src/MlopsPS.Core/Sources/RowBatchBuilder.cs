using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// Builds <see cref="ColumnBatch"/>es from rows of named values, such as the properties of the PowerShell objects a
/// cmdlet receives (the cmdlet unwraps <c>PSObject</c>s; values here are plain .NET values, see
/// <see cref="ObjectValues"/> for how they are typed and converted).
/// <para>
/// Two ways in: <see cref="Build"/> pulls rows from a sequence; <see cref="Add"/> and <see cref="Complete"/> take
/// them one at a time, as a cmdlet's ProcessRecord and EndProcessing get them. Either way, batches come out as soon
/// as they are full.
/// </para>
/// <para>
/// With a target schema (appending to a table) each value is converted to its column's type; a property that is not
/// a column is an error naming it; a column a row lacks (or holds null for) is null, or an error when the column is
/// not nullable. Names match exactly, else ignoring case when that is unambiguous (PowerShell property names ignore
/// case).
/// </para>
/// <para>
/// Without one, the schema is inferred from the first <see cref="InferenceRows"/> rows: the columns in the order
/// their names first appear, each typed by the values it holds (see <see cref="ObjectValues"/>). If the input ends
/// within those rows the schema fits it exactly; once that many rows have arrived, more may follow, so every column
/// is nullable. A later row with a property the first rows did not have, or a value that does not convert, is an
/// error that says so.
/// </para>
/// An error ends the build: a row is never half added to a batch that is then handed out.
/// </summary>
public sealed class RowBatchBuilder
{
    /// <summary>The number of rows type inference reads when none is given.</summary>
    public const int DefaultInferenceRows = 10_000;

    private readonly int _batchSize;
    private readonly bool _inferred;
    private List<IReadOnlyList<KeyValuePair<string, object?>>>? _pending;
    private ColumnBuffer[]? _buffers;
    private ColumnNameLookup? _lookup;
    private bool[] _seen = [];
    private long _rows;
    private bool _failed;

    /// <summary>Creates a builder.</summary>
    /// <param name="schema">The target schema, or null to infer one from the first rows.</param>
    /// <param name="batchSize">The most rows in one batch.</param>
    /// <param name="inferenceRows">How many rows inference reads (ignored with a target schema).</param>
    /// <exception cref="InvalidSourceArgumentException">A batch size or inference row count below 1.</exception>
    public RowBatchBuilder(TableSchema? schema = null, int batchSize = SourceDefaults.BatchSize, int inferenceRows = DefaultInferenceRows)
    {
        if (batchSize < 1)
        {
            throw new InvalidSourceArgumentException(nameof(batchSize), $"The batch size must be at least 1, got {batchSize}.");
        }

        if (inferenceRows < 1)
        {
            throw new InvalidSourceArgumentException(nameof(inferenceRows), $"The number of rows to infer types from must be at least 1, got {inferenceRows}.");
        }

        _batchSize = batchSize;
        InferenceRows = inferenceRows;
        if (schema is null)
        {
            _inferred = true;
            _pending = [];
        }
        else if (schema.Columns.Count == 0)
        {
            throw new InvalidSourceArgumentException(nameof(schema), "The target schema has no columns.");
        }
        else
        {
            Start(schema);
        }
    }

    /// <summary>The schema of the batches: the target, or the inferred one once inferred (null before).</summary>
    public TableSchema? Schema { get; private set; }

    /// <summary>How many rows type inference reads.</summary>
    public int InferenceRows { get; }

    /// <summary>Builds batches from <paramref name="rows"/>, lazily.</summary>
    /// <exception cref="InvalidSourceDataException">A row does not fit (the message names the row and the column).</exception>
    public static IEnumerable<ColumnBatch> Build(
        IEnumerable<IReadOnlyList<KeyValuePair<string, object?>>> rows,
        TableSchema? schema = null,
        int batchSize = SourceDefaults.BatchSize,
        int inferenceRows = DefaultInferenceRows)
    {
        var builder = new RowBatchBuilder(schema, batchSize, inferenceRows);
        return Pull(builder, rows);
    }

    /// <summary>Adds one row; returns the batches it completed (usually none, one when a batch fills).</summary>
    /// <exception cref="InvalidSourceDataException">The row (or, when it ends inference, an earlier row) does not fit.</exception>
    public IReadOnlyList<ColumnBatch> Add(IReadOnlyList<KeyValuePair<string, object?>> row)
    {
        CheckUsable();
        _rows++;
        if (_pending is not null)
        {
            _pending.Add(row);
            return _pending.Count < InferenceRows ? [] : Guard(() => StartFromPending(moreMayFollow: true));
        }

        return Guard(() =>
        {
            Append(row, _rows);
            return _buffers![0].Count == _batchSize ? [TakeBatch()] : [];
        });
    }

    /// <summary>Ends the input: returns the last, partly filled batch (if any). Without rows and without a target schema <see cref="Schema"/> stays null.</summary>
    public IReadOnlyList<ColumnBatch> Complete()
    {
        CheckUsable();
        return Guard(() =>
        {
            var batches = new List<ColumnBatch>();
            if (_pending is { Count: > 0 })
            {
                batches.AddRange(StartFromPending(moreMayFollow: false));
            }

            if (_buffers is not null && _buffers.Length > 0 && _buffers[0].Count > 0)
            {
                batches.Add(TakeBatch());
            }

            return batches;
        });
    }

    private static IEnumerable<ColumnBatch> Pull(RowBatchBuilder builder, IEnumerable<IReadOnlyList<KeyValuePair<string, object?>>> rows)
    {
        foreach (var row in rows)
        {
            foreach (var batch in builder.Add(row))
            {
                yield return batch;
            }
        }

        foreach (var batch in builder.Complete())
        {
            yield return batch;
        }
    }

    private void Start(TableSchema schema)
    {
        Schema = schema;
        _buffers = schema.Columns.Select(c => new ColumnBuffer(c, _batchSize)).ToArray();
        _lookup = new ColumnNameLookup(schema);
        _seen = new bool[schema.Columns.Count];
    }

    private List<ColumnBatch> StartFromPending(bool moreMayFollow)
    {
        var pending = _pending!;
        _pending = null;
        var schema = InferSchema(pending, moreMayFollow);
        if (schema.Columns.Count == 0)
        {
            throw new InvalidSourceDataException($"The first {pending.Count} row(s) have no properties: there is nothing to store.");
        }

        Start(schema);
        var batches = new List<ColumnBatch>();
        for (var i = 0; i < pending.Count; i++)
        {
            Append(pending[i], i + 1);
            if (_buffers![0].Count == _batchSize)
            {
                batches.Add(TakeBatch());
            }
        }

        return batches;
    }

    private static TableSchema InferSchema(List<IReadOnlyList<KeyValuePair<string, object?>>> rows, bool moreMayFollow)
    {
        var columns = new List<(string Name, bool[] Kinds, int Values, bool Null)>();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var present = new List<int>();
        for (var r = 0; r < rows.Count; r++)
        {
            present.Clear();
            foreach (var (name, value) in rows[r])
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new InvalidSourceDataException($"Row {r + 1} has a property with an empty name; every column needs a name.", rowNumber: r + 1);
                }

                if (!index.TryGetValue(name, out var c))
                {
                    c = columns.Count;
                    index[name] = c;
                    columns.Add((name, new bool[5], 0, r > 0)); // a column first seen after row 1 was missing before
                }

                present.Add(c);
                var column = columns[c];
                if (value is null or DBNull)
                {
                    column.Null = true;
                }
                else
                {
                    column.Kinds[(int)ObjectValues.Classify(value)] = true;
                    column.Values++;
                }

                columns[c] = column;
            }

            if (present.Count < columns.Count)
            {
                for (var c = 0; c < columns.Count; c++)
                {
                    if (!present.Contains(c))
                    {
                        columns[c] = columns[c] with { Null = true };
                    }
                }
            }
        }

        return new TableSchema(columns.Select(c => new ColumnSpec(
            c.Name,
            ObjectValues.Infer(c.Kinds[0], c.Kinds[1], c.Kinds[2], c.Kinds[3], c.Kinds[4]),
            Nullable: c.Null || c.Values == 0 || moreMayFollow)));
    }

    private void Append(IReadOnlyList<KeyValuePair<string, object?>> row, long rowNumber)
    {
        var schema = Schema!;
        Array.Clear(_seen);
        foreach (var (name, value) in row)
        {
            var c = _lookup!.IndexOf(name);
            if (c < 0)
            {
                var why = _inferred
                    ? $"it did not appear in the first {InferenceRows} rows, from which the columns were inferred"
                    : $"it is not a column of the table ({string.Join(", ", schema.ColumnNames)})";
                throw new InvalidSourceDataException($"Row {rowNumber}: the property '{name}' cannot be stored: {why}.", rowNumber: rowNumber, columnName: name);
            }

            var spec = schema.Columns[c];
            if (_seen[c])
            {
                throw new InvalidSourceDataException(
                    $"Row {rowNumber}: two properties map to the column '{spec.Name}' (names differ only in case).",
                    rowNumber: rowNumber,
                    columnName: spec.Name);
            }

            _seen[c] = true;
            if (value is null or DBNull)
            {
                AppendNull(c, rowNumber);
            }
            else if (!ObjectValues.TryAppend(_buffers![c], value))
            {
                var hint = _inferred ? $" (the type was inferred from the first {InferenceRows} rows; pass a schema to choose it)" : string.Empty;
                throw new InvalidSourceDataException(
                    $"Row {rowNumber}, column '{spec.Name}': the value {TextValues.Quote(ObjectValues.ToText(value))} ({value.GetType().Name}) "
                    + $"cannot be converted to {spec.Type}: expected {TextValues.Expectation(spec.Type)}{hint}.",
                    rowNumber: rowNumber,
                    columnName: spec.Name);
            }
        }

        for (var c = 0; c < _seen.Length; c++)
        {
            if (!_seen[c])
            {
                AppendNull(c, rowNumber);
            }
        }
    }

    private void AppendNull(int column, long rowNumber)
    {
        var buffer = _buffers![column];
        if (!buffer.Spec.Nullable)
        {
            throw new InvalidSourceDataException(
                $"Row {rowNumber}: the column '{buffer.Spec.Name}' has no value, and it does not allow nulls.",
                rowNumber: rowNumber,
                columnName: buffer.Spec.Name);
        }

        buffer.AppendNull();
    }

    private ColumnBatch TakeBatch()
    {
        var count = _buffers![0].Count;
        return new ColumnBatch(Schema!, _buffers.Select(b => b.Take()).ToArray(), count);
    }

    private IReadOnlyList<ColumnBatch> Guard(Func<IReadOnlyList<ColumnBatch>> action)
    {
        try
        {
            return action();
        }
        catch
        {
            // The buffers may hold part of the failing row: nothing more may come out of them.
            _failed = true;
            throw;
        }
    }

    private void CheckUsable()
    {
        if (_failed)
        {
            throw new InvalidOperationException("This RowBatchBuilder stopped at an error; start a new one.");
        }
    }
}
