namespace MlopsPS.Core.Jobs;

/// <summary>
/// The store's cron scheduler: whether its process runs, since when, its last heartbeat and log, and the next cron
/// tick among the store's jobs.
/// </summary>
public sealed record SchedulerInfo(
    SchedulerStatus Status,
    int? ProcessId,
    DateTime? StartTime,
    DateTime? LastHeartbeat,
    DateTime? StopTime,
    string? LogPath,
    string? Message,
    int CronJobCount,
    string? NextJob,
    DateTime? NextRunTime);
