using System.Diagnostics;

namespace MlopsPS.Core.Tests.TestSupport;

/// <summary>Runs another program to its end, as the interop tests do with Python and node.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="program"/> and returns its standard output. A non-zero exit code throws
    /// <see cref="InvalidOperationException"/> with the program's standard error; so does running past the timeout
    /// (two minutes unless told), after the process tree has been killed.
    /// </summary>
    public static string Run(string program, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish within {limit}.");
        }

        process.WaitForExit(); // the output streams are complete only now
        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)}: exit code {process.ExitCode}: {stderr.Result}");
    }
}
