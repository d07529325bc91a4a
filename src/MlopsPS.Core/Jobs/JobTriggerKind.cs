namespace MlopsPS.Core.Jobs;

/// <summary>What started a run.</summary>
public enum JobTriggerKind
{
    /// <summary>Started by hand (Start-MlopsJob).</summary>
    Manual,

    /// <summary>Started by the cron scheduler.</summary>
    Schedule,

    /// <summary>Started by the success of a run of its parent job.</summary>
    Dependency,
}
