using MlopsPS.Core.Models;

namespace MlopsPS.Core.Registry;

/// <summary>
/// One numbered version of a registered model, made from a run's model artifact. <see cref="ModelName"/> and
/// <see cref="Version"/> bind by property name to the cmdlets that take a version.
/// </summary>
public sealed record ModelVersion(
    string ModelName,
    int Version,
    string? RunId,
    string Source,
    ModelVersionStatus Status,
    string? StatusMessage,
    IReadOnlyList<ModelInput> Signature,
    IReadOnlyList<string> Aliases,
    DateTime CreationTime)
{
    /// <summary>The version's URI, as MLflow writes it.</summary>
    public string Uri => $"models:/{ModelName}/{Version}";
}
