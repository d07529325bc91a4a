using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Monitoring.MonitoringTestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>The host's prediction log writer, against a real store: what it writes, how it batches, what it drops.</summary>
public sealed class PredictionRecorderTests : IDisposable
{
    private readonly TemporaryStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void EveryRowOfARequest_IsLogged_WithTheIdTheCallerGot_AndItsInputsInSignatureOrder()
    {
        var source = Source();
        var single = Request(source, 1_700_000_000_000, 1234, 0.75f);
        var several = Request(source, 1_700_000_000_500, 800, 0.25f, 0.5f, 0.49999f);
        several.Values[(2 * 4) + 3] = float.NaN;

        Log(_temp.Store, single, several);

        var logged = new PredictionLog(_temp.Store).List();
        Assert.Equal(4, logged.Count);
        Assert.Equal(
            new[] { PredictionIds.ForRow(single.RequestId, 0), PredictionIds.ForRow(several.RequestId, 0), PredictionIds.ForRow(several.RequestId, 1), PredictionIds.ForRow(several.RequestId, 2) },
            logged.Select(p => p.PredictionId));
        Assert.Equal(new[] { "1", "0", "1", "0" }, logged.Select(p => p.Prediction));
        Assert.Equal(new[] { 0.75, 0.25, 0.5, (double)0.49999f }, logged.Select(p => p.Probability));
        Assert.Equal(new[] { 1.234, 0.8, 0.8, 0.8 }, logged.Select(p => p.LatencyMs));
        Assert.All(logged, p => Assert.Equal(("celltower", "d1", "celltower", 1), (p.EndpointName, p.DeploymentId, p.ModelName, p.ModelVersion)));
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 500, DateTimeKind.Utc), logged[1].PredictedAt);
        Assert.Equal(SyntheticDataColumns, logged[3].Inputs.Keys);
        Assert.Equal(new double?[] { 1, 2, 3, null }, logged[3].Inputs.Values);

        // The stored form itself: the id's 16 bytes, the inputs as little-endian float32 (NaN = missing), named once
        // by the source's row.
        using var connection = _temp.Store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT p.inputs, s.features_json FROM prediction_log p JOIN prediction_sources s ON s.source_id = p.source_id
            WHERE p.prediction_id = $id;
            """;
        Assert.True(PredictionIds.TryGetBytes(logged[3].PredictionId, out var id));
        command.Parameters.AddWithValue("$id", id);
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(Floats(1, 2, 3, float.NaN), reader.GetFieldValue<byte[]>(0));
            Assert.Equal("""["iot_signal_1","iot_signal_2","iot_signal_3","iot_signal_4"]""", reader.GetString(1));
        }

        command.CommandText = "SELECT count(*) FROM prediction_sources;";
        Assert.Equal(1L, command.ExecuteScalar());
    }

    [Fact]
    public void LoggedInputs_ReadBackAsTheFloatsTheModelSaw_WrittenTheShortWay()
    {
        // Awkward floats among plain ones: each reads back as a double that narrows to the same float, and a short
        // decimal as that decimal (0.1, not 0.100000001490116).
        float[] awkward = [0.1f, 1e-7f, -3.4028235e38f, 1.17549435e-38f, 16_777_217f, -0f, 123.456f, 2.5f];
        var random = new Random(7);
        var values = awkward.Concat(Enumerable.Range(0, 4000).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 9))))).ToArray();
        var rows = values.Length / 4;
        var request = new PredictionBatch(Source(), PredictionIds.NewRequestId(), 100, values, rows, new float[rows]);

        Log(_temp.Store, request);

        var read = new PredictionLog(_temp.Store).List().SelectMany(p => p.Inputs.Values).ToArray();
        Assert.Equal(values.Length, read.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], (float)read[i]!.Value);
        }

        Assert.Equal(new double?[] { 0.1, 1e-7, -3.4028235e38, 1.1754944e-38, 16_777_216, 0, 123.456, 2.5 }, read.Take(8));
    }

    [Fact]
    public void ARequestOfManyRows_IsWrittenWhole_EachRowWithItsOwnIdInputsAndAnswer()
    {
        // 70 rows: two statements of 32 rows, then 6 one by one; every row's values differ.
        var probabilities = Enumerable.Range(0, 70).Select(i => i / 70f).ToArray();
        var request = Request(Source(), 1_700_000_000_000, 5000, probabilities);

        Log(_temp.Store, request);

        var logged = new PredictionLog(_temp.Store).List();
        Assert.Equal(Enumerable.Range(0, 70).Select(i => PredictionIds.ForRow(request.RequestId, i)), logged.Select(p => p.PredictionId));
        for (var i = 0; i < 70; i++)
        {
            Assert.Equal(Enumerable.Range(0, 4).Select(c => (double?)((0.5f * i) + c)), logged[i].Inputs.Values);
            Assert.Equal((double)probabilities[i], logged[i].Probability);
            Assert.Equal(i >= 35 ? "1" : "0", logged[i].Prediction);
        }
    }

    [Fact]
    public void RequestsAcrossManyBlocks_AndOneLargerThanABlock_AreAllLogged_FromCopiesTakenWhenRecorded()
    {
        // 9,000 one-row requests fill three blocks of 4,096 rows; a 5,000-row request gets a block of its own. The
        // caller's arrays are overwritten after each call: the log must hold what they held when recorded.
        var source = Source();
        var singles = new List<(Guid Id, float Value, float Probability)>();
        var values = new float[4];
        var probability = new float[1];
        using (var recorder = new PredictionRecorder(_temp.Store, enabled: true))
        {
            for (var i = 0; i < 9000; i++)
            {
                var id = PredictionIds.NewRequestId();
                values.AsSpan().Fill(i);
                probability[0] = (i % 100) / 100f;
                Assert.True(recorder.TryRecord(source, id, 10, values, probability));
                singles.Add((id, i, probability[0]));
                values.AsSpan().Fill(-1);
            }

            var large = Request(source, 1_700_000_000_000, 777, Enumerable.Range(0, 5000).Select(r => r / 5000f).ToArray());
            Assert.True(recorder.TryRecord(large));
        }

        var log = new PredictionLog(_temp.Store);
        var logged = log.List();
        Assert.Equal(14_000, logged.Count);
        foreach (var (id, value, p) in singles.Where((_, i) => i % 997 == 0))
        {
            var found = log.Get(PredictionIds.ForRow(id, 0));
            Assert.Equal(new double?[] { value, value, value, value }, found.Inputs.Values);
            Assert.Equal((double)p, found.Probability);
        }

        var rows = logged.Where(p => p.LatencyMs == 0.777).ToArray();
        Assert.Equal(5000, rows.Length);
        Assert.Equal(Enumerable.Range(0, 5000).Select(r => (double)(r / 5000f)), rows.Select(p => p.Probability));
        Assert.Equal(new double?[] { 2499.5, 2500.5, 2501.5, 2502.5 }, rows[4999].Inputs.Values);
    }

    [Fact]
    public void AMismatchedInputCount_IsRefused()
    {
        using var recorder = new PredictionRecorder(_temp.Store, enabled: true);
        Assert.Throws<ArgumentException>(() => recorder.TryRecord(Source(), PredictionIds.NewRequestId(), 1, new float[3], new float[1]));
    }

    [Fact]
    public void ABusyStream_IsWrittenInFewTransactions_NotOnePerRequest()
    {
        var source = Source();
        using (var recorder = new PredictionRecorder(_temp.Store, enabled: true, new PredictionRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(200) }))
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 2000; i++)
            {
                Assert.True(recorder.TryRecord(Request(source, 1_700_000_000_000 + i, 100, 0.9f)));
            }

            Assert.True(clock.ElapsedMilliseconds < 1000, $"queueing 2000 requests took {clock.ElapsedMilliseconds} ms: it must not wait for the store");
            recorder.Dispose();
            Assert.Equal(2000, recorder.Written);
            Assert.True(recorder.Batches <= 10, $"{recorder.Batches} transactions for 2000 requests queued at once");
        }

        Assert.Equal(2000, new PredictionLog(_temp.Store).List().Count);
    }

    [Fact]
    public void AWriterBehindAFlood_KeepsToItsShareOfACore_AndCatchesUpAfterwards()
    {
        // 200,000 predictions queued at once: flat out, the writer takes a fraction of a second; at 5% of a core
        // (resting 19 times what each 4,096-row transaction used) it has written well under half after a second.
        var source = Source();
        var options = new PredictionRecorderOptions { MaxBusyFraction = 0.05, MaxQueuedRows = 300_000 };
        using var recorder = new PredictionRecorder(_temp.Store, enabled: true, options);
        for (var i = 0; i < 200; i++)
        {
            Assert.True(recorder.TryRecord(Request(source, 1_700_000_000_000 + i, 100, new float[1000])));
        }

        Thread.Sleep(1000);
        var afterOneSecond = recorder.Written;

        recorder.Dispose();
        Assert.InRange(afterOneSecond, 1, 100_000);
        Assert.Equal(200_000, recorder.Written);
    }

    [Fact]
    public void WhenTheStoreIsLocked_AndTheQueueFills_RequestsAreDroppedAndCounted_NeverWaitedFor()
    {
        var source = Source();
        var messages = new List<string>();
        var options = new PredictionRecorderOptions { MaxQueuedRows = 10, FlushInterval = TimeSpan.FromMilliseconds(10), DropReportInterval = TimeSpan.Zero };
        using var recorder = new PredictionRecorder(_temp.Store, enabled: true, options, m => { lock (messages) { messages.Add(m); } });
        var accepted = 0;
        using (var locker = _temp.Store.OpenConnection())
        {
            // Another process holds the write lock: the writer waits on it (busy timeout), the requests must not.
            using (var transaction = locker.BeginTransaction(deferred: false))
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < 100; i++)
                {
                    accepted += recorder.TryRecord(Request(source, 1_700_000_000_000 + i, 100, 0.1f, 0.2f)) ? 1 : 0;
                }

                Assert.True(clock.ElapsedMilliseconds < 500, $"100 requests took {clock.ElapsedMilliseconds} ms with the store locked");
                Assert.InRange(accepted, 1, 5);
                Assert.Equal(2 * (100 - accepted), recorder.Dropped);
                transaction.Commit();
            }
        }

        recorder.Dispose();
        Assert.Equal(2 * accepted, recorder.Written);
        Assert.Equal(2 * accepted, new PredictionLog(_temp.Store).List().Count);
        lock (messages)
        {
            Assert.Contains(messages, m => m.Contains("dropped", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Dispose_WritesWhatIsStillQueued_BeforeItReturns()
    {
        var source = Source();
        var recorder = new PredictionRecorder(_temp.Store, enabled: true, new PredictionRecorderOptions { FlushInterval = TimeSpan.FromHours(1) });
        recorder.TryRecord(Request(source, 1_700_000_000_000, 100, 0.9f));
        // The first request is written at once, then the writer gathers for an hour: these wait in the queue.
        SpinWait.SpinUntil(() => recorder.Written == 1, TimeSpan.FromSeconds(10));
        for (var i = 1; i <= 50; i++)
        {
            recorder.TryRecord(Request(source, 1_700_000_000_000 + i, 100, 0.9f));
        }

        Assert.Single(new PredictionLog(_temp.Store).List());

        var clock = Stopwatch.StartNew();
        recorder.Dispose();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "shutdown cuts the gathering short");
        Assert.Equal(51, new PredictionLog(_temp.Store).List().Count);
        Assert.Equal(0, recorder.Dropped);
        Assert.False(recorder.TryRecord(Request(source, 1_700_000_000_999, 100, 0.9f)), "a stopped recorder takes nothing");
    }

    [Fact]
    public void AStoreError_LosesOnlyThatBatch_CountsIt_AndTheWriterCarriesOn()
    {
        var source = Source();
        var messages = new List<string>();
        using var recorder = new PredictionRecorder(_temp.Store, enabled: true, log: m => { lock (messages) { messages.Add(m); } });
        using (var connection = _temp.Store.OpenConnection())
        using (var command = connection.CreateCommand())
        {
            // A trigger that refuses some rows stands in for a disk or lock failure.
            command.CommandText = "CREATE TRIGGER refuse BEFORE INSERT ON prediction_log WHEN new.latency_us = 666 BEGIN SELECT RAISE(ABORT, 'refused'); END;";
            command.ExecuteNonQuery();
        }

        // The refused batch is the source's first: its source row goes with the rollback, and the next batch of the
        // same source must make it again rather than point at a row that is not there.
        recorder.TryRecord(Request(source, 1_700_000_000_000, 666, 0.9f, 0.8f));
        SpinWait.SpinUntil(() => recorder.Failed == 2, TimeSpan.FromSeconds(10));
        recorder.TryRecord(Request(source, 1_700_000_000_001, 100, 0.9f));
        recorder.Dispose();

        Assert.Equal(2, recorder.Failed);
        Assert.Equal(1, recorder.Written);
        var logged = Assert.Single(new PredictionLog(_temp.Store).List());
        Assert.Equal(("celltower", 0.1), (logged.EndpointName, logged.LatencyMs));
        lock (messages)
        {
            Assert.Contains(messages, m => m.Contains("lost 2 predictions", StringComparison.Ordinal));
        }
    }

    private static readonly string[] SyntheticDataColumns = ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"];

    private static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return bytes;
    }
}
