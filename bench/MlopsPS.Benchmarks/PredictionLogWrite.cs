using System.Diagnostics;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;

namespace MlopsPS.Benchmarks;

/// <summary>
/// The prediction log's write rate on two stores side by side (a SQLite folder and a PostgreSQL database): rounds of
/// <c>rows</c> one-row predictions pushed through the scoring host's own recorder (queue, batches of up to 4,096 rows,
/// the per-engine writer), alternating the stores (a, b, b, a, ...), each round timed from the first prediction to the
/// last one committed. The recorder may use a whole core here (MaxBusyFraction = 1), so the figure is the writer's
/// throughput, not the host's 5% budget.
/// </summary>
internal static class PredictionLogWrite
{
    private static readonly string[] s_columns = ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"];

    public static object Run(string sqliteStore, string postgresStore, int rows, int rounds)
    {
        var stores = new Dictionary<string, MlopsStore>
        {
            ["sqlite"] = MlopsStore.Open(StoreLocation.Parse(sqliteStore, Environment.CurrentDirectory)),
            ["postgresql"] = MlopsStore.Open(StoreLocation.Parse(postgresStore, Environment.CurrentDirectory)),
        };
        var source = new PredictionSource("bench", "d1", "bench", 1, new ScoringSchema(s_columns, ["0", "1"], 0.5));
        var values = new float[] { 35.5f, 200.5f, 30.5f, 14.5f };
        var timings = stores.Keys.ToDictionary(k => k, _ => new List<double>());
        foreach (var name in stores.Keys)
        {
            Round(stores[name], source, values, rows / 10); // warm-up: JIT, connections, the source row
        }

        string[] order = ["sqlite", "postgresql", "postgresql", "sqlite"];
        for (var i = 0; i < rounds * 2; i++)
        {
            var name = order[i % order.Length];
            timings[name].Add(Round(stores[name], source, values, rows));
        }

        return new
        {
            Rows = rows,
            SqliteRowsPerSecond = timings["sqlite"].Select(s => rows / s).ToArray(),
            PostgreSqlRowsPerSecond = timings["postgresql"].Select(s => rows / s).ToArray(),
        };
    }

    private static double Round(MlopsStore store, PredictionSource source, float[] values, int rows)
    {
        var options = new PredictionRecorderOptions { MaxBusyFraction = 1, MaxQueuedRows = rows + 1, FlushInterval = TimeSpan.FromMilliseconds(1) };
        var probability = new float[1];
        var clock = Stopwatch.StartNew();
        PredictionRecorder recorder;
        using (recorder = new PredictionRecorder(store, enabled: true, options, Console.Error.WriteLine))
        {
            for (var i = 0; i < rows; i++)
            {
                probability[0] = (i % 100) / 100f;
                if (!recorder.TryRecord(source, PredictionIds.NewRequestId(), 100, values, probability))
                {
                    throw new InvalidOperationException("The recorder dropped a prediction.");
                }
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (recorder.Written != rows)
        {
            throw new InvalidOperationException($"Wrote {recorder.Written} of {rows} predictions ({recorder.Failed} failed).");
        }

        return seconds;
    }
}
