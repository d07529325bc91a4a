using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// Starts the job runner and the scheduler as background processes that outlive whoever started them:
/// <c>dotnet MlopsPS.JobRunner.dll ...</c> in a session of its own (<c>setsid</c>: no terminal hangup reaches it,
/// and it is in no shell's job table), with stdin from /dev/null and stdout and stderr appended to a log file.
/// Nothing ties it to the parent: with a pipe to a parent that exits, its next write would raise SIGPIPE.
/// </summary>
internal static class DetachedProcess
{
    private static readonly string MuxerFileName = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

    /// <summary>Starts <c>dotnet &lt;runner&gt; arguments...</c> detached; returns the process (the runner itself).</summary>
    public static Process StartRunner(JobRuntime runtime, IReadOnlyList<string> arguments, string logPath, string workingDirectory)
    {
        runtime.Validate();
        var dotnet = FindDotnet();
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo(dotnet) { CreateNoWindow = true };
            start.ArgumentList.Add(runtime.RunnerAssemblyPath);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add("--log");
            start.ArgumentList.Add(logPath);
        }
        else
        {
            // $1 is the log, the rest the command: no path is ever quoted into the script.
            var setsid = FindSetsid();
            var script = setsid is null
                ? "log=$1; shift; trap '' HUP; exec \"$@\" </dev/null >>\"$log\" 2>&1"
                : $"log=$1; shift; exec '{setsid}' \"$@\" </dev/null >>\"$log\" 2>&1";
            start = new ProcessStartInfo("/bin/sh");
            foreach (var argument in new[] { "-c", script, "mlopsps-runner", logPath, dotnet, runtime.RunnerAssemblyPath })
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.UseShellExecute = false;
        start.WorkingDirectory = workingDirectory;
        try
        {
            return Process.Start(start) ?? throw new JobRunnerException($"Starting '{dotnet}' returned no process.");
        }
        catch (Win32Exception e)
        {
            throw new JobRunnerException($"Cannot start the job runner with '{dotnet}': {e.Message}", e);
        }
    }

    /// <summary>The last lines of a log, for an error message.</summary>
    public static string Tail(string logPath, int lines = 10)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(" | ", all.TakeLast(lines).Select(l => l.TrimEnd('\r')));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// The dotnet muxer: this process when it is dotnet (pwsh installed as a dotnet tool, the runner, <c>dotnet
    /// test</c>), the root of the runtime in use, DOTNET_ROOT, PATH, then the usual install folders.
    /// </summary>
    public static string FindDotnet()
    {
        var tried = new List<string>();
        foreach (var candidate in DotnetCandidates().Where(c => !string.IsNullOrEmpty(c)))
        {
            tried.Add(candidate);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new JobRunnerException(
            $"Cannot find the dotnet executable to run the job runner (tried: {string.Join(", ", tried.Distinct())}). Install the .NET runtime or set DOTNET_ROOT.");
    }

    private static IEnumerable<string> DotnetCandidates()
    {
        var self = Environment.ProcessPath;
        if (self is not null && string.Equals(Path.GetFileName(self), MuxerFileName, StringComparison.OrdinalIgnoreCase))
        {
            yield return self;
        }

        // The runtime in use lives in <root>/shared/Microsoft.NETCore.App/<version>/.
        yield return Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", MuxerFileName));
        var architecture = RuntimeInformation.ProcessArchitecture.ToString().ToUpperInvariant();
        foreach (var variable in new[] { "DOTNET_ROOT_" + architecture, "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root)
            {
                yield return Path.Combine(root, MuxerFileName);
            }
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return Path.Combine(folder, MuxerFileName);
        }

        if (!OperatingSystem.IsWindows())
        {
            yield return "/usr/share/dotnet/dotnet";
            yield return "/usr/lib/dotnet/dotnet";
            yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "dotnet");
        }
    }

    private static string? FindSetsid() =>
        new[] { "/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid" }.FirstOrDefault(File.Exists);
}
