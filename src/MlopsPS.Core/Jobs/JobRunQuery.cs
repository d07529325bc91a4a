namespace MlopsPS.Core.Jobs;

/// <summary>A filter on the job history; every member narrows it, null members do not.</summary>
public sealed record JobRunQuery
{
    /// <summary>Job names, with <c>*</c> and <c>?</c> wildcards.</summary>
    public IReadOnlyList<string>? Jobs { get; init; }

    /// <summary>Only runs in one of these states.</summary>
    public IReadOnlyList<JobRunStatus>? Statuses { get; init; }

    /// <summary>Only runs queued at or after this time.</summary>
    public DateTime? Since { get; init; }

    /// <summary>Only the runs of this chain (the run that started it, and every run it triggered).</summary>
    public long? ChainId { get; init; }

    /// <summary>At most this many runs, newest first.</summary>
    public int Limit { get; init; } = 1000;
}
