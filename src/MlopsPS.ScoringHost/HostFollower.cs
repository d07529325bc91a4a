using System.Data.Common;
using Microsoft.Extensions.Hosting;
using MlopsPS.Core;
using MlopsPS.Core.Common;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using Npgsql;

namespace MlopsPS.ScoringHost;

/// <summary>
/// Keeps one host in step with the catalog, on a thread of its own: renews the host's lease (a host whose lease
/// expires is dead to everyone else, on any machine), follows the endpoint's target deployment (loads and swaps it
/// while requests keep being served, then records what it serves, or the version it refused and why), applies the
/// endpoint's settings, and stops the host when the catalog asks it to. On PostgreSQL it wakes on
/// <c>NOTIFY mlopsps_endpoints</c> (LISTEN on a connection of its own), with a short poll as fallback; on SQLite it
/// polls.
/// </summary>
internal sealed class HostFollower : IDisposable
{
    /// <summary>Overrides the lease, in seconds (default 10; the tests shorten it).</summary>
    public const string LeaseVariable = "MLOPSPS_HOST_LEASE_SECONDS";

    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(250);

    private readonly MlopsStore _store;
    private readonly EndpointCatalog _catalog;
    private readonly ModelRegistry _registry;
    private readonly string _endpointName;
    private readonly string _hostId;
    private readonly string _token;
    private readonly ScoringHandler _handler;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private string? _recorded;
    private string? _refused;

    public HostFollower(MlopsStore store, string endpointName, string hostId, string token, ScoringHandler handler, IHostApplicationLifetime lifetime)
    {
        _store = store;
        _catalog = new EndpointCatalog(store);
        _registry = new ModelRegistry(store);
        _endpointName = endpointName;
        _hostId = hostId;
        _token = token;
        _handler = handler;
        _lifetime = lifetime;
        _thread = new Thread(Run) { IsBackground = true, Name = "host follower" };
    }

    public static TimeSpan Lease =>
        double.TryParse(Environment.GetEnvironmentVariable(LeaseVariable), System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(10);

    public void Start() => _thread.Start();

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private void Run()
    {
        var lease = Lease;
        var renewEvery = lease / 3;
        var lastRenewal = DateTime.UtcNow;
        NpgsqlConnection? listener = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                listener ??= Listen();
                using (var connection = _store.Database.Open())
                {
                    if (DateTime.UtcNow - lastRenewal >= renewEvery)
                    {
                        if (!_catalog.RenewLease(connection, _hostId, _token, lease))
                        {
                            HostInfo.Log("the catalog no longer lists this host as running (stopped, or its lease was taken); stopping");
                            _lifetime.StopApplication();
                            return;
                        }

                        lastRenewal = DateTime.UtcNow;
                    }

                    Follow(connection);
                }

                Wait(listener);
            }
            catch (Exception e) when (e is DbException or MlopsException or IOException or TimeoutException)
            {
                // The store may be briefly unreachable; the lease says how long that may last before others call us dead.
                HostInfo.Log($"catalog check failed (retrying): {e.Message}");
                listener?.Dispose();
                listener = null;
                _stop.Token.WaitHandle.WaitOne(s_poll);
            }
        }

        listener?.Dispose();
    }

    private void Follow(DbConnection connection)
    {
        var host = _catalog.FindHost(_hostId);
        if (host is null || host.Status == "Stopping")
        {
            HostInfo.Log("stop requested through the catalog");
            _lifetime.StopApplication();
            _stop.Cancel();
            return;
        }

        var endpoint = _catalog.Find(_endpointName);
        if (endpoint is null)
        {
            return;
        }

        var target = _catalog.GetTarget(_endpointName);
        if (target is not null && target != _handler.ServedDeploymentId && target != _refused
            && _catalog.FindDeployment(target) is { } deployment)
        {
            var version = _registry.GetVersion(deployment.ModelName, deployment.Version);
            var refused = _handler.Apply(new DeployCommand(
                deployment.DeploymentId, deployment.ModelName, deployment.Version, version.Source, endpoint.ApiKeyHash, endpoint.MaxBodyBytes, endpoint.TrackingEnabled));
            if (refused is not null)
            {
                _refused = target;
                _catalog.RecordHostDeployment(connection, _hostId, deployment.DeploymentId, deployment.ModelName, deployment.Version, refused);
            }
        }
        else
        {
            _handler.ApplySettings(endpoint.ApiKeyHash, endpoint.MaxBodyBytes, endpoint.TrackingEnabled);
        }

        // Whatever put it there (this loop, or a deploy through the control route), record what is served now.
        if (_handler.Slot.Current?.Model is { DeploymentId: { } served } model && served != _recorded)
        {
            _catalog.RecordHostDeployment(connection, _hostId, served, model.ModelName, model.Version, null);
            _recorded = served;
        }
    }

    private NpgsqlConnection? Listen()
    {
        if (_store.Backend != StoreBackend.PostgreSql)
        {
            return null;
        }

        var connection = (NpgsqlConnection)_store.Database.Open();
        using (var command = new NpgsqlCommand($"LISTEN {EndpointCatalog.NotifyChannel};", connection))
        {
            command.ExecuteNonQuery();
        }

        return connection;
    }

    private void Wait(NpgsqlConnection? listener)
    {
        if (listener is null)
        {
            _stop.Token.WaitHandle.WaitOne(s_poll);
            return;
        }

        // Returns on any notification (the next loop reads the catalog), or after the poll interval; notifications
        // of other endpoints only cost one catalog read.
        var deadline = DateTime.UtcNow + s_poll;
        while (!_stop.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            if (listener.Wait(TimeSpan.FromMilliseconds(50)))
            {
                return;
            }
        }
    }
}
