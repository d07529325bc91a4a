namespace MlopsPS.Core.Serving;

/// <summary>
/// A scoring endpoint: its settings, what the store records about its host process, the version it serves, and
/// (when checked) its live health, and whether its host records each prediction (<see cref="TrackingEnabled"/>). <see cref="Name"/> binds by property name to the endpoint cmdlets.
/// </summary>
public sealed record ModelEndpoint(
    string Name,
    EndpointStatus Status,
    EndpointHealth Health,
    string? Url,
    string BindAddress,
    int? Port,
    int RequestedPort,
    bool ApiKeyRequired,
    long MaxBodyBytes,
    int? ProcessId,
    DateTime? ProcessStartTime,
    string? ModelName,
    int? Version,
    string? CurrentDeploymentId,
    string? StatusMessage,
    string LogPath,
    DateTime CreationTime,
    DateTime LastUpdatedTime,
    bool TrackingEnabled)
{
    /// <summary>Every host of the endpoint not stopped on purpose: live ones, and dead ones (lease expired) with the reason.</summary>
    public IReadOnlyList<EndpointHost> Hosts { get; init; } = [];

    /// <summary>The served version's URI, or null before the first deployment.</summary>
    public string? ModelUri => ModelName is null ? null : $"models:/{ModelName}/{Version}";

    /// <summary>The endpoint's name, for cmdlets that bind an endpoint by <c>EndpointName</c>.</summary>
    public string EndpointName => Name;
}
