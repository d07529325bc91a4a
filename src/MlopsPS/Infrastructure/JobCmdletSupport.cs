using System.Collections;
using System.Management.Automation;
using MlopsPS.Core.Jobs;

namespace MlopsPS.Infrastructure;

/// <summary>What the job cmdlets share: the job runtime of this shell, environment tables, wait progress and run outcomes.</summary>
internal static class JobCmdletSupport
{
    /// <summary>The status names -Status accepts (the JobRunStatus names).</summary>
    public const string StatusNames = "Queued, Running, Succeeded, Failed, TimedOut, Stopped";

    /// <summary>
    /// The runner, pwsh and module of this shell: jobs run with the pwsh the cmdlet runs in (<c>dotnet
    /// $PSHOME/pwsh.dll</c> when PowerShell is a dotnet tool) and import this very module.
    /// </summary>
    public static JobRuntime Runtime(PSCmdlet cmdlet)
    {
        var module = cmdlet.MyInvocation.MyCommand.Module;
        var moduleBase = module?.ModuleBase
            ?? Path.GetDirectoryName(Path.GetDirectoryName(typeof(JobCmdletSupport).Assembly.Location))!;
        var manifest = Path.Combine(moduleBase, "MlopsPS.psd1");
        var modulePath = File.Exists(manifest) ? manifest : module?.Path ?? typeof(JobCmdletSupport).Assembly.Location;
        var psHome = cmdlet.SessionState.PSVariable.GetValue("PSHOME") as string ?? AppContext.BaseDirectory;
        var processPath = System.Environment.ProcessPath ?? Path.Combine(psHome, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
        return JobRuntime.ForModule(moduleBase, modulePath, processPath, psHome);
    }

    /// <summary>A hashtable of environment variables as strings.</summary>
    public static Dictionary<string, string> Environment(Hashtable table)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            result[entry.Key.ToString()!] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return result;
    }

    /// <summary>A script block's text (without its braces) as a job runs it.</summary>
    public static string ScriptText(ScriptBlock block) => block.ToString().Trim();

    /// <summary>The schedule the -Parent, -Cron and -Manual parameters ask for, or null when none is given.</summary>
    public static JobSchedule? Schedule(string? parent, string? cron, bool manual)
    {
        var given = (parent is null ? 0 : 1) + (cron is null ? 0 : 1) + (manual ? 1 : 0);
        if (given > 1)
        {
            throw new ArgumentException("A job has one schedule: give only one of -Parent, -Cron and -Manual.");
        }

        return parent is not null ? JobSchedule.DependsOn(parent) : cron is not null ? JobSchedule.OnCron(cron) : manual ? JobSchedule.Manual : null;
    }

    /// <summary>Parses -Status values (validated by ValidateSet) into the engine's states.</summary>
    public static JobRunStatus[] Statuses(IEnumerable<string> names) =>
        names.Select(n => Enum.Parse<JobRunStatus>(n, ignoreCase: true)).ToArray();

    /// <summary>The progress bar of a wait.</summary>
    public static (int Percent, string Status) Describe(JobWaitProgress progress)
    {
        var percent = progress.Expected == 0 ? 0 : 100 * progress.Finished / progress.Expected;
        var current = progress.Current is JobRun run
            ? $"'{run.JobName}' (run {run.RunId}) {(run.Status == JobRunStatus.Queued ? "queued" : $"running for {run.Duration?.TotalSeconds ?? 0:0} s")}"
            : "done";
        return (percent, $"{progress.Finished} of {progress.Expected} runs ended; {current}");
    }

    /// <summary>
    /// An error for a run that failed or timed out, so that <c>-ErrorAction Stop</c> and <c>$?</c> see a broken
    /// chain; a stopped run is not an error (someone asked for it).
    /// </summary>
    public static ErrorRecord? Failure(JobRun run)
    {
        if (run.Status is not (JobRunStatus.Failed or JobRunStatus.TimedOut))
        {
            return null;
        }

        var timedOut = run.Status == JobRunStatus.TimedOut;
        var message = $"Run {run.RunId} of job '{run.JobName}' {(timedOut ? "timed out" : "failed")}: {run.Error} Log: {run.LogPath}";
        return new ErrorRecord(
            new InvalidOperationException(message),
            timedOut ? "JobRunTimedOut" : "JobRunFailed",
            timedOut ? ErrorCategory.OperationTimeout : ErrorCategory.InvalidResult,
            run);
    }
}
