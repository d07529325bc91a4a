using MlopsPS.Core.Models;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Serving;

/// <summary>
/// A model version loaded and checked for serving: its booster, its scoring schema, and who it is. Loading is the
/// deployment's "build" step: the MLmodel file is complete (every input has a name and a numeric type, two class
/// labels, a threshold), libxgboost loads the model file, the model's feature count matches the signature, and a
/// prediction on one row of missing values succeeds. Publish runs it before anything changes; the host runs it
/// again when it loads the version, and swaps only a model that passed.
/// </summary>
public sealed class ServableModel : IDisposable
{
    private static readonly HashSet<string> s_numericTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "double", "float", "long", "integer", "int", "boolean",
    };

    private readonly CompiledForest? _compiled;

    private ServableModel(TrainedModel model, CompiledForest? compiled, string predictionPath, ScoringSchema schema, ModelMetadata metadata, string modelName, int version, string? deploymentId)
    {
        Model = model;
        _compiled = compiled;
        PredictionPath = predictionPath;
        Schema = schema;
        Metadata = metadata;
        ModelName = modelName;
        Version = version;
        DeploymentId = deploymentId;
    }

    /// <summary>The booster (thread-safe prediction).</summary>
    public TrainedModel Model { get; }

    /// <summary>Input columns, class labels, threshold.</summary>
    public ScoringSchema Schema { get; }

    /// <summary>The artifact's MLmodel metadata.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>The registered model's name.</summary>
    public string ModelName { get; }

    /// <summary>The registered version.</summary>
    public int Version { get; }

    /// <summary>The deployment that loaded it, if any.</summary>
    public string? DeploymentId { get; }

    /// <summary>
    /// How small batches are predicted: by the compiled trees (verified bit-identical to libxgboost at load), or by
    /// libxgboost with the reason the model was not compiled. Batches over 64 rows always use libxgboost.
    /// </summary>
    public string PredictionPath { get; }

    /// <summary>Whether batches of up to 64 rows use the compiled trees.</summary>
    public bool IsCompiled => _compiled is not null;

    /// <summary>
    /// Loads and validates the model in <paramref name="modelDirectory"/>; throws <see cref="InvalidModelException"/>
    /// saying what is wrong.
    /// </summary>
    /// <param name="predictThreads">libxgboost threads for batches over 64 rows; 0 = all processors.</param>
    public static ServableModel Load(string modelDirectory, string modelName, int version, string? deploymentId = null, int predictThreads = 0)
    {
        var label = $"models:/{modelName}/{version}";
        var metadata = ModelArtifactLayout.ReadMetadata(modelDirectory);
        if (metadata.Inputs.Count == 0)
        {
            throw new InvalidModelException($"{label} has no input columns in its signature.");
        }

        foreach (var input in metadata.Inputs)
        {
            if (string.IsNullOrWhiteSpace(input.Name) || string.IsNullOrWhiteSpace(input.Type))
            {
                throw new InvalidModelException($"{label} has an incomplete signature: every input needs a name and a type.");
            }

            if (!s_numericTypes.Contains(input.Type))
            {
                throw new InvalidModelException($"{label} input '{input.Name}' has type '{input.Type}'; the scoring host serves numeric inputs only.");
            }
        }

        ScoringSchema schema;
        try
        {
            schema = ScoringSchema.FromMetadata(metadata);
        }
        catch (ArgumentException e)
        {
            throw new InvalidModelException($"{label} cannot be served: {e.Message}", e);
        }

        var modelFile = Path.Combine(modelDirectory, metadata.ModelFile);
        if (!File.Exists(modelFile))
        {
            throw new InvalidModelException($"{label} lacks its model file '{modelFile}'.");
        }

        TrainedModel model;
        byte[] json;
        try
        {
            json = File.ReadAllBytes(modelFile);
            model = TrainedModel.LoadJson(json, featureNames: null, predictThreads);
        }
        catch (Exception e) when (e is XGBoostException and not XGBoostNotFoundException || e is ArgumentException)
        {
            throw new InvalidModelException($"{label}: libxgboost cannot load '{modelFile}': {e.Message}", e);
        }

        try
        {
            if (model.FeatureNames.Count != schema.Features.Count)
            {
                throw new InvalidModelException(
                    $"{label}: the model file has {model.FeatureNames.Count} features but the signature names {schema.Features.Count} ({string.Join(", ", schema.Features)}).");
            }

            // One row of missing values: every tree answers, whatever its splits.
            var probe = new float[schema.Features.Count];
            Array.Fill(probe, float.NaN);
            var p = model.PredictProbabilities(new FeatureMatrix(probe, 1, schema.Features));
            if (p.Length != 1 || !float.IsFinite(p[0]))
            {
                throw new InvalidModelException($"{label}: a test prediction returned {p.Length} values; expected one finite probability.");
            }

            // The fast path for small batches, only where it gives libxgboost's own answers.
            var compiled = CompiledForest.TryCompile(json, out var notCompiled);
            string path;
            if (compiled is null || compiled.FeatureCount != schema.Features.Count)
            {
                path = "libxgboost (not compiled: " + (compiled is null ? notCompiled : "feature count differs") + ")";
                compiled = null;
            }
            else if (compiled.VerifyAgainst((values, rows) => model.PredictProbabilities(new FeatureMatrix(values, rows, schema.Features))) is { } mismatch)
            {
                path = "libxgboost (compiled trees differ: " + mismatch + ")";
                compiled = null;
            }
            else
            {
                path = $"compiled trees ({compiled.TreeCount} trees, verified against libxgboost) up to {TrainedModel.SmallBatchRows} rows, libxgboost above";
            }

            return new ServableModel(model, compiled, path, schema, metadata, modelName, version, deploymentId);
        }
        catch (Exception e)
        {
            model.Dispose();
            if (e is XGBoostException and not XGBoostNotFoundException)
            {
                throw new InvalidModelException($"{label}: a test prediction failed: {e.Message}", e);
            }

            throw;
        }
    }

    /// <summary>P(second class label) for each row of <paramref name="values"/> (row-major, model column order).</summary>
    public float[] PredictProbabilities(float[] values, int rows) =>
        _compiled is not null && rows <= TrainedModel.SmallBatchRows
            ? _compiled.PredictProbabilities(values, rows)
            : Model.PredictProbabilities(new FeatureMatrix(values, rows, Schema.Features));

    /// <summary>
    /// SHAP feature contributions (XGBoost's <c>pred_contribs</c>) for each row, row-major rows x (features + 1), the
    /// bias last; each row sums to the row's margin, the logit of its probability. Only on request: libxgboost
    /// computes them through a DMatrix, at many times the cost of a prediction.
    /// </summary>
    public float[] PredictContributions(float[] values, int rows) =>
        Model.PredictContributions(new FeatureMatrix(values, rows, Schema.Features));

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
