namespace MlopsPS.Core.Jobs;

/// <summary>How a job is started.</summary>
public enum JobScheduleKind
{
    /// <summary>Only by hand.</summary>
    Manual,

    /// <summary>After each successful run of its parent job (and by hand).</summary>
    Dependent,

    /// <summary>By the scheduler at the times of a cron expression (and by hand).</summary>
    Cron,
}
