namespace MlopsPS.Core.Serving;

/// <summary>
/// One deployment of a model version to an endpoint: the publish (or start again) that put it live, the build
/// (validation) it passed, when it served, and where. The deployment history of an endpoint says which version was
/// live when; its newest entry is the lab's "latest deployment details". <see cref="EndpointName"/>,
/// <see cref="ModelName"/> and <see cref="Version"/> bind by property name to the endpoint and publish cmdlets.
/// </summary>
public sealed record Deployment(
    string DeploymentId,
    string BuildId,
    string EndpointName,
    string ModelName,
    int Version,
    string? RunId,
    DeploymentStatus Status,
    string? Message,
    string? Url,
    int? Port,
    int? ProcessId,
    DateTime StartTime,
    DateTime? DeployedTime,
    DateTime? EndTime)
{
    /// <summary>The deployed version's URI, as MLflow writes it.</summary>
    public string ModelUri => $"models:/{ModelName}/{Version}";

    /// <summary>How long this deployment served (so far, while live); null if it never served.</summary>
    public TimeSpan? ServedFor => DeployedTime is { } from ? (EndTime ?? DateTime.UtcNow) - from : null;
}
