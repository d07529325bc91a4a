using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using MlopsPS.Core.Common;
using MlopsPS.Core.Models;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Serving;

/// <summary>
/// Model endpoints of a store: publish a model version (validate = the build step, then deploy), stop, start again,
/// report live health, and the deployment history. Each endpoint has one scoring host process
/// (<c>MlopsPS.ScoringHost</c>), started on first publish as a detached background process that outlives the caller;
/// a later publish tells the running host to load the new version and swap it in while it keeps serving.
/// </summary>
/// <remarks>
/// <para>Publish returns only when the host's <c>/version</c> reports the new version. A version that fails
/// validation (here, or in the host as it loads) is never swapped in: the old one keeps serving and the deployment is
/// recorded as Failed with the reason.</para>
/// <para>The manager talks to a host through two loopback control routes (<see cref="HostControl"/>) guarded by a
/// random per-launch token kept in the catalog. Changes to one endpoint are serialised across processes by a lock
/// file.</para>
/// </remarks>
public sealed class EndpointManager
{
    /// <summary>The default request body limit: 64 MiB (about a million rows of a few columns).</summary>
    public const long DefaultMaxBodyBytes = 64L * 1024 * 1024;

    /// <summary>The default bind address.</summary>
    public const string DefaultBindAddress = "127.0.0.1";

    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_healthTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(15);

    private readonly EndpointCatalog _catalog;
    private readonly ModelRegistry _registry;
    private readonly string? _hostDirectory;

    /// <summary>Manages the endpoints of <paramref name="store"/>.</summary>
    /// <param name="hostDirectory">The folder of <c>MlopsPS.ScoringHost.dll</c> (the module's <c>bin/engine/</c>); needed to
    /// start hosts. Defaults to $env:MLOPSPS_HOST_DIRECTORY, then the module layout next to this assembly.</param>
    /// <param name="machineName">This machine's name in the catalog; defaults to $env:MLOPSPS_MACHINE_NAME, then the host name.</param>
    public EndpointManager(MlopsStore store, string? hostDirectory = null, string? machineName = null)
    {
        MachineName = string.IsNullOrEmpty(machineName) ? DefaultMachineName : machineName;
        ArgumentNullException.ThrowIfNull(store);
        _catalog = new EndpointCatalog(store);
        _registry = new ModelRegistry(store);
        _hostDirectory = string.IsNullOrEmpty(hostDirectory) ? null : Path.GetFullPath(hostDirectory);
    }

    /// <summary>The store.</summary>
    public MlopsStore Store => _catalog.Store;

    /// <summary>
    /// Publishes <paramref name="version"/> to the endpoint <paramref name="endpointName"/>, creating the endpoint on
    /// first use: validates the model (the build), starts the host if it is not running or tells the running host to
    /// swap, and waits until <c>/version</c> reports the new version.
    /// </summary>
    /// <exception cref="InvalidModelException">The model failed validation; nothing changed but a Failed deployment record.</exception>
    /// <exception cref="DeploymentRejectedException">The host refused the version; the previous one keeps serving.</exception>
    /// <exception cref="EndpointHostException">The host could not be started or did not answer.</exception>
    public Deployment Publish(string endpointName, ModelVersion version, PublishOptions? options = null, IProgress<PublishProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        EndpointNames.Validate(endpointName);
        options ??= new PublishOptions();
        var timeout = options.Timeout ?? s_defaultTimeout;
        var deadline = DateTime.UtcNow + timeout;
        if (version.Status != ModelVersionStatus.Ready)
        {
            throw new EndpointStateException($"{version.Uri} is {version.Status}; only a READY version can be deployed.");
        }

        using var gate = EndpointLock.Acquire(Store, endpointName, timeout);
        var endpoint = ApplySettings(endpointName, options);

        var buildId = NewId();
        var deploymentId = NewId();
        _catalog.InsertDeployment(deploymentId, buildId, endpointName, version.ModelName, version.Version, version.RunId, DeploymentStatus.Building, null);
        Report(progress, endpointName, PublishStage.Building, 5, $"Building {version.Uri}: loading and validating the model");
        try
        {
            using var build = ServableModel.Load(version.Source, version.ModelName, version.Version, predictThreads: 1);
        }
        catch (Exception e) when (e is MlopsException or IOException or UnauthorizedAccessException)
        {
            _catalog.FailDeployment(deploymentId, "Build failed: " + e.Message);
            throw;
        }

        return Deploy(endpoint, deploymentId, version, deadline, progress);
    }

