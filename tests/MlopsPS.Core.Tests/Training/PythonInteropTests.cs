using System.Text.Json;
using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

/// <summary>Our JSON model is XGBoost's: Python's xgboost loads it and predicts the same numbers.</summary>
public sealed class PythonInteropTests : IDisposable
{
    // The system Python carries Debian's python3-xgboost; a pyenv python3 earlier on PATH does not.
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, sys
        import numpy as np
        import xgboost as xgb
        model_path, data_path, rows, cols, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
        booster = xgb.Booster(model_file=model_path)
        x = np.fromfile(data_path, dtype="<f4").reshape(rows, cols)
        # A fresh DMatrix with the model's own feature names, as a user would build it.
        dmatrix = xgb.DMatrix(x, missing=np.nan, feature_names=booster.feature_names)
        booster.predict(dmatrix).astype("<f4").tofile(out_path)
        print(json.dumps({"version": xgb.__version__, "feature_names": booster.feature_names,
                          "rounds": booster.num_boosted_rounds()}))
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("mlopsps-interop-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [PythonXGBoostFact]
    public void SavedJson_LoadedByPythonXGBoost_PredictsWithin1e6OfOurs()
    {
        var (features, labels) = SyntheticData.Signal(400, seed: 13);
        using var model = new XGBoostTrainer(rounds: 30).Train(features, labels);
        var modelPath = Path.Combine(_directory, "model.json");
        var dataPath = Path.Combine(_directory, "x.f32");
        var outPath = Path.Combine(_directory, "p.f32");
        model.SaveJson(modelPath);
        File.WriteAllBytes(dataPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.Values).ToArray());

        var output = Run(Python, "-c", Script, modelPath, dataPath, $"{features.Rows}", $"{features.Columns}", outPath);

        var ours = model.PredictProbabilities(features);
        var theirs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outPath)).ToArray();
        Assert.Equal(ours.Length, theirs.Length);
        var maxDifference = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDifference <= 1e-6, $"max abs difference {maxDifference}");

        using var report = JsonDocument.Parse(output);
        Assert.Equal(SyntheticData.Columns, report.RootElement.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(30, report.RootElement.GetProperty("rounds").GetInt32());
    }

    /// <summary>
    /// A fact that is skipped, with the reason, when the system Python cannot import xgboost (xunit 2
    /// has no runtime skip, so the check runs when tests are discovered).
    /// </summary>
    private sealed class PythonXGBoostFactAttribute : FactAttribute
    {
        public PythonXGBoostFactAttribute()
        {
            if (!PythonHasXGBoost(out var why))
            {
                Skip = why;
            }
        }
    }

    private static bool PythonHasXGBoost(out string why)
    {
        if (!File.Exists(Python))
        {
            why = $"{Python} does not exist, so the Python interop check cannot run.";
            return false;
        }

        try
        {
            Run(Python, "-c", "import xgboost, numpy");
            why = string.Empty;
            return true;
        }
        catch (InvalidOperationException e)
        {
            why = $"{Python} cannot import xgboost and numpy (install python3-xgboost), so the Python interop check cannot run: {e.Message}";
            return false;
        }
    }

    private static string Run(string file, params string[] arguments) => ChildProcess.Run(file, arguments);
}
