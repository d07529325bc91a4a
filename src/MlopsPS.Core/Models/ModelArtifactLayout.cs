using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlopsPS.Core.Models;

/// <summary>
/// How a model sits in a run's artifacts, in MLflow's layout: <c>model/model.json</c> (XGBoost's own JSON, which
/// Python's xgboost loads as is) and <c>model/MLmodel</c> (flavor, signature, metadata). The MLmodel file is JSON,
/// which is also valid YAML, so MLflow's YAML reader accepts it.
/// </summary>
public static class ModelArtifactLayout
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>The model folder inside a run's artifacts.</summary>
    public const string ModelDirectoryName = "model";

    /// <summary>XGBoost's JSON model file inside the model folder.</summary>
    public const string ModelFileName = "model.json";

    /// <summary>The metadata file inside the model folder.</summary>
    public const string MetadataFileName = "MLmodel";

    /// <summary>The model folder of a run whose artifacts are at <paramref name="artifactUri"/>.</summary>
    public static string ModelDirectory(string artifactUri) => Path.Combine(artifactUri, ModelDirectoryName);

    /// <summary>Writes the MLmodel file for <paramref name="metadata"/> into <paramref name="modelDirectory"/>.</summary>
    public static void WriteMetadata(string modelDirectory, ModelMetadata metadata)
    {
        var inputs = new JsonArray(metadata.Inputs.Select(i => (JsonNode)new JsonObject { ["type"] = i.Type, ["name"] = i.Name }).ToArray());
        var document = new JsonObject
        {
            ["artifact_path"] = ModelDirectoryName,
            ["flavors"] = new JsonObject
            {
                [metadata.Flavor] = new JsonObject
                {
                    ["xgb_version"] = metadata.LibraryVersion,
                    ["data"] = metadata.ModelFile,
                    ["model_class"] = "xgboost.core.Booster",
                    ["model_format"] = "json",
                    ["code"] = null,
                },
                ["python_function"] = new JsonObject
                {
                    ["loader_module"] = "mlflow.xgboost",
                    ["data"] = metadata.ModelFile,
                },
            },
            ["run_id"] = metadata.RunId,
            ["utc_time_created"] = metadata.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            // MLflow stores the signature's column specs as a JSON string inside the document.
            ["signature"] = new JsonObject
            {
                ["inputs"] = inputs.ToJsonString(),
                ["outputs"] = new JsonArray(new JsonObject { ["type"] = "long", ["name"] = metadata.Label }).ToJsonString(),
            },
            ["metadata"] = new JsonObject
            {
                ["label"] = metadata.Label,
                ["class_labels"] = new JsonArray(metadata.ClassLabels.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
                ["threshold"] = metadata.Threshold,
            },
        };
        Directory.CreateDirectory(modelDirectory);
        File.WriteAllText(Path.Combine(modelDirectory, MetadataFileName), document.ToJsonString(s_indented));
    }

    /// <summary>Reads the MLmodel file of a model folder; a missing or incomplete file is an InvalidData error.</summary>
    public static ModelMetadata ReadMetadata(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, MetadataFileName);
        if (!File.Exists(path))
        {
            throw new InvalidModelException($"The model folder '{modelDirectory}' has no {MetadataFileName} file.");
        }

        try
        {
            var document = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw Incomplete(path, "the document");
            var (flavor, flavorNode) = Required(document, "flavors", path).AsObject().FirstOrDefault(f => f.Key != "python_function");
            if (flavorNode is null)
            {
                throw Incomplete(path, "a model flavor");
            }

            var signature = Required(document, "signature", path);
            var inputs = (JsonNode.Parse(Required(signature, "inputs", path).GetValue<string>())?.AsArray() ?? throw Incomplete(path, "signature.inputs"))
                .Select(i => new ModelInput(Required(i, "name", path).GetValue<string>(), Required(i, "type", path).GetValue<string>()))
                .ToArray();
            var extra = Required(document, "metadata", path);
            return new ModelMetadata(
                flavor,
                Required(flavorNode, "xgb_version", path).GetValue<string>(),
                Required(flavorNode, "data", path).GetValue<string>(),
                inputs,
                Required(extra, "label", path).GetValue<string>(),
                Required(extra, "class_labels", path).AsArray().Select(c => c?.GetValue<string>() ?? throw Incomplete(path, "class_labels")).ToArray(),
                Required(extra, "threshold", path).GetValue<double>(),
                document["run_id"]?.GetValue<string>(),
                DateTime.SpecifyKind(
                    DateTime.ParseExact(Required(document, "utc_time_created", path).GetValue<string>(), "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
                    DateTimeKind.Utc));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidModelException($"The model metadata '{path}' is malformed: {e.Message}", e);
        }
    }

    private static JsonNode Required(JsonNode? node, string name, string path) =>
        node?[name] ?? throw Incomplete(path, name);

    private static InvalidModelException Incomplete(string path, string what) =>
        new($"The model metadata '{path}' is incomplete: it lacks {what}.");
}