    /// <summary>
    /// Starts a stopped endpoint again (after <see cref="Stop"/>, a crash or a reboot) with the version it served
    /// last, read from the registry. A running, answering endpoint is left as it is.
    /// </summary>
    public ModelEndpoint Start(string endpointName, TimeSpan? timeout = null, IProgress<PublishProgress>? progress = null)
    {
        var wait = timeout ?? s_defaultTimeout;
        var deadline = DateTime.UtcNow + wait;
        using var gate = EndpointLock.Acquire(Store, endpointName, wait);
        var endpoint = _catalog.Get(endpointName);
        var live = LiveHosts(endpointName);
        if (live.Any(h => IsLocal(h) && HostClient.CheckHealth(h.Url!, s_healthTimeout) == EndpointHealth.Healthy))
        {
            return Describe(endpoint, checkHealth: true);
        }

        var current = endpoint.CurrentDeploymentId is { } id ? _catalog.FindDeployment(id) : null;
        if (current is null)
        {
            throw new EndpointStateException($"Endpoint '{endpointName}' has never served a model; use Publish-ModelEndpoint to deploy one.");
        }

        if (live.Count > 0 && _catalog.GetTarget(endpointName) is { } target && _catalog.FindDeployment(target) is { } targetDeployment)
        {
            // The endpoint runs on other machines: this one joins it with a host of its own, serving the target version.
            var served = _registry.GetVersion(targetDeployment.ModelName, targetDeployment.Version);
            var host = LaunchHost(endpoint, deadline, progress);
            var command = new DeployCommand(target, served.ModelName, served.Version, served.Source, endpoint.ApiKeyHash, endpoint.MaxBodyBytes, endpoint.TrackingEnabled);
            HostClient.Deploy(host.Url!, host.ControlToken, command, Remaining(deadline));
            WaitForHosts(endpointName, [host], target, served, deadline);
            return GetEndpoint(endpointName);
        }

        var version = _registry.GetVersion(current.ModelName, current.Version);
        _catalog.EndLiveDeployment(endpointName, "Its host process had ended.");
        var deploymentId = NewId();
        _catalog.InsertDeployment(deploymentId, current.BuildId, endpointName, version.ModelName, version.Version, version.RunId, DeploymentStatus.Deploying, "Started again.");
        Deploy(endpoint, deploymentId, version, deadline, progress);
        return GetEndpoint(endpointName);
    }

    /// <summary>
    /// Stops the endpoint's host: it finishes the requests in flight and exits (killed if it does not within 15
    /// seconds). The endpoint keeps its settings and its current version for <see cref="Start"/>.
    /// </summary>
    public ModelEndpoint Stop(string endpointName)
    {
        using var gate = EndpointLock.Acquire(Store, endpointName, s_defaultTimeout);
        _catalog.Get(endpointName);
        var hosts = _catalog.ListHosts(endpointName).Where(h => h.Status is "Starting" or "Running" or "Stopping").ToList();
        // Every host is asked through the catalog (hosts on other machines see it at their next poll or notification);
        // the hosts of this machine are also asked through their control route, and killed if they do not end in time.
        _catalog.RequestHostStops(endpointName, null);
        foreach (var host in hosts.Where(h => IsLocal(h) && h.Url is not null && h.Status == "Running"))
        {
            HostClient.RequestShutdown(host.Url!, host.ControlToken, TimeSpan.FromSeconds(5));
        }

        var deadline = DateTime.UtcNow + s_stopTimeout;
        while (DateTime.UtcNow < deadline && hosts.Any(h => !HasEnded(h)))
        {
            Thread.Sleep(25);
        }

        foreach (var host in hosts)
        {
            if (IsLocal(host) && Identity(host) is { } process && !process.HasEnded())
            {
                ProcessTree.Kill(process);
            }

            if (_catalog.FindHost(host.HostId) is { Status: "Starting" or "Running" or "Stopping" } row)
            {
                _catalog.MarkHostRowDown(host.HostId, "Stopped", row.IsLive(UnixTime.NowMs()) ? "It did not stop in time." : null);
            }
        }

        _catalog.EndLiveDeployment(endpointName, "The endpoint was stopped.");
        _catalog.MarkHostDown(endpointName, EndpointStatus.Stopped, null);
        return Describe(_catalog.Get(endpointName), checkHealth: true);
    }

