// Prepares the serving benchmarks (bench/Invoke-Benchmarks.ps1): a store with registered versions of a telco
// cell-tower model, trained as the lab's XGBClassifier (100 rounds, max_depth 6) on synthetic IoT signals, and
// the request bodies the load generator sends.
//
//   ServingBenchmarks prepare --store <folder> --out <folder> [--model bench] [--versions 3] [--rows 20000] [--rounds 100]
//   ServingBenchmarks publish --store <folder> --endpoint <name> --model models:/bench/1 [--host-dir <folder>]
//   ServingBenchmarks stop --store <folder> --endpoint <name>
//
// Prints one JSON object: the model name, the versions, the first version's model.json, and the body files.
using System.Globalization;
using System.Text;
using System.Text.Json;
using MlopsPS.Core.Models;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tracking;
using MlopsPS.Core.Training;

string[] columns = ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"];
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i]] = args[i + 1];
}

if (args.Length > 0 && args[0] is "publish" or "stop" && options.ContainsKey("--store") && options.ContainsKey("--endpoint"))
{
    // By hand, without PowerShell: publish a version (or stop the endpoint) with the engine directly.
    var manager = new MlopsPS.Core.Serving.EndpointManager(MlopsStore.Open(options["--store"]), options.GetValueOrDefault("--host-dir"));
    if (args[0] == "stop")
    {
        manager.Stop(options["--endpoint"]);
        return 0;
    }

    var version = new ModelRegistry(manager.Store).Resolve(options["--model"]);
    Console.WriteLine(JsonSerializer.Serialize(manager.Publish(options["--endpoint"], version)));
    return 0;
}

if (args.Length == 0 || args[0] != "prepare" || !options.ContainsKey("--store") || !options.ContainsKey("--out"))
{
    Console.Error.WriteLine("usage: ServingBenchmarks prepare --store <folder> --out <folder> [--model bench] [--versions 3] [--rows 20000] [--rounds 100]");
    return 64;
}

var modelName = options.GetValueOrDefault("--model", "bench");
var versionCount = int.Parse(options.GetValueOrDefault("--versions", "3"), CultureInfo.InvariantCulture);
var rows = int.Parse(options.GetValueOrDefault("--rows", "20000"), CultureInfo.InvariantCulture);
var rounds = int.Parse(options.GetValueOrDefault("--rounds", "100"), CultureInfo.InvariantCulture);
var outDirectory = Directory.CreateDirectory(options["--out"]).FullName;
var store = MlopsStore.Open(options["--store"]);
var tracking = new TrackingStore(store);
var registry = new ModelRegistry(store);

var versions = new List<ModelVersion>();
for (var v = 0; v < versionCount; v++)
{
    var (features, labels) = Telco(rows, seed: 100 + v);
    using var model = new XGBoostTrainer(XGBoostParameters.Default, rounds).Train(features, labels);
    var run = tracking.StartRun("serving-benchmarks");
    var directory = ModelArtifactLayout.ModelDirectory(run.ArtifactUri);
    Directory.CreateDirectory(directory);
    model.SaveJson(Path.Combine(directory, ModelArtifactLayout.ModelFileName));
    ModelArtifactLayout.WriteMetadata(directory, new ModelMetadata(
        "xgboost", XGBoostLibrary.Version, ModelArtifactLayout.ModelFileName,
        columns.Select(c => new ModelInput(c, "double")).ToArray(), "cell_tower_failure", ["0", "1"], 0.5, run.RunId, DateTime.UtcNow));
    tracking.EndRun(run.RunId, RunStatus.Finished);
    versions.Add(registry.RegisterRunModel(modelName, run.RunId));
}

// The lab's sample request, and a 10,000-row dataframe_split.
var single = Path.Combine(outDirectory, "single.json");
File.WriteAllText(single, """{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[35.5, 200.5, 30.5, 14.5]]}}""");
var (batch, _) = Telco(10_000, seed: 7);
var text = new StringBuilder("""{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [""");
for (var r = 0; r < batch.Rows; r++)
{
    var row = batch.Row(r);
    text.Append(r == 0 ? "[" : ",[");
    for (var c = 0; c < row.Length; c++)
    {
        text.Append(c == 0 ? "" : ",").Append(Math.Round(row[c], 2).ToString(CultureInfo.InvariantCulture));
    }

    text.Append(']');
}

text.Append("]}}");
var rows10k = Path.Combine(outDirectory, "rows10k.json");
File.WriteAllText(rows10k, text.ToString());

Console.WriteLine(JsonSerializer.Serialize(new
{
    model = modelName,
    versions = versions.Select(v => v.Version).ToArray(),
    model_json = Path.Combine(versions[0].Source, ModelArtifactLayout.ModelFileName),
    single,
    rows10k,
}));
return 0;

// Four IoT signals on the lab's scales; failure grows with signal 1 and 2, with noise.
static (FeatureMatrix Features, float[] Labels) Telco(int count, int seed)
{
    var random = new Random(seed);
    var values = new float[count * 4];
    var labels = new float[count];
    for (var r = 0; r < count; r++)
    {
        var s1 = 30 + (10 * Gaussian(random));
        var s2 = 200 + (50 * Gaussian(random));
        var s3 = 30 + (10 * Gaussian(random));
        var s4 = 15 + (5 * Gaussian(random));
        values[(r * 4) + 0] = (float)s1;
        values[(r * 4) + 1] = (float)s2;
        values[(r * 4) + 2] = (float)s3;
        values[(r * 4) + 3] = (float)s4;
        var score = (0.15 * (s1 - 30)) + (0.02 * (s2 - 200)) + (0.05 * (s4 - 15)) + Gaussian(random);
        labels[r] = score > 1 ? 1f : 0f;
    }

    return (new FeatureMatrix(values, count, ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"]), labels);
}

static double Gaussian(Random random) =>
    Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
