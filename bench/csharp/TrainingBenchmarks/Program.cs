// Times MlopsPS's XGBoost binding on the same .npy files as bench/python/xgb_train_predict.py and
// prints the same JSON keys, so the two outputs can be compared side by side. See ../../README.md.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlopsPS.Core.Training;

var options = ParseArguments(args);
var data = options["--data"];
var rounds = int.Parse(options.GetValueOrDefault("--rounds", "100"), CultureInfo.InvariantCulture);
var threads = int.Parse(options.GetValueOrDefault("--nthread", "0"), CultureInfo.InvariantCulture);
var singleRowSamples = int.Parse(options.GetValueOrDefault("--single-row-samples", "10000"), CultureInfo.InvariantCulture);

var (values, shape) = Npy.ReadFloat32(data);
var (labels, _) = Npy.ReadFloat32(options["--labels"]);
string[] names = [.. Enumerable.Range(0, shape[1]).Select(i => $"f{i}")];
var train = new FeatureMatrix(values, shape[0], names);

var parameters = threads > 0 ? XGBoostParameters.Default.With("nthread", threads) : XGBoostParameters.Default;
var trainer = new XGBoostTrainer(parameters, rounds) { PredictThreads = threads };
var clock = Stopwatch.StartNew();
using var model = trainer.Train(train, labels);
var trainSeconds = clock.Elapsed.TotalSeconds;

var (predictValues, predictShape) = Npy.ReadFloat32(options.GetValueOrDefault("--predict-data", data));
var rows = new FeatureMatrix(predictValues, predictShape[0], names);
clock.Restart();
var predictions = model.PredictProbabilities(rows);
var predictSeconds = clock.Elapsed.TotalSeconds;

// Single-row requests as a scoring server sees them: one small matrix per call.
var singles = Enumerable.Range(0, Math.Min(singleRowSamples, rows.Rows))
    .Select(r => new FeatureMatrix(rows.Row(r).ToArray(), 1, names))
    .ToArray();
foreach (var single in singles.Take(1000))
{
    model.PredictProbabilities(single);
}

clock.Restart();
foreach (var single in singles)
{
    model.PredictProbabilities(single);
}

var singleRowMicroseconds = clock.Elapsed.TotalMicroseconds / singles.Length;

if (options.TryGetValue("--save-model", out var modelPath))
{
    model.SaveJson(modelPath);
}

if (options.TryGetValue("--save-predictions", out var predictionsPath))
{
    Npy.WriteFloat32(predictionsPath, predictions);
}

Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["binding"] = "csharp",
    ["xgboost_version"] = XGBoostLibrary.Version,
    ["rows"] = train.Rows,
    ["columns"] = train.Columns,
    ["predict_rows"] = rows.Rows,
    ["rounds"] = rounds,
    ["nthread"] = threads,
    ["params"] = parameters.ToDictionary(p => p.Key, p => p.Value),
    ["train_seconds"] = Math.Round(trainSeconds, 4),
    ["predict_seconds"] = Math.Round(predictSeconds, 4),
    ["single_row_predict_us"] = Math.Round(singleRowMicroseconds, 2),
    ["prediction_mean"] = predictions.Average(p => (double)p),
}));

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i]] = args[i + 1];
    }

    if (!result.ContainsKey("--data") || !result.ContainsKey("--labels"))
    {
        Console.Error.WriteLine("usage: TrainingBenchmarks --data x.npy --labels y.npy [--rounds 100] [--nthread 0] " +
                                "[--predict-data x.npy] [--single-row-samples 10000] [--save-model m.json] [--save-predictions p.npy]");
        Environment.Exit(2);
    }

    return result;
}

/// <summary>Just enough of NumPy's .npy format: little-endian float32, C order.</summary>
internal static partial class Npy
{
    public static (float[] Values, int[] Shape) ReadFloat32(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var magic = reader.ReadBytes(6);
        if (magic[0] != 0x93 || System.Text.Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException($"{path} is not a .npy file.");
        }

        var major = reader.ReadByte();
        reader.ReadByte();
        var headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        var header = System.Text.Encoding.ASCII.GetString(reader.ReadBytes(headerLength));
        if (!header.Contains("'descr': '<f4'") || !header.Contains("'fortran_order': False"))
        {
            throw new InvalidDataException($"{path}: need little-endian float32 in C order; header {header}");
        }

        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .ToArray();
        var count = shape.Aggregate(1, (a, b) => a * b);
        var values = new float[count];
        stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return (values, shape.Length == 1 ? [shape[0], 1] : shape);
    }

    public static void WriteFloat32(string path, float[] values)
    {
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({values.Length},), }}";
        // Pad so that the data starts on a 64-byte boundary, ending the header with a newline.
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)padded.Length));
        stream.Write(System.Text.Encoding.ASCII.GetBytes(padded));
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    [GeneratedRegex(@"'shape': \(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
