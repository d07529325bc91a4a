using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using Npgsql;
using NpgsqlTypes;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// <see cref="PredictionLogWriter"/> on a PostgreSQL store: each batch is one transaction that makes the rows of new
/// sources first, then streams every prediction with one binary <c>COPY ... FROM STDIN</c>. Not thread-safe.
/// </summary>
/// <remarks>
/// Binary COPY sends each value in its wire form (the id and the inputs as raw bytes, numbers as 8 bytes) with no SQL
/// to parse or plan per row: the server's cheapest way in. Buffers for the id and the inputs are reused row to row
/// (the importer copies each value into its send buffer as it is written). Several hosts on several machines may
/// write at once: COPY appends, and the sources are made with <c>ON CONFLICT DO NOTHING</c>, then read back.
/// </remarks>
internal sealed class PostgreSqlPredictionLogWriter : IPredictionLogWriter
{
    private const string Copy = """
        COPY prediction_log (prediction_id, source_id, predicted_at, inputs, prediction, probability, latency_us)
        FROM STDIN (FORMAT BINARY)
        """;

    private readonly NpgsqlConnection _connection;
    private readonly Dictionary<PredictionSource, SourceRow> _sources = new(ReferenceEqualityComparer.Instance);
    private readonly byte[] _id = new byte[PredictionIds.ByteLength];
    private readonly BackendCpuClock? _backend;
    private byte[] _inputs = new byte[256];

    public PostgreSqlPredictionLogWriter(MlopsStore store)
    {
        _connection = (NpgsqlConnection)store.Database.Open();
        _backend = BackendCpuClock.ForPostgreSqlBackend(_connection.Host, _connection.ProcessID);
    }

    /// <summary>The server backend's CPU time, when the server runs on this machine (loopback or a Unix socket).</summary>
    public TimeSpan? BackendCpuTime => _backend?.Now();

    public int Write(IReadOnlyList<PredictionChunk> chunks)
    {
        using var transaction = _connection.BeginTransaction();
        try
        {
            // Every source first: no other command can run on the connection while the COPY is open.
            foreach (var chunk in chunks)
            {
                for (var r = 0; r < chunk.RequestCount; r++)
                {
                    Resolve(chunk.Requests[r].Source, transaction);
                }
            }

            var written = CopyRows(chunks);
            transaction.Commit();
            return written;
        }
        catch
        {
            // A source row made in this transaction is gone with it.
            _sources.Clear();
            throw;
        }
    }

    public void Dispose() => _connection.Dispose();

    private int CopyRows(IReadOnlyList<PredictionChunk> chunks)
    {
        using var importer = _connection.BeginBinaryImport(Copy);
        var id = _id.AsSpan();
        foreach (var chunk in chunks)
        {
            for (var r = 0; r < chunk.RequestCount; r++)
            {
                var request = chunk.Requests[r];
                var tail = PredictionIds.PrepareBytes(request.RequestId, id);
                var predictedAtMs = PredictionIds.TimestampOf(id);
                var source = _sources[request.Source];
                for (var row = 0; row < request.Rows; row++)
                {
                    PredictionIds.SetRowBytes(id, tail, row);
                    var probability = chunk.Probabilities[request.RowOffset + row];
                    var inputs = Inputs(chunk.Values.AsSpan(request.ValueOffset + (row * source.Features), source.Features));
                    importer.StartRow();
                    importer.Write(new ArraySegment<byte>(_id), NpgsqlDbType.Bytea);
                    importer.Write(source.SourceId, NpgsqlDbType.Bigint);
                    importer.Write(predictedAtMs, NpgsqlDbType.Bigint);
                    importer.Write(inputs, NpgsqlDbType.Bytea);
                    importer.Write(source.Labels[probability >= source.Threshold ? 1 : 0], NpgsqlDbType.Text);
                    importer.Write((double)probability, NpgsqlDbType.Double);
                    importer.Write(request.LatencyUs, NpgsqlDbType.Bigint);
                }
            }
        }

        return (int)importer.Complete();
    }

    // The row's floats as little-endian bytes (the log's format on both engines), in a buffer reused row to row.
    private ArraySegment<byte> Inputs(ReadOnlySpan<float> values)
    {
        var length = values.Length * sizeof(float);
        if (_inputs.Length < length)
        {
            _inputs = new byte[Math.Max(length, _inputs.Length * 2)];
        }

        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(_inputs);
        }
        else
        {
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(_inputs.AsSpan(i * sizeof(float)), values[i]);
            }
        }

        return new ArraySegment<byte>(_inputs, 0, length);
    }

    // The source's row in prediction_sources, made on its first prediction (by this host or another one).
    private void Resolve(PredictionSource source, NpgsqlTransaction transaction)
    {
        if (_sources.ContainsKey(source))
        {
            return;
        }

        (string, object?)[] key =
        [
            ("endpoint", source.EndpointName),
            ("deployment", source.DeploymentId),
            ("model", source.ModelName),
            ("version", (long)source.ModelVersion),
            ("features", JsonSerializer.Serialize(source.Schema.Features)),
        ];
        CatalogDatabase.Execute(_connection, transaction, """
            INSERT INTO prediction_sources (endpoint_name, deployment_id, model_name, model_version, features_json)
            VALUES (@endpoint, @deployment, @model, @version, @features)
            ON CONFLICT DO NOTHING
            """, key);
        var sourceId = Convert.ToInt64(CatalogDatabase.Scalar(_connection, transaction, """
            SELECT source_id FROM prediction_sources
            WHERE endpoint_name = @endpoint AND deployment_id = @deployment AND model_name = @model
                AND model_version = @version AND features_json = @features
            """, key), System.Globalization.CultureInfo.InvariantCulture);
        _sources[source] = new SourceRow(sourceId, source.Schema);
    }

    /// <summary>A source's row id, with its labels and what a row needs of its schema.</summary>
    private sealed class SourceRow(long sourceId, ScoringSchema schema)
    {
        public long SourceId { get; } = sourceId;

        public string[] Labels { get; } = schema.ClassLabels.ToArray();

        public float Threshold { get; } = schema.Threshold;

        public int Features { get; } = schema.Features.Count;
    }
}
