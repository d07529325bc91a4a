namespace MlopsPS.Core.Jobs;

/// <summary>
/// The process that executes one run: a program, its arguments, and extra environment variables. The runner adds
/// the store and run variables, the job's own variables, the working folder and the log redirection.
/// </summary>
public sealed record JobCommand(string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string>? Environment = null);

/// <summary>Makes the process of a run. <see cref="PwshJobCommands"/> is the real one; engine tests pass their own.</summary>
public interface IJobCommandFactory
{
    /// <summary>The command that executes <paramref name="run"/> of <paramref name="job"/>, logging to <paramref name="logPath"/>.</summary>
    JobCommand Create(JobRun run, JobDefinition job, string logPath);
}
