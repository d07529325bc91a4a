using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

/// <summary>Small deterministic data sets for the training tests.</summary>
internal static class SyntheticData
{
    public static readonly string[] Columns = ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"];

    /// <summary>
    /// Four uniform features in [-1, 1]; the label is 1 when x0 + 0.5 x1 + noise > 0, so x0 matters most,
    /// x1 some, x2 and x3 not at all. Every 50th value of x3 is missing.
    /// </summary>
    public static (FeatureMatrix Features, float[] Labels) Signal(int rows, int seed, double noise = 0.3)
    {
        var random = new Random(seed);
        var values = new float[rows * Columns.Length];
        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < Columns.Length; c++)
            {
                values[(r * Columns.Length) + c] = (float)((random.NextDouble() * 2) - 1);
            }

            if (r % 50 == 0)
            {
                values[(r * Columns.Length) + 3] = float.NaN;
            }

            var score = values[r * Columns.Length] + (0.5 * values[(r * Columns.Length) + 1]) + (noise * (random.NextDouble() - 0.5) * 2);
            labels[r] = score > 0 ? 1f : 0f;
        }

        return (new FeatureMatrix(values, rows, Columns), labels);
    }

    /// <summary>Labels that do not depend on the features at all: any fit beyond the first rounds is overfitting.</summary>
    public static (FeatureMatrix Features, float[] Labels) Noise(int rows, int seed)
    {
        var (features, _) = Signal(rows, seed);
        var random = new Random(seed + 1);
        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            labels[r] = random.Next(2);
        }

        return (features, labels);
    }

    /// <summary>A trainer small enough to keep each test well under a second.</summary>
    public static XGBoostTrainer SmallTrainer(int rounds = 20, int? earlyStoppingRounds = null, XGBoostParameters? parameters = null) =>
        new(parameters ?? XGBoostParameters.Default.With("max_depth", 3), rounds, earlyStoppingRounds);
}
