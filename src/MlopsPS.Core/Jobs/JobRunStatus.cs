namespace MlopsPS.Core.Jobs;

/// <summary>The lifecycle of a job run. Stored in lower case with underscores (<c>timed_out</c>).</summary>
public enum JobRunStatus
{
    /// <summary>Waiting for its runner to start it, or for a run of the same job to end (one run per job at a time).</summary>
    Queued,

    /// <summary>Its pwsh process runs.</summary>
    Running,

    /// <summary>The script ended with exit code 0; its dependent jobs were triggered.</summary>
    Succeeded,

    /// <summary>The script failed (an error, or a non-zero exit code), or its runner died; the chain stopped here.</summary>
    Failed,

    /// <summary>The script ran past the job's timeout; its process tree was killed and the chain stopped here.</summary>
    TimedOut,

    /// <summary>Stopped with Stop-MlopsJobRun; the chain stopped here.</summary>
    Stopped,
}
