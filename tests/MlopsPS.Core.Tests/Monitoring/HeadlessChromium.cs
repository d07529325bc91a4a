using System.Diagnostics;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// Runs Debian's <c>chromium</c> headless on a local file: the DOM after the page's scripts ran, or a PNG screenshot.
/// Every run gets a new profile folder and the switches that keep Chromium off the network (no QUIC, no background
/// networking, no component updates, no sync), so a report that tried to load anything would show it.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    /// <summary>The browser: $env:MLOPSPS_CHROMIUM, else <c>chromium</c> or <c>chromium-browser</c> on the PATH.</summary>
    public static string Executable
    {
        get
        {
            if (Environment.GetEnvironmentVariable("MLOPSPS_CHROMIUM") is { Length: > 0 } configured)
            {
                return configured;
            }

            var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            return new[] { "chromium", "chromium-browser" }
                .SelectMany(name => path.Select(folder => Path.Combine(folder, name)))
                .FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException(
                    "Headless Chromium is needed to render the report: apt-get install chromium (build.ps1 installs it), or set MLOPSPS_CHROMIUM.");
        }
    }

    /// <summary>The serialized DOM of <paramref name="htmlFile"/> once loaded.</summary>
    public static string DumpDom(string htmlFile) => Run(htmlFile, "--dump-dom").Output;

    /// <summary>Writes a <paramref name="width"/> x <paramref name="height"/> screenshot of <paramref name="htmlFile"/> to <paramref name="pngFile"/>.</summary>
    public static void Screenshot(string htmlFile, string pngFile, int width = 1280, int height = 3200)
    {
        var result = Run(htmlFile, $"--screenshot={pngFile}", $"--window-size={width},{height}", "--hide-scrollbars");
        if (!File.Exists(pngFile))
        {
            throw new InvalidOperationException($"Chromium wrote no screenshot (exit code {result.ExitCode}): {result.Error}");
        }
    }

    private static (string Output, string Error, int ExitCode) Run(string htmlFile, params string[] arguments)
    {
        var profile = Path.Combine(Path.GetTempPath(), "mlopsps-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--virtual-time-budget=5000", $"--user-data-dir={profile}",
            }.Concat(arguments).Append(new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(s_timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish within {s_timeout.TotalSeconds} s.");
            }

            return (output.Result, error.Result, process.ExitCode);
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium's helpers may hold a file for a moment; the temp folder is cleaned later.
            }
        }
    }
}
