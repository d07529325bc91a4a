namespace MlopsPS.Core.Serving;

/// <summary>
/// Settings for <see cref="EndpointManager.Publish"/>. Null leaves the endpoint's current setting (or the default for
/// a new endpoint).
/// </summary>
public sealed record PublishOptions
{
    /// <summary>The address the host binds; default 127.0.0.1. A non-loopback address requires an API key.</summary>
    public string? BindAddress { get; init; }

    /// <summary>The port; 0 or null on a new endpoint = a free port chosen when the host starts.</summary>
    public int? Port { get; init; }

    /// <summary>An API key clients must send (<c>Authorization: Bearer</c> or <c>X-Api-Key</c>); only its hash is stored.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Removes the endpoint's API key (refused on a non-loopback address).</summary>
    public bool RemoveApiKey { get; init; }

    /// <summary>The largest request body the host accepts, in bytes (default 64 MiB); larger requests get 413.</summary>
    public long? MaxBodyBytes { get; init; }

    /// <summary>Whether the host records each prediction in the store's prediction log (default on for a new endpoint).</summary>
    public bool? TrackingEnabled { get; init; }

    /// <summary>How long to wait for the host to start and the new version to serve; default 60 seconds.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>A step of a publish, reported through <see cref="IProgress{T}"/>.</summary>
public sealed record PublishProgress(string EndpointName, PublishStage Stage, int PercentComplete, string Status);

/// <summary>The steps of a publish, in order.</summary>
public enum PublishStage
{
    /// <summary>Validating the model: it loads with libxgboost and its signature is complete.</summary>
    Building,

    /// <summary>Launching the endpoint's host process.</summary>
    StartingHost,

    /// <summary>Telling the host to load and swap in the new version.</summary>
    Deploying,

    /// <summary>Waiting until <c>/version</c> reports the new version.</summary>
    Verifying,

    /// <summary>Done.</summary>
    Completed,
}
