using System.Diagnostics;
using System.Reflection;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>Starts tests/MlopsPS.TestAppender as a separate process (<c>dotnet MlopsPS.TestAppender.dll ...</c>).</summary>
internal static class TestAppenderProcess
{
    public static Process Start(params string[] arguments)
    {
        var dll = typeof(TestAppenderProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TestAppenderPath").Value!;
        Assert.True(File.Exists(dll), $"The test appender is not built at {dll}.");

        // The SDK tells child processes which dotnet host runs them.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>Waits for the process to end and returns its output; fails the test if it fails or hangs.</summary>
    public static string WaitForSuccess(Process process, TimeSpan timeout)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The test appender did not finish within {timeout}.");
        }

        Assert.True(process.ExitCode == 0, $"The test appender failed ({process.ExitCode}): {error.Result}");
        return output.Result;
    }
}
