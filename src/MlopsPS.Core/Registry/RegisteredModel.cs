namespace MlopsPS.Core.Registry;

/// <summary>A named model in the registry, with its newest version number and its aliases.</summary>
public sealed record RegisteredModel(
    string ModelName,
    string? Description,
    DateTime CreationTime,
    DateTime LastUpdatedTime,
    int LatestVersion,
    IReadOnlyDictionary<string, int> Aliases);
