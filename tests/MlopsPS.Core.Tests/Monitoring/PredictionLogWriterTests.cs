using System.Buffers.Binary;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Monitoring.MonitoringTestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>The prediction log's writer on a folder store (SQLite: multi-row statements through the C API).</summary>
public sealed class SqlitePredictionLogWriterTests() : PredictionLogWriterTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store (binary COPY).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlPredictionLogWriterTests(PostgresCluster cluster) : PredictionLogWriterTests(StoreBackend.PostgreSql, cluster);

/// <summary>
/// What the scoring host's writer puts in the log, read back with plain SQL, once per backend: every column of every
/// row, the source rows shared by writers, and several writers (hosts) at once.
/// </summary>
public abstract class PredictionLogWriterTests : PerBackendTests
{
    protected PredictionLogWriterTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
    }

    [Fact]
    public void BackendCpuTime_IsTheLoopbackServersWorkForTheWrites()
    {
        // The recorder's budget counts it: on SQLite all the work is the writer's own; a PostgreSQL server on loopback
        // spends CPU of this machine on every COPY.
        var source = Source();
        var requests = Enumerable.Range(0, 50).Select(i => Request(source, 1_700_000_000_000 + i, 100, Enumerable.Range(0, 400).Select(r => r / 400f).ToArray()));
        using var writer = new PredictionLogWriter(Temp.Store);
        var before = writer.BackendCpuTime;

        Assert.Equal(20_000, writer.Write([Chunk(requests)]));

        if (Temp.Store.Backend == StoreBackend.Sqlite)
        {
            Assert.Null(before);
            Assert.Null(writer.BackendCpuTime);
        }
        else
        {
            Assert.NotNull(before);
            Assert.True(writer.BackendCpuTime > before, $"backend CPU {before} before and {writer.BackendCpuTime} after 20,000 rows");
        }
    }

    [Fact]
    public void Write_StoresEveryColumnOfEveryRow_AcrossSourcesAndChunks()
    {
        const long at = 1_700_000_000_000;
        var a = Source();
        var b = Source(endpoint: "fraud", model: "fraud", deployment: "d2", version: 3);
        // 70 rows in two chunks: on SQLite two whole statements of 32 rows, then 6 single rows.
        var requests = new List<PredictionBatch>();
        for (var i = 0; i < 10; i++)
        {
            var probabilities = Enumerable.Range(0, 7).Select(r => ((i * 7) + r) / 70f).ToArray();
            requests.Add(Request(i % 2 == 0 ? a : b, at + i, 100 + i, probabilities));
        }

        var chunks = new[] { Chunk(requests.Take(4)), Chunk(requests.Skip(4)) };
        using (var writer = new PredictionLogWriter(Temp.Store))
        {
            Assert.Equal(70, writer.Write(chunks));
        }

        var stored = ReadLog(Temp.Store);
        Assert.Equal(70, stored.Count);
        Assert.Equal(2, CountSources(Temp.Store));
        var expected = requests.SelectMany(q => Enumerable.Range(0, q.Rows).Select(r => (Request: q, Row: r))).ToArray();
        var sourceIds = new Dictionary<string, long>();
        foreach (var (request, row) in expected)
        {
            var id = PredictionIds.ForRow(request.RequestId, row);
            var got = stored[id];
            Assert.Equal(request.PredictedAtMs, got.PredictedAt);
            Assert.Equal(request.LatencyUs, got.LatencyUs);
            Assert.Equal((double)request.Probabilities[row], got.Probability);
            Assert.Equal(request.Probabilities[row] >= 0.5f ? "1" : "0", got.Prediction);
            var columns = Schema.Features.Count;
            Assert.Equal(request.Values.AsSpan(row * columns, columns).ToArray(), got.Inputs);
            Assert.Equal(sourceIds.TryGetValue(request.Source.EndpointName, out var known) ? known : sourceIds[request.Source.EndpointName] = got.SourceId, got.SourceId);
        }

        Assert.NotEqual(sourceIds["celltower"], sourceIds["fraud"]);
    }

    [Fact]
    public void SeveralWriters_OnSeparateConnections_AppendEverything_AndShareOneSourceRow()
    {
        // Four "hosts" of one endpoint, each with its own store object and connection, writing at once.
        var source = Source();
        const int hosts = 4;
        const int batches = 25;
        Parallel.For(0, hosts, new ParallelOptions { MaxDegreeOfParallelism = hosts }, h =>
        {
            var store = Temp.OpenAgain();
            using var writer = new PredictionLogWriter(store);
            for (var b = 0; b < batches; b++)
            {
                var at = 1_700_000_000_000 + (h * 1000) + b;
                Assert.Equal(5, writer.Write([Chunk([Request(source, at, 10, 0.1f, 0.2f), Request(source, at, 20, 0.6f, 0.7f, 0.8f)])]));
            }
        });

        Assert.Equal(hosts * batches * 5, ReadLog(Temp.Store).Count);
        Assert.Equal(1, CountSources(Temp.Store));
    }

    [Fact]
    public void AFailedBatch_LeavesNothing_AndTheNextBatchMakesItsSourceAgain()
    {
        var source = Source(endpoint: "retry");
        using var writer = new PredictionLogWriter(Temp.Store);
        Assert.Equal(2, writer.Write([Chunk([Request(source, 1_700_000_000_000, 10, 0.1f, 0.9f)])]));

        // The log table gone for a moment (a broken store): the batch fails as a whole, then writing resumes.
        using (var connection = Temp.Store.Database.Open())
        {
            CatalogDatabase.Execute(connection, null, "ALTER TABLE prediction_log RENAME TO prediction_log_away");
        }

        Assert.ThrowsAny<Exception>(() => writer.Write([Chunk([Request(Source(endpoint: "other"), 1_700_000_000_001, 10, 0.5f)])]));
        using (var connection = Temp.Store.Database.Open())
        {
            CatalogDatabase.Execute(connection, null, "ALTER TABLE prediction_log_away RENAME TO prediction_log");
            Assert.Equal(1L, Convert.ToInt64(CatalogDatabase.Scalar(connection, null, "SELECT COUNT(*) FROM prediction_sources")));
        }

        Assert.Equal(1, writer.Write([Chunk([Request(Source(endpoint: "other"), 1_700_000_000_002, 10, 0.5f)])]));
        Assert.Equal(3, ReadLog(Temp.Store).Count);
        Assert.Equal(2, CountSources(Temp.Store));
    }

    private static PredictionChunk Chunk(IEnumerable<PredictionBatch> requests)
    {
        var list = requests.ToList();
        var chunk = new PredictionChunk(list.Count, list.Sum(r => r.Rows), list.Sum(r => r.Values.Length));
        foreach (var r in list)
        {
            chunk.Add(r.Source, r.RequestId, r.LatencyUs, r.Values, r.Probabilities);
        }

        return chunk;
    }

    private static int CountSources(MlopsStore store)
    {
        using var connection = store.Database.Open();
        return Convert.ToInt32(CatalogDatabase.Scalar(connection, null, "SELECT COUNT(*) FROM prediction_sources"));
    }

    private static Dictionary<string, StoredRow> ReadLog(MlopsStore store)
    {
        using var connection = store.Database.Open();
        using var command = CatalogDatabase.Command(connection, null, """
            SELECT prediction_id, source_id, predicted_at, inputs, prediction, probability, latency_us FROM prediction_log
            """);
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, StoredRow>();
        while (reader.Read())
        {
            var id = PredictionIds.FromBytes((byte[])reader[0]);
            var bytes = (byte[])reader[3];
            var inputs = new float[bytes.Length / sizeof(float)];
            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            }

            rows.Add(id, new StoredRow(reader.GetInt64(1), reader.GetInt64(2), inputs, reader.GetString(4), reader.GetDouble(5), reader.GetInt64(6)));
        }

        return rows;
    }

    private sealed record StoredRow(long SourceId, long PredictedAt, float[] Inputs, string Prediction, double Probability, long LatencyUs);
}
