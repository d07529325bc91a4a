namespace MlopsPS.Core.Jobs;

/// <summary>The state of the store's cron scheduler.</summary>
public enum SchedulerStatus
{
    /// <summary>No scheduler process runs.</summary>
    Stopped,

    /// <summary>The scheduler process runs and fires due cron jobs.</summary>
    Running,

    /// <summary>A stop was asked; the process has not ended yet.</summary>
    Stopping,
}