    private bool HasEnded(HostRow host)
    {
        var row = _catalog.FindHost(host.HostId);
        if (row is null || row.Status is "Stopped" or "Failed")
        {
            return true;
        }

        return IsLocal(row) ? Identity(row) is not { } process || process.HasEnded() : !row.IsLive(UnixTime.NowMs());
    }

    /// <summary>
    /// Switches whether the endpoint's host records each prediction (the prediction log of issue 6). The setting is
    /// stored, and a running host applies it at once through its control route, without a restart: requests
    /// answered after this returns follow the new setting. A host that does not answer gets it at its next start.
    /// </summary>
    public ModelEndpoint SetTracking(string endpointName, bool enabled)
    {
        using var gate = EndpointLock.Acquire(Store, endpointName, s_defaultTimeout);
        if (!_catalog.SetTracking(endpointName, enabled))
        {
            throw new EndpointNotFoundException(endpointName);
        }

        var endpoint = _catalog.Get(endpointName);
        _catalog.Notify(endpointName);
        foreach (var host in LiveHosts(endpointName).Where(h => IsLocal(h) && h.Url is not null))
        {
            HostClient.ApplySettings(host.Url!, host.ControlToken, new SettingsCommand(enabled), s_healthTimeout);
        }

        return Describe(endpoint, checkHealth: false);
    }

    /// <summary>
    /// The base address to score at for a running endpoint; <see cref="EndpointStateException"/> when it is not
    /// running (the store says so; the host itself is not asked).
    /// </summary>
    public Uri GetScoringUri(string name)
    {
        var endpoint = GetEndpoint(name, checkHealth: false);
        if (endpoint.Status != EndpointStatus.Running || endpoint.Url is null)
        {
            throw new EndpointStateException($"Endpoint '{name}' is {endpoint.Status}; start it with Start-ModelEndpoint.");
        }

        return new Uri(endpoint.Url);
    }

    /// <summary>One endpoint, with its live health (process alive, <c>/health</c>) unless <paramref name="checkHealth"/> is false.</summary>
    public ModelEndpoint GetEndpoint(string endpointName, bool checkHealth = true) =>
        Describe(_catalog.Get(endpointName), checkHealth);

    /// <summary>The endpoints whose names match a <c>*</c>/<c>?</c> wildcard, by name, health checked in parallel.</summary>
    public IReadOnlyList<ModelEndpoint> ListEndpoints(string? namePattern = null, bool checkHealth = true)
    {
        var rows = _catalog.List(namePattern ?? "*");
        var result = new ModelEndpoint[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => result[i] = Describe(rows[i], checkHealth));
        return result;
    }

    /// <summary>The names of all endpoints (one cheap query, for tab completion).</summary>
    public IReadOnlyList<string> ListEndpointNames() => _catalog.ListNames();

    /// <summary>Deployments of the endpoints matching a wildcard, newest first; <paramref name="latestOnly"/> gives each endpoint's newest.</summary>
    public IReadOnlyList<Deployment> GetDeployments(string? endpointPattern = null, bool latestOnly = false) =>
        _catalog.ListDeployments(endpointPattern ?? "*", latestOnly);

    /// <summary>One deployment by id.</summary>
    public Deployment GetDeployment(string deploymentId) =>
        _catalog.FindDeployment(deploymentId) ?? throw new DeploymentNotFoundException(deploymentId);

    /// <summary>The host log of an endpoint (its stdout and stderr, appended across launches).</summary>
    public string GetLogPath(string endpointName)
    {
        EndpointNames.Validate(endpointName);
        return Path.Combine(Store.LogsDirectory, $"endpoint-{endpointName}.log");
    }

    /// <summary>The host log's lines, or its last <paramref name="tail"/> lines.</summary>
    public IReadOnlyList<string> ReadLog(string endpointName, int? tail = null)
    {
        _catalog.Get(endpointName);
        var path = GetLogPath(endpointName);
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new Queue<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Enqueue(line);
            if (tail is { } keep && lines.Count > keep)
            {
                lines.Dequeue();
            }
        }

