namespace MlopsPS.Core.Tracking;

/// <summary>The lifecycle of a run, as MLflow's RunStatus (stored in upper case, as MLflow writes them).</summary>
public enum RunStatus
{
    /// <summary>The run is in progress.</summary>
    Running,

    /// <summary>The run is queued.</summary>
    Scheduled,

    /// <summary>The run completed.</summary>
    Finished,

    /// <summary>The run failed; its error message says why.</summary>
    Failed,

    /// <summary>The run was stopped, or the process running it died.</summary>
    Killed,
}
