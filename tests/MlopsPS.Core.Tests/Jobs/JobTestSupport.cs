using System.Diagnostics;
using MlopsPS.Core.Common;
using MlopsPS.Core.Jobs;

namespace MlopsPS.Core.Tests.Jobs;

/// <summary>Runs a job's text with /bin/sh instead of pwsh, so engine tests of the runner take milliseconds.</summary>
internal sealed class ShellCommands : IJobCommandFactory
{
    public JobCommand Create(JobRun run, JobDefinition job, string logPath) => new("/bin/sh", ["-c", job.Script.Text]);
}

internal static class JobTestSupport
{
    public static JobSpec Shell(string name, string script, JobSchedule? schedule = null, TimeSpan? timeout = null) => new()
    {
        Name = name,
        Script = JobScript.Inline(script),
        Schedule = schedule ?? JobSchedule.Manual,
        Timeout = timeout,
    };

    /// <summary>A runner on this host whose process has ended: this pid, started at another time (a reused pid).</summary>
    public static RunnerLease DeadProcess()
    {
        var lease = RunnerLease.ForThisProcess();
        return lease with { Process = lease.Process with { StartedUnixMs = 1 } };
    }

    /// <summary>Starts a long sleep as a stand-in job process.</summary>
    public static Process Sleeper()
    {
        var start = new ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false };
        return Process.Start(start)!;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && ProcessIdentity.Of(pid) is { } identity && !identity.HasEnded();
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
