using System.Text;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using SQLitePCL;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Writes batches of predictions to the <c>predictions</c> table (migration 0006): one transaction per batch, through
/// one connection and statements prepared once for the writer's life. Not thread-safe: the recorder's background
/// writer is its only caller.
/// </summary>
/// <remarks>
/// <para>This is the one place in the engine that binds through SQLite's C API (SQLitePCL.raw, on the connection's own
/// handle) rather than <see cref="SqliteCommand"/> parameters: the host may log tens of thousands of predictions a
/// second on a core it shares with the requests, and binding UTF-8 bytes straight from a reused buffer (the id, the
/// inputs JSON, names encoded once per model) costs about half as much CPU per row as boxed parameter values and a
/// string per id and per JSON object. Values are still bound, never spliced into SQL.</para>
/// <para>Rows go in by statements of <see cref="RowsPerStatement"/> rows, then one at a time for the rest: SQLite's
/// cost per statement execution is larger than its cost per row.</para>
/// </remarks>
internal sealed class PredictionLogWriter : IDisposable
{
    public const int RowsPerStatement = 32;
    private const int ColumnsPerRow = 10;

    private readonly SqliteConnection _connection;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _many;
    private readonly sqlite3_stmt _one;
    private readonly Dictionary<PredictionSource, Utf8Source> _sources = new(ReferenceEqualityComparer.Instance);

    // The source whose names each row slot of each statement holds: bindings outlive sqlite3_reset, so the columns
    // that are the same for every prediction of a deployed model are bound again only when the model changes.
    private readonly Utf8Source?[] _manyBound = new Utf8Source?[RowsPerStatement];
    private readonly Utf8Source?[] _oneBound = new Utf8Source?[1];
    private byte[] _json = new byte[256];

