namespace MlopsPS.Core.Jobs;

/// <summary>A new job's definition.</summary>
public sealed record JobSpec
{
    /// <summary>The unique name (case-insensitive), e.g. <c>New Batch</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What it runs.</summary>
    public required JobScript Script { get; init; }

    /// <summary>When it runs besides a manual start; manual by default.</summary>
    public JobSchedule Schedule { get; init; } = JobSchedule.Manual;

    /// <summary>How long a run may take before its process tree is killed; null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Environment variables of the job's process, over those the runner inherited.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The folder the script runs in; the store folder when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>A free-text description.</summary>
    public string? Description { get; init; }
}
