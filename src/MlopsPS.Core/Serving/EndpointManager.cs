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
    public EndpointManager(MlopsStore store, string? hostDirectory = null)
    {
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
        if (IsHostAlive(endpoint) && HostClient.CheckHealth(endpoint.Url!, s_healthTimeout) == EndpointHealth.Healthy)
        {
            return Describe(endpoint, checkHealth: true);
        }

        var current = endpoint.CurrentDeploymentId is { } id ? _catalog.FindDeployment(id) : null;
        if (current is null)
        {
            throw new EndpointStateException($"Endpoint '{endpointName}' has never served a model; use Publish-ModelEndpoint to deploy one.");
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
        var endpoint = _catalog.Get(endpointName);
        if (endpoint.HostProcess is { } process && !process.HasEnded())
        {
            var asked = endpoint.Url is not null && endpoint.ControlToken is not null
                && HostClient.RequestShutdown(endpoint.Url, endpoint.ControlToken, TimeSpan.FromSeconds(5));
            var deadline = DateTime.UtcNow + (asked ? s_stopTimeout : TimeSpan.Zero);
            while (!process.HasEnded() && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(25);
            }

            if (!process.HasEnded())
            {
                ProcessTree.Kill(process);
            }
        }

        _catalog.EndLiveDeployment(endpointName, "The endpoint was stopped.");
        _catalog.MarkHostDown(endpointName, EndpointStatus.Stopped, null);
        return Describe(_catalog.Get(endpointName), checkHealth: true);
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
        if (IsHostAlive(endpoint))
        {
            HostClient.ApplySettings(endpoint.Url!, endpoint.ControlToken!, new SettingsCommand(enabled), s_healthTimeout);
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
        if (rebind && IsHostAlive(existing))
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
        _catalog.SetDeploymentStatus(deploymentId, DeploymentStatus.Deploying);
        try
        {
            var host = IsHostAlive(endpoint) ? endpoint : LaunchHost(endpoint, deadline, progress);
            Report(progress, name, PublishStage.Deploying, 60, $"Deploying {version.Uri} to {host.Url}");
            var command = new DeployCommand(deploymentId, version.ModelName, version.Version, version.Source, host.ApiKeyHash, host.MaxBodyBytes, host.TrackingEnabled);
            HostClient.Deploy(host.Url!, host.ControlToken!, command, Remaining(deadline));

            Report(progress, name, PublishStage.Verifying, 90, $"Waiting for {host.Url}/version to report {version.Uri}");
            while (true)
            {
                var served = HostClient.GetVersion(host.Url!, TimeSpan.FromSeconds(2));
                if (served?.DeploymentId == deploymentId && served.ModelName == version.ModelName && served.ModelVersion == version.Version)
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new EndpointHostException($"{host.Url}/version did not report {version.Uri} in time (it reports {served?.ModelName} {served?.ModelVersion}).");
                }

                Thread.Sleep(20);
            }

            _catalog.Promote(name, deploymentId, host.Url!, host.Port!.Value, host.HostPid!.Value);
            Report(progress, name, PublishStage.Completed, 100, $"{version.Uri} serves at {host.Url}");
            return GetDeployment(deploymentId);
        }
        catch (Exception e) when (e is MlopsException or IOException or UnauthorizedAccessException)
        {
            _catalog.FailDeployment(deploymentId, e.Message);
            throw;
        }
    }

    private EndpointRow LaunchHost(EndpointRow endpoint, DateTime deadline, IProgress<PublishProgress>? progress)
    {
        var name = endpoint.Name;
        Report(progress, name, PublishStage.StartingHost, 20, $"Starting the scoring host of '{name}'");
        // A host that is recorded but no longer answers (or whose pid now belongs to another process) is left alone
        // unless its identity still matches; then it is stopped so the port is free.
        if (endpoint.HostProcess is { } stale && !stale.HasEnded())
        {
            ProcessTree.Kill(stale);
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _catalog.BeginLaunch(name, token);
        var logPath = GetLogPath(name);
        AppendLog(logPath, $"Launching the scoring host of endpoint '{name}'.");
        Process launched;
        try
        {
            launched = HostLauncher.Launch(ResolveHostDirectory(), Store.Location, name, token, logPath);
        }
        catch (MlopsException e)
        {
            _catalog.MarkHostDown(name, EndpointStatus.Failed, e.Message);
            throw;
        }

        using (launched)
        {
            while (true)
            {
                var row = _catalog.Get(name);
                if (row.ControlToken == token && row.Status == EndpointStatus.Running && row.HostPid is not null && row.Url is not null)
                {
                    return row;
                }

                // A non-zero exit is a failure; zero may be setsid handing over to a forked child, so keep waiting.
                if (launched.HasExited && launched.ExitCode != 0)
                {
                    var message = $"The scoring host of '{name}' exited with code {launched.ExitCode} before it was ready. Its log ({logPath}) ends: {LogTail(logPath)}";
                    _catalog.MarkHostDown(name, EndpointStatus.Failed, message);
                    throw new EndpointHostException(message);
                }

                if (DateTime.UtcNow > deadline)
                {
                    ProcessTree.Kill(launched);

                    var message = $"The scoring host of '{name}' was not ready in time. Its log ({logPath}) ends: {LogTail(logPath)}";
                    _catalog.MarkHostDown(name, EndpointStatus.Failed, message);
                    throw new EndpointHostException(message);
                }

                Thread.Sleep(25);
            }
        }
    }

    private ModelEndpoint Describe(EndpointRow row, bool checkHealth)
    {
        var current = row.CurrentDeploymentId is { } id ? _catalog.FindDeployment(id) : null;
        var alive = IsHostAlive(row);
        var health = !checkHealth ? EndpointHealth.Unknown
            : alive ? HostClient.CheckHealth(row.Url!, s_healthTimeout)
            : row.Status is EndpointStatus.Running or EndpointStatus.Starting ? EndpointHealth.ProcessEnded
            : EndpointHealth.Stopped;
        return new ModelEndpoint(
            row.Name,
            row.Status,
            health,
            row.Url,
            row.BindAddress,
            row.Port,
            row.RequestedPort,
            row.ApiKeyHash is not null,
            row.MaxBodyBytes,
            alive ? row.HostPid : null,
            alive && row.HostStarted is { } started ? UnixTime.ToDateTime(started) : null,
            current?.ModelName,
            current?.Version,
            row.CurrentDeploymentId,
            row.StatusMessage,
            GetLogPath(row.Name),
            UnixTime.ToDateTime(row.CreationTime),
            UnixTime.ToDateTime(row.LastUpdatedTime),
            row.TrackingEnabled);
    }

    private static bool IsHostAlive(EndpointRow row) =>
        row.Status == EndpointStatus.Running && row.Url is not null && row.ControlToken is not null
        && row.HostProcess is { } process && !process.HasEnded();

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
