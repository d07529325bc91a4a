namespace MlopsPS.Core.Jobs;

/// <summary>
/// One run of a job, as the job history shows it: what triggered it, when it was queued, started and ended, how it
/// ended (exit code, error) and where its log is. <see cref="RunId"/> binds by property name to the cmdlets that
/// take a run; <see cref="ChainId"/> is the run that started its chain.
/// </summary>
public sealed record JobRun(
    long RunId,
    string JobName,
    long? JobId,
    JobRunStatus Status,
    JobTriggerKind TriggerKind,
    string Trigger,
    long? TriggerRunId,
    long ChainId,
    DateTime? ScheduledTick,
    DateTime QueuedAt,
    DateTime? StartTime,
    DateTime? EndTime,
    int? ExitCode,
    string LogPath,
    int? RunnerProcessId,
    int? ProcessId,
    string? Error)
{
    /// <summary>How long it ran (or has run so far); null before it starts.</summary>
    public TimeSpan? Duration => StartTime is DateTime start ? (EndTime ?? DateTime.UtcNow) - start : null;

    /// <summary>Whether it has ended (succeeded, failed, timed out or stopped).</summary>
    public bool IsFinished => JobText.IsFinished(Status);
}
