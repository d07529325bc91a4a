namespace MlopsPS.Core.Jobs;

/// <summary>Changes to a job's definition; null members stay as they are.</summary>
public sealed record JobChanges
{
    /// <summary>A new name.</summary>
    public string? NewName { get; init; }

    /// <summary>A new script.</summary>
    public JobScript? Script { get; init; }

    /// <summary>A new schedule. Setting a cron schedule (again) restarts its tick history from now.</summary>
    public JobSchedule? Schedule { get; init; }

    /// <summary>A new timeout; <see cref="TimeSpan.Zero"/> removes it.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The new environment variables (replacing all of them; empty removes them).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>A new working folder; empty for the store folder.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>A new description; empty removes it.</summary>
    public string? Description { get; init; }
}