    public PredictionLogWriter(MlopsStore store)
    {
        _connection = store.OpenConnection();
        _db = _connection.Handle!;
        try
        {
            _many = Prepare(RowsPerStatement);
            _one = Prepare(1);
        }
        catch
        {
            _many?.Dispose();
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>Writes every row of <paramref name="batches"/> in one transaction; returns the rows written.</summary>
    public int Write(IReadOnlyList<PredictionBatch> batches)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var written = 0;
        var filled = 0;
        Span<byte> id = stackalloc byte[PredictionIds.Length];
        foreach (var batch in batches)
        {
            var tail = PredictionIds.Prepare(batch.RequestId, id);
            var source = Encoded(batch.Source);
            for (var row = 0; row < batch.Rows; row++)
            {
                PredictionIds.SetRow(id, tail, row);
                Bind(_many, _manyBound, filled, source, batch, row, id);
                if (++filled == RowsPerStatement)
                {
                    written += Run(_many);
                    filled = 0;
                }
            }
        }

        // A partly filled many-row statement cannot run; what it holds is bound again one row at a time.
        if (filled > 0)
        {
            written += Refill(batches, filled);
        }

        transaction.Commit();
        return written;
    }

    public void Dispose()
    {
        _many.Dispose();
        _one.Dispose();
        _connection.Dispose();
    }

    private int Refill(IReadOnlyList<PredictionBatch> batches, int count)
    {
        // The last 'count' rows of the batches, in order.
        var written = 0;
        Span<byte> id = stackalloc byte[PredictionIds.Length];
        var skip = batches.Sum(b => b.Rows) - count;
        foreach (var batch in batches)
        {
            if (skip >= batch.Rows)
            {
                skip -= batch.Rows;
                continue;
            }

            var tail = PredictionIds.Prepare(batch.RequestId, id);
            var source = Encoded(batch.Source);
            for (var row = skip; row < batch.Rows; row++)
            {
                PredictionIds.SetRow(id, tail, row);
                Bind(_one, _oneBound, 0, source, batch, row, id);
                written += Run(_one);
            }

            skip = 0;
        }

        return written;
    }

    private void Bind(sqlite3_stmt statement, Utf8Source?[] bound, int slot, Utf8Source source, PredictionBatch batch, int row, ReadOnlySpan<byte> id)
    {
        var at = (slot * ColumnsPerRow) + 1;
        var probability = batch.Probabilities[row];
        var schema = batch.Source.Schema;
        Check(raw.sqlite3_bind_text(statement, at, id));
        if (!ReferenceEquals(bound[slot], source))
        {
            bound[slot] = null;
            Check(raw.sqlite3_bind_text(statement, at + 1, source.EndpointName));
            Check(raw.sqlite3_bind_text(statement, at + 2, source.DeploymentId));
            Check(raw.sqlite3_bind_text(statement, at + 3, source.ModelName));
            Check(raw.sqlite3_bind_int64(statement, at + 4, source.ModelVersion));
            bound[slot] = source;
        }

        Check(raw.sqlite3_bind_int64(statement, at + 5, batch.PredictedAtMs));
        Check(raw.sqlite3_bind_text(statement, at + 6, InputsJson(source, batch.Values, row)));
        Check(raw.sqlite3_bind_text(statement, at + 7, source.Labels[probability >= schema.Threshold ? 1 : 0]));
        Check(raw.sqlite3_bind_double(statement, at + 8, probability));
        Check(raw.sqlite3_bind_int64(statement, at + 9, batch.LatencyUs));
    }

    private int Run(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return raw.sqlite3_changes(_db);
    }

    // {"feature":value,...} in model order, UTF-8; a missing value (NaN) is null; each float in a form that reads back
    // as exactly that float.
    private ReadOnlySpan<byte> InputsJson(Utf8Source source, float[] values, int row)
    {
        var keys = source.InputKeys;
        var start = row * keys.Length;
        var length = 0;
        for (var c = 0; c < keys.Length; c++)
        {
            Ensure(length + keys[c].Length + 32);
            keys[c].CopyTo(_json.AsSpan(length));
            length += keys[c].Length;
            var value = values[start + c];
            if (float.IsNaN(value))
            {
                "null"u8.CopyTo(_json.AsSpan(length));
                length += 4;
            }
            else
            {
                length += JsonFloat.Write(value, _json.AsSpan(length));
            }
        }

        Ensure(length + 1);
        _json[length++] = (byte)'}';
        return _json.AsSpan(0, length);
    }

    private void Ensure(int capacity)
    {
        if (_json.Length < capacity)
        {
            Array.Resize(ref _json, Math.Max(capacity, _json.Length * 2));
        }
    }

    private Utf8Source Encoded(PredictionSource source)
    {
        if (!_sources.TryGetValue(source, out var encoded))
        {
            encoded = new Utf8Source(source);
            _sources[source] = encoded;
        }

        return encoded;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private sqlite3_stmt Prepare(int rows)
    {
        var values = new StringBuilder();
        for (var r = 0; r < rows; r++)
        {
            values.Append(r == 0 ? "(" : ",(");
            for (var c = 0; c < ColumnsPerRow; c++)
            {
                values.Append(c == 0 ? "?" : ",?");
            }

            values.Append(')');
        }

        // OR IGNORE: ids are unique by construction (a random UUID per request); a duplicate cannot be a second
        // prediction, and must not cost the other rows of the batch.
        var sql = $"""
            INSERT OR IGNORE INTO predictions (prediction_id, endpoint_name, deployment_id, model_name, model_version,
                predicted_at, inputs_json, prediction, probability, latency_us)
            VALUES {values};
            """;
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return statement!;
    }

    /// <summary>A source's names, labels and JSON keys as UTF-8, encoded once per deployed model.</summary>
    private sealed class Utf8Source(PredictionSource source)
    {
        public byte[] EndpointName { get; } = Encoding.UTF8.GetBytes(source.EndpointName);

        public byte[] DeploymentId { get; } = Encoding.UTF8.GetBytes(source.DeploymentId);

        public byte[] ModelName { get; } = Encoding.UTF8.GetBytes(source.ModelName);

        public int ModelVersion { get; } = source.ModelVersion;

        public byte[][] Labels { get; } = source.Schema.ClassLabels.Select(Encoding.UTF8.GetBytes).ToArray();

        public byte[][] InputKeys { get; } = source.InputKeys.Select(Encoding.UTF8.GetBytes).ToArray();
    }
}
