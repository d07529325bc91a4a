namespace MlopsPS.Core.Serving;

/// <summary>What the store records about an endpoint's host process.</summary>
public enum EndpointStatus
{
    /// <summary>A host process is being launched.</summary>
    Starting,

    /// <summary>The host process was started and reported where it listens.</summary>
    Running,

    /// <summary>Stopped on purpose; <c>Start-ModelEndpoint</c> starts it again with its current version.</summary>
    Stopped,

    /// <summary>The host process could not be started; the status message says why.</summary>
    Failed,
}

/// <summary>What an endpoint looks like right now, checked live (process and HTTP), not read from the store.</summary>
public enum EndpointHealth
{
    /// <summary>The host answers <c>/health</c> with 200: a model is loaded and serving.</summary>
    Healthy,

    /// <summary>The host answers, but has no model loaded (<c>/health</c> is 404).</summary>
    NoModel,

    /// <summary>The host process runs but does not answer HTTP in time.</summary>
    NotResponding,

    /// <summary>The store says the host runs, but its process has ended (a crash, a kill, a reboot).</summary>
    ProcessEnded,

    /// <summary>Stopped (or never started).</summary>
    Stopped,

    /// <summary>Not checked (a listing that skipped the live check).</summary>
    Unknown,

    /// <summary>A host whose lease expired (it stopped renewing it: killed, hung, or cut off from the store).</summary>
    Dead,
}

/// <summary>The life of one deployment: built, deployed, live, and finally replaced, stopped or failed.</summary>
public enum DeploymentStatus
{
    /// <summary>The model is being validated (the "build" step).</summary>
    Building,

    /// <summary>Validated; the host is being started or told to swap.</summary>
    Deploying,

    /// <summary>The version this endpoint serves now.</summary>
    Live,

    /// <summary>Served until a newer deployment replaced it.</summary>
    Replaced,

    /// <summary>Served until the endpoint was stopped (or its host process ended).</summary>
    Stopped,

    /// <summary>Never served: validation or the deploy failed; the message says why. The previous version kept serving.</summary>
    Failed,
}
