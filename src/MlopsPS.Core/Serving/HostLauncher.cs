using System.Diagnostics;
using System.Runtime.InteropServices;
using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.Core.Serving;

/// <summary>
/// Starts a scoring host as a background process that outlives whoever started it: <c>dotnet
/// MlopsPS.ScoringHost.dll --store ... --endpoint ...</c>, in its own session (<c>setsid</c>, so no terminal hangup
/// reaches it), with stdin from /dev/null and stdout and stderr appended to its log file under the store's
/// <c>logs/</c>. Nothing ties it to the parent: a pipe to a parent that exits would break its next write.
/// </summary>
internal static class HostLauncher
{
    /// <summary>The host's entry assembly inside the host folder.</summary>
    public const string HostAssemblyFileName = "MlopsPS.ScoringHost.dll";

    /// <summary>The environment variable that names the host folder when none is given.</summary>
    public const string HostDirectoryVariable = "MLOPSPS_HOST_DIRECTORY";

    private static readonly string MuxerFileName = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

    /// <summary>Launches the host; returns the process (the host itself, or the shell that execs it).</summary>
    public static Process Launch(string hostDirectory, string storeRoot, string endpointName, string controlToken, string logPath)
    {
        var hostAssembly = Path.Combine(hostDirectory, HostAssemblyFileName);
        if (!File.Exists(hostAssembly))
        {
            throw new EndpointHostException(
                $"The scoring host is not at '{hostAssembly}'. Build the module (dotnet pwsh ./build.ps1 build), or set {HostDirectoryVariable} to the folder of {HostAssemblyFileName}.");
        }

        var dotnet = FindDotnet();
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var hostArguments = new[] { hostAssembly, "--store", storeRoot, "--endpoint", endpointName };
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo(dotnet) { CreateNoWindow = true };
            foreach (var argument in hostArguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add("--log");
            start.ArgumentList.Add(logPath);
        }
        else
        {
            // $0 is dotnet, "$@" the host's arguments: no quoting of paths into the script.
            var setsid = FindSetsid();
            var script = setsid is null
                ? "trap '' HUP; exec \"$0\" \"$@\" </dev/null >>\"$MLOPSPS_HOST_LOG\" 2>&1"
                : $"exec '{setsid}' \"$0\" \"$@\" </dev/null >>\"$MLOPSPS_HOST_LOG\" 2>&1";
            start = new ProcessStartInfo("/bin/sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(dotnet);
            foreach (var argument in hostArguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["MLOPSPS_HOST_LOG"] = logPath;
        }

        start.UseShellExecute = false;
        start.WorkingDirectory = storeRoot;
        start.Environment[HostControl.TokenVariable] = controlToken;
        // A single-row prediction runs on one thread; larger batches use libxgboost's OpenMP team, whose idle
        // threads would otherwise spin and take CPU from the request threads.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY")))
        {
            start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        }

        try
        {
            return Process.Start(start) ?? throw new EndpointHostException($"Starting '{dotnet}' returned no process.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EndpointHostException($"Cannot start the scoring host with '{dotnet}': {e.Message}", e);
        }
    }

    /// <summary>
    /// The dotnet muxer: this process when it is dotnet (pwsh installed as a dotnet tool, <c>dotnet test</c>), the
    /// root of the runtime this process runs on, DOTNET_ROOT, PATH, then the usual install folders.
    /// </summary>
    public static string FindDotnet()
    {
        var tried = new List<string>();
        foreach (var candidate in DotnetCandidates())
        {
            if (string.IsNullOrEmpty(candidate))
            {
                continue;
            }

            tried.Add(candidate);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new EndpointHostException(
            $"Cannot find the dotnet executable to run the scoring host (tried: {string.Join(", ", tried.Distinct())}). Install the .NET runtime or set DOTNET_ROOT.");
    }

    private static IEnumerable<string> DotnetCandidates()
    {
        var self = Environment.ProcessPath;
        if (self is not null && string.Equals(Path.GetFileName(self), MuxerFileName, StringComparison.OrdinalIgnoreCase))
        {
            yield return self;
        }

        // The runtime in use lives in <root>/shared/Microsoft.NETCore.App/<version>/.
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        yield return Path.Combine(root, MuxerFileName);

        var architecture = RuntimeInformation.ProcessArchitecture.ToString().ToUpperInvariant();
        foreach (var variable in new[] { "DOTNET_ROOT_" + architecture, "DOTNET_ROOT" })
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value))
            {
                yield return Path.Combine(value, MuxerFileName);
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

    private static string? FindSetsid()
    {
        foreach (var candidate in new[] { "/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
