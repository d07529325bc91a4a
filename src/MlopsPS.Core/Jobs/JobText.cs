namespace MlopsPS.Core.Jobs;

/// <summary>Stored text of the job enums.</summary>
internal static class JobText
{
    public static string Of(JobRunStatus status) => status switch
    {
        JobRunStatus.Queued => "queued",
        JobRunStatus.Running => "running",
        JobRunStatus.Succeeded => "succeeded",
        JobRunStatus.Failed => "failed",
        JobRunStatus.TimedOut => "timed_out",
        _ => "stopped",
    };

    public static JobRunStatus ParseStatus(string text) => text switch
    {
        "queued" => JobRunStatus.Queued,
        "running" => JobRunStatus.Running,
        "succeeded" => JobRunStatus.Succeeded,
        "failed" => JobRunStatus.Failed,
        "timed_out" => JobRunStatus.TimedOut,
        "stopped" => JobRunStatus.Stopped,
        _ => throw new InvalidDataException($"Unknown job run status '{text}' in the catalog."),
    };

    public static string Of(JobTriggerKind kind) => kind switch
    {
        JobTriggerKind.Manual => "manual",
        JobTriggerKind.Schedule => "schedule",
        _ => "dependency",
    };

    public static JobTriggerKind ParseTrigger(string text) => text switch
    {
        "manual" => JobTriggerKind.Manual,
        "schedule" => JobTriggerKind.Schedule,
        "dependency" => JobTriggerKind.Dependency,
        _ => throw new InvalidDataException($"Unknown job trigger '{text}' in the catalog."),
    };

    public static string Of(JobScheduleKind kind) => kind switch
    {
        JobScheduleKind.Manual => "manual",
        JobScheduleKind.Dependent => "dependent",
        _ => "cron",
    };

    public static JobScheduleKind ParseSchedule(string text) => text switch
    {
        "manual" => JobScheduleKind.Manual,
        "dependent" => JobScheduleKind.Dependent,
        "cron" => JobScheduleKind.Cron,
        _ => throw new InvalidDataException($"Unknown job schedule '{text}' in the catalog."),
    };

    public static bool IsFinished(JobRunStatus status) => status is not (JobRunStatus.Queued or JobRunStatus.Running);
}
