using System.Globalization;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The CPU time a database server's backend process on this machine has used, read from Linux's
/// <c>/proc/PID/schedstat</c> (nanoseconds on a core). The prediction writer adds what the backend spent on each of its
/// writes to its own CPU time: with the server on loopback that work takes the processors serving runs on.
/// </summary>
internal sealed class BackendCpuClock
{
    private readonly string _schedstat;

    private BackendCpuClock(int processId) => _schedstat = $"/proc/{processId}/schedstat";

    /// <summary>
    /// A clock for PostgreSQL backend <paramref name="processId"/> when it runs on this machine and its counters can be
    /// read: the connection's host is loopback or a Unix socket, and that process is a <c>postgres</c> one here (a
    /// server in a container or on another machine has ids this machine's /proc does not mean). Null otherwise.
    /// </summary>
    public static BackendCpuClock? ForPostgreSqlBackend(string? host, int processId)
    {
        if (!IsLoopback(host) || processId <= 0)
        {
            return null;
        }

        try
        {
            if (File.ReadAllText($"/proc/{processId}/comm").Trim() != "postgres")
            {
                return null;
            }

            var clock = new BackendCpuClock(processId);
            return clock.Now() is null ? null : clock;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The backend's CPU time so far; null once it cannot be read (the process has ended).</summary>
    public TimeSpan? Now()
    {
        try
        {
            var text = File.ReadAllText(_schedstat);
            var end = text.IndexOf(' ');
            return end > 0 && long.TryParse(text.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
                ? TimeSpan.FromTicks(nanoseconds / 100)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsLoopback(string? host) =>
        string.IsNullOrEmpty(host)
        || host.StartsWith('/')
        || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
}
