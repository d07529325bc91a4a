using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlopsPS.Core.Serving.Protocol;

/// <summary>
/// The channel between <see cref="EndpointManager"/> and a running scoring host: two POST routes on the host's own
/// listener, answered only for a connection from this machine (loopback, or the bound address itself) that carries
/// the host's control token. The token is random per host launch; the manager stores it in the catalog and hands it
/// to the host in an environment variable, never on the command line.
/// </summary>
public static class HostControl
{
    /// <summary>The header that carries the control token.</summary>
    public const string TokenHeader = "X-Mlops-Control-Token";

    /// <summary>The environment variable that hands the host its control token.</summary>
    public const string TokenVariable = "MLOPSPS_CONTROL_TOKEN";

    /// <summary>POST a <see cref="DeployCommand"/>: load, validate and swap in a version. 200 with a <see cref="DeployAnswer"/>, or an error body.</summary>
    public const string DeployPath = "/_mlops/control/deploy";

    /// <summary>POST a <see cref="SettingsCommand"/>: apply endpoint settings that need no new model (prediction tracking). 200, or an error body.</summary>
    public const string SettingsPath = "/_mlops/control/settings";

    /// <summary>POST: finish the requests in flight and exit.</summary>
    public const string ShutdownPath = "/_mlops/control/shutdown";

    /// <summary>Settings for the control messages (camelCase).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>Tells a host to serve a version, and the endpoint settings it applies live.</summary>
public sealed record DeployCommand(
    string DeploymentId,
    string ModelName,
    int Version,
    string ModelDirectory,
    string? ApiKeyHash,
    long MaxBodyBytes,
    bool TrackingEnabled = true);

/// <summary>Tells a host to apply settings that need no new model.</summary>
public sealed record SettingsCommand(bool TrackingEnabled);

/// <summary>The host's answer: what it serves now.</summary>
public sealed record DeployAnswer(string ModelName, int Version, string DeploymentId);

/// <summary>The body of <c>GET /version</c>.</summary>
public sealed record VersionInfo(
    [property: JsonPropertyName("model_name")] string? ModelName,
    [property: JsonPropertyName("model_version")] int? ModelVersion,
    [property: JsonPropertyName("deployment_id")] string? DeploymentId,
    [property: JsonPropertyName("inputs")] IReadOnlyList<string>? Inputs,
    [property: JsonPropertyName("class_labels")] IReadOnlyList<string>? ClassLabels,
    [property: JsonPropertyName("server")] string? Server);
