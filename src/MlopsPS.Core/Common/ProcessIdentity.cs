using System.Diagnostics;

namespace MlopsPS.Core.Common;

/// <summary>
/// Names a process well enough to tell later whether it is still alive: host, pid, and start time (pids are
/// reused, start times are not). Used for runs, job runners and scoring hosts recorded in the store.
/// </summary>
public sealed record ProcessIdentity(string Host, int ProcessId, long StartedUnixMs)
{
    private static readonly Lazy<ProcessIdentity> s_current = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return new ProcessIdentity(Environment.MachineName, self.Id, StartTimeOf(self));
    });

    /// <summary>This process.</summary>
    public static ProcessIdentity Current => s_current.Value;

    /// <summary>Identifies another process of this host by pid, or null when it does not run.</summary>
    public static ProcessIdentity? Of(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return new ProcessIdentity(Environment.MachineName, processId, StartTimeOf(process));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether this process is known to have ended. A process on another host cannot be checked from here, so it
    /// is never declared dead.
    /// </summary>
    public bool HasEnded()
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var now = Of(ProcessId);
        if (now is null)
        {
            return true;
        }

        // Zombies (ended, not yet reaped by their parent) count as ended.
        if (IsZombie(ProcessId))
        {
            return true;
        }

        // The same pid started at another time is another process.
        return Math.Abs(now.StartedUnixMs - StartedUnixMs) > 2_000;
    }

    private static bool IsZombie(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.Length && stat[afterName + 2] == 'Z';
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long StartTimeOf(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return 0;
        }
    }
}