        return lines.ToArray();
    }

    private EndpointRow ApplySettings(string endpointName, PublishOptions options)
    {
        var existing = _catalog.Find(endpointName);
        var bind = options.BindAddress ?? existing?.BindAddress ?? DefaultBindAddress;
        EndpointNames.ParseBindAddress(bind);
        var port = options.Port ?? existing?.RequestedPort ?? 0;
        if (port is < 0 or > 65535)
        {
            throw new InvalidEndpointSettingException($"Port {port} is out of range: use 1 to 65535, or 0 for a free port.");
        }

        var keyHash = options.RemoveApiKey ? null : options.ApiKey is { } key ? ApiKeys.Hash(key) : existing?.ApiKeyHash;
        if (keyHash is null && !EndpointNames.IsLoopback(bind))
        {
            throw new InvalidEndpointSettingException(
                $"Endpoint '{endpointName}' would listen on {bind}, which other machines can reach, without an API key. Give -ApiKey, or bind to 127.0.0.1.");
        }

        var maxBody = options.MaxBodyBytes ?? existing?.MaxBodyBytes ?? DefaultMaxBodyBytes;
        if (maxBody < 1024)
        {
            throw new InvalidEndpointSettingException($"A body limit of {maxBody} bytes is too small; use at least 1024.");
        }

        var tracking = options.TrackingEnabled ?? existing?.TrackingEnabled ?? true;
        if (existing is null)
        {
            _catalog.Create(endpointName, bind, port, keyHash, maxBody, tracking);
            return _catalog.Get(endpointName);
        }

        var rebind = !string.Equals(existing.BindAddress, bind, StringComparison.OrdinalIgnoreCase) || existing.RequestedPort != port;
        if (rebind && LiveHosts(endpointName).Count > 0)
        {
            throw new EndpointStateException(
                $"Endpoint '{endpointName}' is running on {existing.BindAddress}:{existing.Port}; stop it (Stop-ModelEndpoint) before publishing with another address or port.");
        }

        _catalog.UpdateSettings(endpointName, bind, port, keyHash, maxBody, tracking);
        return _catalog.Get(endpointName);
    }

    private Deployment Deploy(EndpointRow endpoint, string deploymentId, ModelVersion version, DateTime deadline, IProgress<PublishProgress>? progress)
    {
        var name = endpoint.Name;
        var previousTarget = _catalog.GetTarget(name);
        _catalog.SetDeploymentStatus(deploymentId, DeploymentStatus.Deploying);
        try
        {
            // Every live host, on any machine, follows the target (NOTIFY on PostgreSQL, a short poll otherwise).
            _catalog.SetTarget(name, deploymentId);
            var hosts = LiveHosts(name);
            if (hosts.Count == 0)
            {
                hosts = [LaunchHost(endpoint, deadline, progress)];
            }

            // Hosts of this machine are also told at once through their control route (a refusal is the answer).
            var command = new DeployCommand(deploymentId, version.ModelName, version.Version, version.Source, endpoint.ApiKeyHash, endpoint.MaxBodyBytes, endpoint.TrackingEnabled);
            foreach (var host in hosts.Where(IsLocal))
            {
                Report(progress, name, PublishStage.Deploying, 60, $"Deploying {version.Uri} to {host.Url}");
                HostClient.Deploy(host.Url!, host.ControlToken, command, Remaining(deadline));
            }

            Report(progress, name, PublishStage.Verifying, 90, $"Waiting for {hosts.Count} host(s) of '{name}' to report {version.Uri}");
            var serving = WaitForHosts(name, hosts, deploymentId, version, deadline);
            var first = serving[0];
            _catalog.Promote(name, deploymentId, first.Url!, first.Port!.Value, first.ProcessId!.Value);
            Report(progress, name, PublishStage.Completed, 100, $"{version.Uri} serves at {string.Join(", ", serving.Select(h => h.Url))}");
            return GetDeployment(deploymentId);
        }
        catch (Exception e) when (e is MlopsException or IOException or UnauthorizedAccessException)
        {
            if (_catalog.GetTarget(name) == deploymentId)
            {
                _catalog.SetTarget(name, previousTarget);
            }

            _catalog.FailDeployment(deploymentId, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Waits until every host still alive serves the deployment (its catalog row and its <c>/version</c> say so); a
    /// host that refuses it fails the publish with its reason. Returns the hosts that serve it.
    /// </summary>
    private List<HostRow> WaitForHosts(string name, IReadOnlyList<HostRow> hosts, string deploymentId, ModelVersion version, DateTime deadline)
    {
        var pending = hosts.Select(h => h.HostId).ToHashSet();
        var serving = new List<HostRow>();
        while (pending.Count > 0)
        {
            foreach (var hostId in pending.ToArray())
            {
                var row = _catalog.FindHost(hostId);
                if (row is null || !row.IsLive(UnixTime.NowMs()) || (IsLocal(row) && Identity(row) is { } process && process.HasEnded()))
                {
                    // Died during the publish: it serves nothing now; Get-ModelEndpoint shows it dead.
                    pending.Remove(hostId);
                    continue;
                }

                if (row.FailedDeploymentId == deploymentId)
                {
                    throw new DeploymentRejectedException($"The host {row.HostId} of '{name}' on {row.MachineName} refused {version.Uri}: {row.StatusMessage}");
                }

                if (row.DeploymentId == deploymentId && row.Url is not null
                    && HostClient.GetVersion(row.Url, TimeSpan.FromSeconds(2)) is { } served && served.DeploymentId == deploymentId)
                {
                    pending.Remove(hostId);
                    serving.Add(row);
                }
            }

            if (pending.Count == 0)
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new EndpointHostException($"{pending.Count} host(s) of '{name}' did not report {version.Uri} in time.");
            }

            Thread.Sleep(20);
        }

        return serving.Count > 0 ? serving : throw new EndpointHostException($"Every host of '{name}' ended during the publish of {version.Uri}.");
    }

    private HostRow LaunchHost(EndpointRow endpoint, DateTime deadline, IProgress<PublishProgress>? progress)
    {
        var name = endpoint.Name;
        Report(progress, name, PublishStage.StartingHost, 20, $"Starting a scoring host of '{name}' on {MachineName}");
        var hostId = NewId();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _catalog.InsertHost(hostId, name, MachineName, token);
        var logPath = GetLogPath(name);
        AppendLog(logPath, $"Launching scoring host {hostId} of endpoint '{name}' on {MachineName}.");
        Process launched;
        try
        {
            launched = HostLauncher.Launch(ResolveHostDirectory(), Store.Location, name, hostId, token, logPath);
        }
        catch (MlopsException e)
        {
            HostFailed(name, hostId, e.Message);
            throw;
        }

        using (launched)
        {
            while (true)
            {
                var row = _catalog.FindHost(hostId);
                if (row is { Status: "Running", Url: not null, ProcessId: not null })
                {
                    return row;
                }

                if (row is { Status: "Failed" })
                {
                    var failed = $"The scoring host of '{name}' failed to start: {row.StatusMessage}";
                    HostFailed(name, hostId, failed);
                    throw new EndpointHostException(failed);
                }

                // A non-zero exit is a failure; zero may be setsid handing over to a forked child, so keep waiting.
                if (launched.HasExited && launched.ExitCode != 0)
                {
                    var message = $"The scoring host of '{name}' exited with code {launched.ExitCode} before it was ready. Its log ({logPath}) ends: {LogTail(logPath)}";
                    HostFailed(name, hostId, message);
                    throw new EndpointHostException(message);
                }

                if (DateTime.UtcNow > deadline)
                {
                    ProcessTree.Kill(launched);

                    var message = $"The scoring host of '{name}' was not ready in time. Its log ({logPath}) ends: {LogTail(logPath)}";
                    HostFailed(name, hostId, message);
                    throw new EndpointHostException(message);
                }

                Thread.Sleep(25);
            }
        }
    }

    private void HostFailed(string name, string hostId, string message)
    {
        _catalog.MarkHostRowDown(hostId, "Failed", message);
        if (LiveHosts(name).Count == 0)
        {
            _catalog.MarkHostDown(name, EndpointStatus.Failed, message);
        }
    }

    /// <summary>The hosts of the endpoint whose lease holds (and, on this machine, whose process still runs).</summary>
    private List<HostRow> LiveHosts(string name)
    {
        var now = UnixTime.NowMs();
        return _catalog.ListHosts(name).Where(h => h.Status == "Running" && h.IsLive(now) && h.Url is not null
            && !(IsLocal(h) && Identity(h) is { } process && process.HasEnded())).ToList();
    }

    private static ProcessIdentity? Identity(HostRow host) =>
        host.ProcessId is { } pid && host.ProcessStarted is { } started ? new ProcessIdentity(host.MachineName, pid, started) : null;

    private bool IsLocal(HostRow host) => host.MachineName == MachineName;

    private ModelEndpoint Describe(EndpointRow row, bool checkHealth)
    {
        var current = row.CurrentDeploymentId is { } id ? _catalog.FindDeployment(id) : null;
        var now = UnixTime.NowMs();
        var hosts = _catalog.ListHosts(row.Name).Where(h => h.Status is "Running" or "Stopping").ToList();
        var described = new EndpointHost[hosts.Count];
        Parallel.For(0, hosts.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => described[i] = DescribeHost(hosts[i], now, checkHealth));
        var live = LiveHosts(row.Name);
        var primary = live.FirstOrDefault(IsLocal) ?? live.FirstOrDefault();
        var health = !checkHealth ? EndpointHealth.Unknown
            : primary is not null ? described.FirstOrDefault(h => h.HostId == primary.HostId)?.Health ?? EndpointHealth.Unknown
            : row.Status is EndpointStatus.Running or EndpointStatus.Starting ? EndpointHealth.ProcessEnded
            : EndpointHealth.Stopped;
        return new ModelEndpoint(
            row.Name,
            primary is not null ? EndpointStatus.Running : row.Status,
            health,
            primary?.Url ?? row.Url,
            row.BindAddress,
            primary?.Port ?? row.Port,
            row.RequestedPort,
            row.ApiKeyHash is not null,
            row.MaxBodyBytes,
            primary?.ProcessId,
            primary?.ProcessStarted is { } started ? UnixTime.ToDateTime(started) : null,
            current?.ModelName,
            current?.Version,
            row.CurrentDeploymentId,
            row.StatusMessage,
            GetLogPath(row.Name),
            UnixTime.ToDateTime(row.CreationTime),
            UnixTime.ToDateTime(row.LastUpdatedTime),
            row.TrackingEnabled)
        { Hosts = described };
    }

    private EndpointHost DescribeHost(HostRow h, long now, bool checkHealth)
    {
        var health = EndpointHealth.Unknown;
        var reason = h.StatusMessage;
        if (h.LeaseExpires is not { } lease || lease <= now)
        {
            health = EndpointHealth.Dead;
            var beat = h.HeartbeatTime is { } b ? Stamp(b) : "never";
            reason = $"Its lease expired at {Stamp(h.LeaseExpires ?? now)} (last heartbeat {beat}): the host is dead.";
        }
        else if (IsLocal(h) && Identity(h) is { } process && process.HasEnded())
        {
            health = EndpointHealth.ProcessEnded;
            reason = $"Its process {h.ProcessId} on this machine has ended (its lease runs out at {Stamp(lease)}).";
        }
        else if (checkHealth && h.Url is not null)
        {
            health = HostClient.CheckHealth(h.Url, s_healthTimeout);
        }

        return new EndpointHost(
            h.HostId, h.EndpointName, h.MachineName, h.Status, health, reason, h.Url, h.Port, h.ProcessId, h.ModelName, h.ModelVersion,
            h.DeploymentId, UnixTime.ToDateTime(h.StartTime), h.HeartbeatTime is { } beatMs ? UnixTime.ToDateTime(beatMs) : null,
            h.LeaseExpires is { } leaseMs ? UnixTime.ToDateTime(leaseMs) : null);
    }

    private static string Stamp(long unixMs) => UnixTime.ToDateTime(unixMs).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// This machine's name in the catalog: $env:MLOPSPS_MACHINE_NAME, else the host name. Hosts of this machine are
    /// also reached through their loopback control routes, and a local host whose process ended is dead at once.
    /// </summary>
    public string MachineName { get; }

    private static string DefaultMachineName =>
        Environment.GetEnvironmentVariable(MachineNameVariable) is { Length: > 0 } name ? name : Environment.MachineName;

    /// <summary>The environment variable that names this machine in the catalog (to simulate several on one box).</summary>
    public const string MachineNameVariable = "MLOPSPS_MACHINE_NAME";

    private string ResolveHostDirectory()
    {
        if (!string.IsNullOrEmpty(_hostDirectory))
        {
            return _hostDirectory;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(HostLauncher.HostDirectoryVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        // The module layout: the host is published beside the engine, in bin/engine.
        return Path.GetDirectoryName(typeof(EndpointManager).Assembly.Location) ?? AppContext.BaseDirectory;
    }

    private static void AppendLog(string path, string message)
    {
        try
        {
            File.AppendAllText(path, $"{DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} manager: {message}{Environment.NewLine}");
        }
        catch (IOException)
        {
            // The log is a convenience; the launch does not depend on it.
        }
    }

    private static string LogTail(string logPath) => DetachedDotnet.Tail(logPath, 5) is { Length: > 0 } tail ? tail : "(no log)";

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
    }

    private static void Report(IProgress<PublishProgress>? progress, string endpoint, PublishStage stage, int percent, string status) =>
        progress?.Report(new PublishProgress(endpoint, stage, percent, status));

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
