namespace MlopsPS.Core.Jobs;

/// <summary>
/// A job as stored: what it runs, when, with which limits and environment, plus facts for the job list (its
/// dependent jobs, its newest run and, for a cron job, its next tick). <see cref="Name"/> binds by property name to
/// the cmdlets that take a job.
/// </summary>
public sealed record JobDefinition(
    long JobId,
    string Name,
    string? Description,
    JobScript Script,
    JobSchedule Schedule,
    string? CronTimeZone,
    TimeSpan? Timeout,
    IReadOnlyDictionary<string, string> Environment,
    string? WorkingDirectory,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyList<string> Dependents,
    long? LastRunId,
    JobRunStatus? LastRunStatus,
    DateTime? LastRunTime,
    DateTime? NextRunTime)
{
    /// <summary>The parent job of a dependent job.</summary>
    public string? Parent => Schedule.Parent;

    /// <summary>The cron expression of a cron job.</summary>
    public string? Cron => Schedule.Cron;
}
