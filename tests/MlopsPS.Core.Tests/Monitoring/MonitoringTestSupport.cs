using System.Diagnostics;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.Training;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>Predictions written through the real recorder, and waiting for the log to show them.</summary>
internal static class MonitoringTestSupport
{
    public static readonly ScoringSchema Schema = new(SyntheticData.Columns, ["0", "1"], 0.5);

    public static PredictionSource Source(string endpoint = "celltower", string model = "celltower", int version = 1, string deployment = "d1") =>
        new(endpoint, deployment, model, version, Schema);

    /// <summary>One request of <paramref name="probabilities"/>.Length rows, inputs 0.5 * row + column.</summary>
    public static PredictionBatch Request(PredictionSource source, long atMs, long latencyUs, params float[] probabilities)
    {
        var columns = Schema.Features.Count;
        var values = new float[probabilities.Length * columns];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (0.5f * (i / columns)) + (i % columns);
        }

        return new PredictionBatch(source, PredictionIds.NewRequestId(DateTimeOffset.FromUnixTimeMilliseconds(atMs)), latencyUs, values, probabilities.Length, probabilities);
    }

    /// <summary>Writes the batches through a recorder and waits until they are in the store (Dispose flushes).</summary>
    public static void Log(MlopsStore store, params PredictionBatch[] batches)
    {
        using var recorder = new PredictionRecorder(store, enabled: true);
        foreach (var batch in batches)
        {
            Assert.True(recorder.TryRecord(batch));
        }
    }

    /// <summary>Waits until the log holds <paramref name="count"/> predictions of the endpoint (the host writes about 0.1 s after answering).</summary>
    public static IReadOnlyList<LoggedPrediction> WaitForLogged(MlopsStore store, string endpoint, int count, TimeSpan? timeout = null)
    {
        var log = new PredictionLog(store);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var logged = log.List(endpoint);
            if (logged.Count >= count || clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                return logged;
            }

            Thread.Sleep(20);
        }
    }
}
