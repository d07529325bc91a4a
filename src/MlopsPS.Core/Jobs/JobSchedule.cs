namespace MlopsPS.Core.Jobs;

/// <summary>
/// When a job runs besides a manual start: never (<see cref="Manual"/>), after each successful run of its parent
/// job (<see cref="DependsOn"/>), or at the times of a cron expression (<see cref="OnCron"/>).
/// </summary>
public sealed record JobSchedule(JobScheduleKind Kind, string? Parent = null, string? Cron = null)
{
    /// <summary>Only by hand.</summary>
    public static JobSchedule Manual { get; } = new(JobScheduleKind.Manual);

    /// <summary>After each successful run of <paramref name="parent"/>.</summary>
    public static JobSchedule DependsOn(string parent) => new(JobScheduleKind.Dependent, Parent: parent);

    /// <summary>
    /// At the times of a cron expression: five fields (minute hour day month weekday), six with a leading seconds
    /// field, or a macro such as <c>@hourly</c>; in the local time zone of the machine that defines the job.
    /// </summary>
    public static JobSchedule OnCron(string expression) => new(JobScheduleKind.Cron, Cron: expression);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        JobScheduleKind.Dependent => $"after '{Parent}'",
        JobScheduleKind.Cron => $"cron '{Cron}'",
        _ => "manual",
    };
}
