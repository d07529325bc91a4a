using System.Diagnostics;
using MlopsPS.Core.Training;

namespace MlopsPS.Benchmarks;

/// <summary>Our predict of every row of a .npy matrix with a saved model (best of a few runs, after a warm-up).</summary>
internal static class PredictTiming
{
    public static object Run(string modelPath, string dataPath, int repeat)
    {
        var (values, shape) = Npy.ReadFloat32(dataPath);
        using var model = TrainedModel.LoadJson(modelPath);
        var rows = new FeatureMatrix(values, shape[0], model.FeatureNames);
        model.PredictProbabilities(new FeatureMatrix(values.AsSpan(0, shape[1] * 1000).ToArray(), 1000, model.FeatureNames));

        var best = double.MaxValue;
        float[] predictions = [];
        for (var i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            predictions = model.PredictProbabilities(rows);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return new { rows = rows.Rows, predict_seconds = best, prediction_mean = predictions.Average(p => (double)p) };
    }
}
