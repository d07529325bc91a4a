using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MlopsPS.Core.Common;

/// <summary>
/// Starts a .NET program of ours (a scoring host, a job runner, the scheduler) as a background process that
/// outlives whoever started it: <c>dotnet program.dll ...</c> in a session of its own (<c>setsid</c>: no terminal
/// hangup reaches it, and it is in no shell's job table), with stdin from /dev/null and stdout and stderr appended
/// to a log file. Nothing ties it to the parent: with a pipe to a parent that exits, its next write would raise
/// SIGPIPE. On Windows the program is told its log with <c>--log</c> instead.
/// </summary>
public static class DetachedDotnet
{
    private static readonly string MuxerFileName = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

    /// <summary>
    /// Starts <c>dotnet assembly arguments...</c> detached, with extra environment variables; returns the
    /// process (the program itself, or the shell that execs it). <paramref name="what"/> names it in errors.
    /// </summary>
    public static Process Start(
        string what,
        string assemblyPath,
        IReadOnlyList<string> arguments,
        string logPath,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var dotnet = FindMuxer(what);
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo(dotnet) { CreateNoWindow = true };
            foreach (var argument in arguments.Prepend(assemblyPath).Append("--log").Append(logPath))
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            // $1 is the log, the rest the command: no path is ever quoted into the script.
            var setsid = new[] { "/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid" }.FirstOrDefault(File.Exists);
            var script = setsid is null
                ? "log=$1; shift; trap '' HUP; exec \"$@\" </dev/null >>\"$log\" 2>&1"
                : $"log=$1; shift; exec '{setsid}' \"$@\" </dev/null >>\"$log\" 2>&1";
            start = new ProcessStartInfo("/bin/sh");
            foreach (var argument in new[] { "-c", script, "mlopsps-detached", logPath, dotnet, assemblyPath }.Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.UseShellExecute = false;
        start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        try
        {
            return Process.Start(start) ?? throw new MlopsException($"Starting the {what} with '{dotnet}' returned no process.", MlopsErrorKind.ResourceUnavailable);
        }
        catch (Win32Exception e)
        {
            throw new MlopsException($"Cannot start the {what} with '{dotnet}': {e.Message}", MlopsErrorKind.ResourceUnavailable, e, "ProcessStartFailed");
        }
    }

    /// <summary>The last lines of a log, joined on one line for an error message.</summary>
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
    /// The dotnet muxer: this process when it is dotnet (pwsh installed as a dotnet tool, a runner, <c>dotnet
    /// test</c>), the root of the runtime in use, DOTNET_ROOT, PATH, then the usual install folders.
    /// </summary>
    public static string FindMuxer(string what)
    {
        var tried = new List<string>();
        foreach (var candidate in MuxerCandidates().Where(c => !string.IsNullOrEmpty(c)))
        {
            tried.Add(candidate);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new MlopsException(
            $"Cannot find the dotnet executable to run the {what} (tried: {string.Join(", ", tried.Distinct())}). Install the .NET runtime or set DOTNET_ROOT.",
            MlopsErrorKind.ResourceUnavailable,
            errorId: "DotnetNotFound");
    }

    private static IEnumerable<string> MuxerCandidates()
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

        if (OperatingSystem.IsWindows())
        {
            yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "dotnet", MuxerFileName);
        }
        else
        {
            yield return "/usr/share/dotnet/dotnet";
            yield return "/usr/lib/dotnet/dotnet";
            yield return "/usr/local/share/dotnet/dotnet";
            yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "dotnet");
        }
    }
}
