namespace MlopsPS.Core.Serving;

/// <summary>
/// One scoring host of an endpoint (several may serve one endpoint, each on its machine, process and port): where it
/// listens, the version it serves, and its health. A host whose lease has expired is <see cref="EndpointHealth.Dead"/>
/// whatever its machine, with the reason in <see cref="Reason"/>.
/// </summary>
public sealed record EndpointHost(
    string HostId,
    string EndpointName,
    string MachineName,
    string Status,
    EndpointHealth Health,
    string? Reason,
    string? Url,
    int? Port,
    int? ProcessId,
    string? ModelName,
    int? Version,
    string? DeploymentId,
    DateTime StartTime,
    DateTime? LastHeartbeat,
    DateTime? LeaseExpires)
{
    /// <summary>The served version's URI, or null before the host loaded one.</summary>
    public string? ModelUri => ModelName is null ? null : $"models:/{ModelName}/{Version}";
}
