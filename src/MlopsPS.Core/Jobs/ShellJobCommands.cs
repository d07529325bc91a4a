namespace MlopsPS.Core.Jobs;

/// <summary>
/// Runs a job's text with a POSIX shell (<c>sh -c text</c>) instead of pwsh: for a pool runner on a host without
/// PowerShell jobs (<c>MlopsPS.JobRunner worker --shell /bin/sh</c>) and for the engine tests, where it takes
/// milliseconds. A file job runs the file with the shell.
/// </summary>
public sealed class ShellJobCommands(string shell) : IJobCommandFactory
{
    /// <inheritdoc />
    public JobCommand Create(JobRun run, JobDefinition job, string logPath) =>
        job.Script.Kind == JobScriptKind.File ? new(shell, [job.Script.Text]) : new(shell, ["-c", job.Script.Text]);
}
