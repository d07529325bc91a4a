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

    private const string TrainScript = """
        import json, sys
        import numpy as np
        import xgboost as xgb
        folder, cols, params, rounds = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
        def load(name):
            return np.fromfile(f"{folder}/{name}.f32", dtype="<f4")
        x, y, ex, ey = load("x").reshape(-1, cols), load("y"), load("ex").reshape(-1, cols), load("ey")
        # Plain DMatrix objects, as the lab's XGBClassifier and xgb.train use them.
        dtrain = xgb.DMatrix(x, label=y, missing=np.nan)
        deval = xgb.DMatrix(ex, label=ey, missing=np.nan)
        booster = xgb.train(params, dtrain, num_boost_round=rounds, evals=[(deval, "eval")], verbose_eval=False)
        booster.save_model(f"{folder}/python.json")
        """;

    /// <summary>
    /// Our trainer builds libxgboost's quantile DMatrix (one byte per value) where Python's xgb.train is usually given a
    /// DMatrix (the values themselves); the trees must not differ. 20,000 rows with missing values, so the quantile
    /// sketch summarizes far more distinct values than it has bins, and row and column subsampling.
    /// </summary>
    [PythonXGBoostFact]
    public void Trees_AreThoseOfPythonXgbTrainOnDMatrix()
    {
        var (features, labels) = SyntheticData.Signal(20_000, seed: 21);
        var (evalFeatures, evalLabels) = SyntheticData.Signal(6_000, seed: 22);
        var parameters = XGBoostParameters.Default.With(
            [new("nthread", 2), new("seed", 7), new("subsample", 0.8), new("colsample_bytree", 0.75)]);
        using var model = new XGBoostTrainer(parameters, rounds: 25).Train(features, labels, evalFeatures, evalLabels);
        WriteFloats("x", features.Values);
        WriteFloats("y", labels);
        WriteFloats("ex", evalFeatures.Values);
        WriteFloats("ey", evalLabels);
        var pythonParameters = JsonSerializer.Serialize(parameters.ToDictionary(p => p.Key, p => p.Value));

        Run(Python, "-c", TrainScript, _directory, $"{features.Columns}", pythonParameters, "25");

        using var ours = JsonDocument.Parse(model.ToJson());
        using var theirs = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_directory, "python.json")));
        var ourTrees = Learner(ours).GetProperty("gradient_booster").GetRawText();
        var theirTrees = Learner(theirs).GetProperty("gradient_booster").GetRawText();
        Assert.Equal(25, Learner(ours).GetProperty("gradient_booster").GetProperty("model").GetProperty("trees").GetArrayLength());
        Assert.True(ourTrees == theirTrees, "The trees differ from Python's xgb.train on the same rows and parameters.");
        Assert.Equal(Learner(theirs).GetProperty("learner_model_param").GetRawText(), Learner(ours).GetProperty("learner_model_param").GetRawText());
    }

    private static JsonElement Learner(JsonDocument model) => model.RootElement.GetProperty("learner");

    private void WriteFloats(string name, ReadOnlySpan<float> values) =>
        File.WriteAllBytes(Path.Combine(_directory, name + ".f32"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());

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
