using System.ComponentModel;
using System.Diagnostics;

namespace MlopsPS.Core.Common;

/// <summary>Ends a recorded process and every process it started, after checking it is still the same process.</summary>
internal static class ProcessTree
{
    /// <summary>
    /// Kills the process named by <paramref name="identity"/> and its descendants. Returns false when it had already
    /// ended (or its pid now belongs to another process, which is left alone).
    /// </summary>
    public static bool Kill(ProcessIdentity identity)
    {
        // A process of another host cannot be killed from here (its pid here is some other process).
        if (!string.Equals(identity.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase) || identity.HasEnded())
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(identity.ProcessId);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException or AggregateException)
        {
            return false;
        }
    }

    /// <summary>Kills a process this one started, with its descendants; never throws.</summary>
    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException or AggregateException)
        {
            // Already gone.
        }
    }
}
