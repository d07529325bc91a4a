using System.Globalization;
using System.Reflection;

namespace MlopsPS.ScoringHost;

/// <summary>Who this host is, and its log lines.</summary>
internal static class HostInfo
{
    public static readonly string ServerName = "MlopsPS.ScoringHost " +
        (typeof(HostInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    /// <summary>Writes one line to the log (stdout, which the launcher points at the endpoint's log file).</summary>
    public static void Log(string message) =>
        Console.Out.WriteLine($"{DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} host[{Environment.ProcessId}]: {message}");
}
