using System.Globalization;
using MlopsPS.Core.Common;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// Who executes a run, and for how long the catalog trusts it without news: a runner renews the lease of every run it
/// owns (<c>lease_expires_at</c>) every third of <see cref="Duration"/>; any process that finds a queued or running
/// run whose lease has expired fails it, naming the runner. This works across machines, where a pid means nothing.
/// </summary>
/// <param name="RunnerId">Unique per runner process: host, pid and a random suffix.</param>
/// <param name="Process">The runner process (its host is the one it reports, see <see cref="HostVariable"/>).</param>
/// <param name="Duration">How long a renewal holds.</param>
public sealed record RunnerLease(string RunnerId, ProcessIdentity Process, TimeSpan Duration)
{
    /// <summary>The lease of a runner that sets none: 30 s, renewed every 10 s.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(30);

    /// <summary>Environment variable: the lease duration in seconds (tests make it short).</summary>
    public const string DurationVariable = "MLOPSPS_JOB_LEASE_SECONDS";

    /// <summary>
    /// Environment variable: the host name a runner records instead of the machine's (a container or a VM whose name
    /// is not unique; tests use it to stand for another machine, whose pids cannot be checked from here).
    /// </summary>
    public const string HostVariable = "MLOPSPS_RUNNER_HOST";

    /// <summary>This process as a runner, with <paramref name="duration"/> or the one <see cref="DurationVariable"/> gives.</summary>
    public static RunnerLease ForThisProcess(TimeSpan? duration = null)
    {
        var self = ProcessIdentity.Current;
        if (Environment.GetEnvironmentVariable(HostVariable) is { Length: > 0 } host)
        {
            self = self with { Host = host };
        }

        return new RunnerLease(
            $"{self.Host}-{self.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..8]}",
            self,
            duration ?? DurationFromEnvironment() ?? DefaultDuration);
    }

    /// <summary>The duration <see cref="DurationVariable"/> sets, or null.</summary>
    public static TimeSpan? DurationFromEnvironment() =>
        double.TryParse(Environment.GetEnvironmentVariable(DurationVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>How often the runner renews: a third of the lease, so two renewals may be late before it expires.</summary>
    public TimeSpan RenewInterval => TimeSpan.FromMilliseconds(Math.Max(50, Duration.TotalMilliseconds / 3));
}
