using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using SQLitePCL;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// <see cref="PredictionLogWriter"/> on a SQLite store: one transaction per batch, through one connection and
/// statements prepared once for the writer's life. Not thread-safe: the recorder's background writer is its only caller.
/// </summary>
/// <remarks>
/// <para>This is the one place in the engine that binds through SQLite's C API (SQLitePCL.raw, on the connection's own
/// handle) rather than <see cref="SqliteCommand"/> parameters: the host may log tens of thousands of predictions a
/// second on a core it shares with the requests, and binding bytes straight from the recorder's arrays (the inputs)
/// and a reused buffer (the id) costs a fraction of boxed parameter values. Values are still bound, never
/// spliced into SQL.</para>
/// <para>Rows go in by statements of <see cref="RowsPerStatement"/> rows, then one at a time for the rest: SQLite's
/// cost per statement execution is larger than its cost per row.</para>
/// </remarks>
internal sealed class SqlitePredictionLogWriter : IPredictionLogWriter
{
    public const int RowsPerStatement = 32;
    private const int ColumnsPerRow = 7;

    private readonly SqliteConnection _connection;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _many;
    private readonly sqlite3_stmt _one;
    private readonly Dictionary<PredictionSource, SourceRow> _sources = new(ReferenceEqualityComparer.Instance);

    // The source each row slot of each statement holds: bindings outlive sqlite3_reset, so the source id is bound
    // again only when the model changes.
    private readonly SourceRow?[] _manyBound = new SourceRow?[RowsPerStatement];
    private readonly SourceRow?[] _oneBound = new SourceRow?[1];
    private byte[] _swapped = [];

    public SqlitePredictionLogWriter(MlopsStore store)
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

    /// <summary>Writes every row of <paramref name="chunks"/> in one transaction; returns the rows written.</summary>
    /// <summary>None: SQLite works in this process, on the writer's thread, so the writer's CPU time is the whole cost.</summary>
    public TimeSpan? BackendCpuTime => null;

    public int Write(IReadOnlyList<PredictionChunk> chunks)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        try
        {
            var written = WriteRows(chunks, transaction);
            transaction.Commit();
            return written;
        }
        catch
        {
            // A source row made in this transaction is gone with it.
            _sources.Clear();
            Array.Clear(_manyBound);
            Array.Clear(_oneBound);
            throw;
        }
    }

    public void Dispose()
    {
        _many.Dispose();
        _one.Dispose();
        _connection.Dispose();
    }

    private int WriteRows(IReadOnlyList<PredictionChunk> chunks, SqliteTransaction transaction)
    {
        // Whole statements of RowsPerStatement rows first; the rest one row at a time.
        var total = chunks.Sum(c => c.RowCount);
        var inMany = total - (total % RowsPerStatement);
        var written = 0;
        var done = 0;
        var filled = 0;
        Span<byte> id = stackalloc byte[PredictionIds.ByteLength];
        foreach (var chunk in chunks)
        {
            for (var r = 0; r < chunk.RequestCount; r++)
            {
                var request = chunk.Requests[r];
                var tail = PredictionIds.PrepareBytes(request.RequestId, id);
                var predictedAtMs = PredictionIds.TimestampOf(id);
                var source = Resolve(request.Source, transaction);
                for (var row = 0; row < request.Rows; row++, done++)
                {
                    PredictionIds.SetRowBytes(id, tail, row);
                    if (done < inMany)
                    {
                        Bind(_many, _manyBound, filled, source, chunk, request, predictedAtMs, row, id);
                        if (++filled == RowsPerStatement)
                        {
                            written += Run(_many);
                            filled = 0;
                        }
                    }
                    else
                    {
                        Bind(_one, _oneBound, 0, source, chunk, request, predictedAtMs, row, id);
                        written += Run(_one);
                    }
                }
            }
        }

        return written;
    }

    private void Bind(sqlite3_stmt statement, SourceRow?[] bound, int slot, SourceRow source, PredictionChunk chunk, RecordedRequest request, long predictedAtMs, int row, ReadOnlySpan<byte> id)
    {
        var at = (slot * ColumnsPerRow) + 1;
        var probability = chunk.Probabilities[request.RowOffset + row];
        Check(raw.sqlite3_bind_blob(statement, at, id));
        if (!ReferenceEquals(bound[slot], source))
        {
            bound[slot] = null;
            Check(raw.sqlite3_bind_int64(statement, at + 1, source.SourceId));
            bound[slot] = source;
        }

        Check(raw.sqlite3_bind_int64(statement, at + 2, predictedAtMs));
        Check(raw.sqlite3_bind_blob(statement, at + 3, Inputs(chunk.Values.AsSpan(request.ValueOffset + (row * source.Features), source.Features))));
        Check(raw.sqlite3_bind_text(statement, at + 4, source.Labels[probability >= source.Threshold ? 1 : 0]));
        Check(raw.sqlite3_bind_double(statement, at + 5, probability));
        Check(raw.sqlite3_bind_int64(statement, at + 6, request.LatencyUs));
    }

    // The row's floats as little-endian bytes: the request's own memory on a little-endian machine.
    private ReadOnlySpan<byte> Inputs(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            return MemoryMarshal.AsBytes(values);
        }

        if (_swapped.Length < values.Length * sizeof(float))
        {
            _swapped = new byte[values.Length * sizeof(float)];
        }

        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_swapped.AsSpan(i * sizeof(float)), values[i]);
        }

        return _swapped.AsSpan(0, values.Length * sizeof(float));
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

    // The source's row in prediction_sources, made on its first prediction (by this host or an earlier one).
    private SourceRow Resolve(PredictionSource source, SqliteTransaction transaction)
    {
        if (_sources.TryGetValue(source, out var known))
        {
            return known;
        }

        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO prediction_sources (endpoint_name, deployment_id, model_name, model_version, features_json)
            VALUES ($endpoint, $deployment, $model, $version, $features)
            ON CONFLICT DO NOTHING;
            SELECT source_id FROM prediction_sources
            WHERE endpoint_name = $endpoint AND deployment_id = $deployment AND model_name = $model
                AND model_version = $version AND features_json = $features;
            """;
        command.Parameters.AddWithValue("$endpoint", source.EndpointName);
        command.Parameters.AddWithValue("$deployment", source.DeploymentId);
        command.Parameters.AddWithValue("$model", source.ModelName);
        command.Parameters.AddWithValue("$version", source.ModelVersion);
        command.Parameters.AddWithValue("$features", JsonSerializer.Serialize(source.Schema.Features));
        var row = new SourceRow((long)command.ExecuteScalar()!, source.Schema);
        _sources[source] = row;
        return row;
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

        // No uniqueness check: ids are unique by construction (a random UUID per request, the row number in its last
        // 32 bits), and the log has no index of them (migration 0007 says why).
        var sql = $"""
            INSERT INTO prediction_log (prediction_id, source_id, predicted_at, inputs, prediction, probability, latency_us)
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

    /// <summary>A source's row id, with its labels as UTF-8 and what a row needs of its schema.</summary>
    private sealed class SourceRow(long sourceId, ScoringSchema schema)
    {
        public long SourceId { get; } = sourceId;

        public byte[][] Labels { get; } = schema.ClassLabels.Select(Encoding.UTF8.GetBytes).ToArray();

        public float Threshold { get; } = schema.Threshold;

        public int Features { get; } = schema.Features.Count;
    }
}
