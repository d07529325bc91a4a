using System.Diagnostics;
using MlopsPS.Core.Training;

namespace MlopsPS.Benchmarks;

/// <summary>
/// The training half of Invoke-Retrain alone, on the rows export-split wrote: both DMatrix objects, then the rounds
/// with the test split evaluated every round, through the engine's own trainer (no table scan, no run records). Wall
/// and process CPU time per phase, so the rounds loop compares directly with Python's xgb.train on the same .npy files.
/// </summary>
internal static class TrainTiming
{
    public static object Run(string directory, int threads, int rounds, int repeat)
    {
        var (trainX, trainShape) = Npy.ReadFloat32(Path.Combine(directory, "train_x.npy"));
        var (trainY, _) = Npy.ReadFloat32(Path.Combine(directory, "train_y.npy"));
        var (testX, _) = Npy.ReadFloat32(Path.Combine(directory, "test_x.npy"));
        var (testY, _) = Npy.ReadFloat32(Path.Combine(directory, "test_y.npy"));
        var names = Enumerable.Range(0, trainShape[1]).Select(i => $"f{i}").ToArray();
        var train = new FeatureMatrix(trainX, trainY.Length, names);
        var test = new FeatureMatrix(testX, testY.Length, names);
        var trainer = new XGBoostTrainer(XGBoostParameters.Default.With([new("nthread", threads), new("seed", 42)]), rounds);

        var runs = new List<object>();
        for (var i = 0; i < repeat; i++)
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            using var matrices = trainer.CreateMatrices(train, trainY, test, testY);
            var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
            var dmatrix = wall.Elapsed;
            using var fitted = trainer.Fit(matrices, null, CancellationToken.None);
            var cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
            runs.Add(new
            {
                dmatrix_ms = dmatrix.TotalMilliseconds,
                rounds_ms = (wall.Elapsed - dmatrix).TotalMilliseconds,
                dmatrix_cpu_ms = (cpu1 - cpu0).TotalMilliseconds,
                rounds_cpu_ms = (cpu2 - cpu1).TotalMilliseconds,
            });
        }

        return new { rows = train.Rows, eval_rows = test.Rows, threads, rounds, runs };
    }
}
