namespace MlopsPS.Core.Models;

/// <summary>
/// What a model artifact says about itself beside XGBoost's own JSON: its flavor and library version, its input
/// signature (the feature columns in order), the label it predicts and its class labels, and the data it was
/// trained on. Stored as the artifact's <c>MLmodel</c> file in MLflow's layout.
/// </summary>
public sealed record ModelMetadata(
    string Flavor,
    string LibraryVersion,
    string ModelFile,
    IReadOnlyList<ModelInput> Inputs,
    string Label,
    IReadOnlyList<string> ClassLabels,
    double Threshold,
    string? RunId,
    DateTime CreatedAt)
{
    /// <summary>The feature names, in the order the model expects them.</summary>
    public IReadOnlyList<string> FeatureNames => Inputs.Select(i => i.Name).ToArray();
}
