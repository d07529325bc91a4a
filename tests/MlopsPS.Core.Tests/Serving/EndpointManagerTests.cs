using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MlopsPS.Core.Models;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Serving.ServingTestSupport;

namespace MlopsPS.Core.Tests.Serving;

/// <summary>Endpoints on a folder store (SQLite).</summary>
public sealed class SqliteEndpointManagerTests() : EndpointManagerTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store: the host process opens the catalog by its postgresql:// location.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlEndpointManagerTests(PostgresCluster cluster) : EndpointManagerTests(StoreBackend.PostgreSql, cluster);

/// <summary>Publish, redeploy, stop, start and health of endpoints, each test with its own store and host, once per backend.</summary>
public abstract class EndpointManagerTests : PerBackendTests
{
    private readonly EndpointManager _manager;

    protected EndpointManagerTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
        _manager = Manager(Temp.Store);
    }

    protected override void Dispose(bool disposing)
    {
        StopAll(_manager);
        base.Dispose(disposing);
    }

    [Fact]
    public void Publish_OnFirstUse_StartsAHostOnALoopbackPort_AndRecordsItsProcessAndTheDeployment()
    {
        var version = RegisterModel(Temp.Store, "celltower", seed: 1);

        var deployment = _manager.Publish("celltower", version);

        Assert.Equal(DeploymentStatus.Live, deployment.Status);
        Assert.Equal(("celltower", 1), (deployment.ModelName, deployment.Version));
        Assert.Matches("^http://127\\.0\\.0\\.1:\\d+$", deployment.Url);
        Assert.NotEqual(deployment.DeploymentId, deployment.BuildId);
        var endpoint = _manager.GetEndpoint("celltower");
        Assert.Equal(EndpointStatus.Running, endpoint.Status);
        Assert.Equal(EndpointHealth.Healthy, endpoint.Health);
        Assert.Equal(deployment.Port, endpoint.Port);
        Assert.Equal(deployment.ProcessId, endpoint.ProcessId);
        Assert.Equal("models:/celltower/1", endpoint.ModelUri);
        using (var process = Process.GetProcessById(endpoint.ProcessId!.Value))
        {
            Assert.Contains("dotnet", process.ProcessName, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains(_manager.ReadLog("celltower"), line => line.Contains("serving models:/celltower/1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiKey_IsRequiredWhenSet_ByBearerHeaderOrAccessKey_AndStoredOnlyAsAHash()
    {
        const string key = "s3cret-key-0123456789abcdef";
        var version = RegisterModel(Temp.Store, "secured", seed: 1);
        var deployment = _manager.Publish("secured", version, new PublishOptions { ApiKey = key });
        using var http = Client(deployment.Url!);

        using (var missing = await PostAsync(http, LabSample))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            Assert.Contains("UNAUTHENTICATED", await missing.Content.ReadAsStringAsync());
        }

        using (var wrong = await PostAsync(http, LabSample, configure: r => r.Headers.Authorization = new("Bearer", "wrong-key-0123456789abcdef")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var badInputNoKey = await PostAsync(http, "{not json"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, badInputNoKey.StatusCode);
        }

        using (var bearer = await PostAsync(http, LabSample, configure: r => r.Headers.Authorization = new("Bearer", key)))
        {
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        }

        using (var header = await PostAsync(http, LabSample, configure: r => r.Headers.Add("X-Api-Key", key)))
        {
            Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        }

        using (var wrapped = await PostAsync(http, $$"""{"accessKey": "{{key}}", "request": {{LabSample}}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, wrapped.StatusCode);
        }

        Assert.True(_manager.GetEndpoint("secured").ApiKeyRequired);
        using (var connection = Temp.Store.Database.Open())
        {
            var stored = (string)CatalogDatabase.Scalar(connection, null, "SELECT api_key_hash FROM endpoints WHERE name = 'secured';")!;
            Assert.Matches("^[0-9a-f]{64}$", stored);
        }

        if (Temp.Store.Backend == StoreBackend.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var catalog = File.ReadAllBytes(Temp.Store.CatalogPath).Concat(File.Exists(Temp.Store.CatalogPath + "-wal") ? File.ReadAllBytes(Temp.Store.CatalogPath + "-wal") : []).ToArray();
            Assert.DoesNotContain(key, System.Text.Encoding.Latin1.GetString(catalog), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Publish_RefusesANonLoopbackAddressWithoutAnApiKey_AndAShortKey()
    {
        var version = RegisterModel(Temp.Store, "open", seed: 1);

        var open = Assert.Throws<InvalidEndpointSettingException>(() => _manager.Publish("open", version, new PublishOptions { BindAddress = "0.0.0.0" }));
        Assert.Equal(MlopsErrorKind.InvalidArgument, open.Kind);
        Assert.Contains("API key", open.Message, StringComparison.Ordinal);
        var shortKey = Assert.Throws<InvalidEndpointSettingException>(() => _manager.Publish("open", version, new PublishOptions { ApiKey = "short" }));
        Assert.Equal(MlopsErrorKind.InvalidArgument, shortKey.Kind);
        Assert.Empty(_manager.ListEndpoints());
    }

    [Fact]
    public async Task StopThenStart_ServesTheSameVersionAgain_AndTheHistorySaysWhenEachServed()
    {
        var version = RegisterModel(Temp.Store, "cycle", seed: 1);
        var first = _manager.Publish("cycle", version);

        var stopped = _manager.Stop("cycle");
        Assert.Equal(EndpointStatus.Stopped, stopped.Status);
        Assert.Equal(EndpointHealth.Stopped, _manager.GetEndpoint("cycle").Health);
        Assert.True(Common.ProcessIdentity.Of(first.ProcessId!.Value)?.HasEnded() ?? true, "the host process still runs");
        Assert.False(IsListening(first.Port!.Value));

        var started = _manager.Start("cycle");
        Assert.Equal(EndpointHealth.Healthy, started.Health);
        Assert.Equal("models:/cycle/1", started.ModelUri);
        using var http = Client(started.Url!);
        using var response = await PostAsync(http, LabSample);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var history = _manager.GetDeployments("cycle");
        Assert.Equal([DeploymentStatus.Live, DeploymentStatus.Stopped], history.Select(d => d.Status));
        Assert.Equal(first.BuildId, history[0].BuildId);
        Assert.NotNull(history[1].EndTime);
        Assert.Equal(history[0].DeploymentId, Assert.Single(_manager.GetDeployments("cycle", latestOnly: true)).DeploymentId);
    }

    [Fact]
    public void AHostThatDied_IsReportedAsEnded_AndStartBringsItBack()
    {
        var version = RegisterModel(Temp.Store, "crash", seed: 1);
        var deployment = _manager.Publish("crash", version);
        using (var host = Process.GetProcessById(deployment.ProcessId!.Value))
        {
            host.Kill();
            host.WaitForExit(10_000);
        }

        Assert.Equal(EndpointHealth.ProcessEnded, _manager.GetEndpoint("crash").Health);

        var started = _manager.Start("crash");
        Assert.Equal(EndpointHealth.Healthy, started.Health);
        Assert.NotEqual(deployment.ProcessId, started.ProcessId);
        Assert.Contains("ended", _manager.GetDeployment(deployment.DeploymentId).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedeployUnderLoad_FailsNoRequest_AndEveryRequestAfterPublishReturns_GetsTheNewVersion()
    {
        var versions = new[] { 1, 2, 3 }.Select(seed => RegisterModel(Temp.Store, "busy", seed)).ToArray();
        var first = _manager.Publish("busy", versions[0]);
        var failures = new ConcurrentQueue<string>();
        var answers = new ConcurrentQueue<(long Started, int Version)>();
        using var stop = new CancellationTokenSource();

        async Task Loop()
        {
            using var http = Client(first.Url!);
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await PostAsync(http, LabSample);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        continue;
                    }

                    answers.Enqueue((started, int.Parse(response.Headers.GetValues(ScoringClient.ModelVersionHeader).Single(), System.Globalization.CultureInfo.InvariantCulture)));
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue(e.Message);
                }
            }
        }

        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(Loop)).ToArray();
        await Task.Delay(300);
        var published = new List<long>();
        foreach (var next in versions[1..])
        {
            await Task.Run(() => _manager.Publish("busy", next));
            published.Add(Stopwatch.GetTimestamp());
            await Task.Delay(300);
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(answers.Count > 100, $"only {answers.Count} requests were made");
        Assert.Equal([1, 2, 3], answers.Select(a => a.Version).Distinct().Order());
        Assert.All(answers.Where(a => a.Started > published[0]), a => Assert.True(a.Version >= 2, "a request started after the first redeploy returned got version 1"));
        Assert.All(answers.Where(a => a.Started > published[1]), a => Assert.Equal(3, a.Version));
        Assert.Equal(
            [DeploymentStatus.Live, DeploymentStatus.Replaced, DeploymentStatus.Replaced],
            _manager.GetDeployments("busy").Select(d => d.Status));
        Assert.Equal(first.ProcessId, _manager.GetEndpoint("busy").ProcessId);
    }

    [Fact]
    public async Task AVersionThatFailsValidation_IsNotSwappedIn_TheOldOneKeepsServing_AndTheFailureIsRecorded()
    {
        var good = RegisterModel(Temp.Store, "guarded", seed: 1);
        var broken = RegisterBrokenModel(Temp.Store, "guarded");
        var live = _manager.Publish("guarded", good);

        var error = Assert.Throws<InvalidModelException>(() => _manager.Publish("guarded", broken));
        Assert.Contains("models:/guarded/2", error.Message, StringComparison.Ordinal);

        using var http = Client(live.Url!);
        using var response = await PostAsync(http, LabSample);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues(ScoringClient.ModelVersionHeader).Single());
        var history = _manager.GetDeployments("guarded");
        Assert.Equal(DeploymentStatus.Failed, history[0].Status);
        Assert.Contains("Build failed", history[0].Message, StringComparison.Ordinal);
        Assert.Equal(DeploymentStatus.Live, history[1].Status);
        Assert.Equal(live.DeploymentId, _manager.GetEndpoint("guarded").CurrentDeploymentId);
    }

    [Fact]
    public async Task TheHostItself_RefusesAModelThatDoesNotLoad_AndKeepsServingTheOldOne()
    {
        var good = RegisterModel(Temp.Store, "hostguard", seed: 1);
        var broken = RegisterBrokenModel(Temp.Store, "hostguard");
        var live = _manager.Publish("hostguard", good);
        var token = new EndpointCatalog(Temp.Store).ListHosts("hostguard").Single(h => h.Status == "Running").ControlToken;

        var refused = Assert.Throws<DeploymentRejectedException>(() => HostClient.Deploy(
            live.Url!, token, new DeployCommand("x", broken.ModelName, broken.Version, broken.Source, null, 1 << 20), TimeSpan.FromSeconds(30)));
        Assert.Contains("cannot load", refused.Message, StringComparison.Ordinal);

        using var http = Client(live.Url!);
        using var response = await PostAsync(http, LabSample);
        Assert.Equal("1", response.Headers.GetValues(ScoringClient.ModelVersionHeader).Single());
    }

    [Fact]
    public async Task TwoHostsOnTwoMachines_BothRedeployUnderLoadWithNoFailedRequest_AndAKilledHostIsDeadByItsLease()
    {
        // Short leases, so that a killed host is declared dead within seconds (the hosts inherit this).
        Environment.SetEnvironmentVariable("MLOPSPS_HOST_LEASE_SECONDS", "3");
        var machineA = new EndpointManager(Temp.Store, HostDirectory, machineName: "machine-a");
        var machineB = new EndpointManager(Temp.OpenAgain(), HostDirectory, machineName: "machine-b");
        var v1 = RegisterModel(Temp.Store, "multi", seed: 1);
        var v2 = RegisterModel(Temp.Store, "multi", seed: 2);
        machineA.Publish("multi", v1);
        var joined = machineB.Start("multi");
        var hosts = joined.Hosts;
        Assert.Equal(2, hosts.Count);
        Assert.Equal(["machine-a", "machine-b"], hosts.Select(h => h.MachineName).Order());
        Assert.All(hosts, h => Assert.Equal((EndpointHealth.Healthy, "models:/multi/1"), (h.Health, h.ModelUri)));
        Assert.NotEqual(hosts[0].Url, hosts[1].Url);

        var failures = new ConcurrentQueue<string>();
        var answered = 0;
        using var stop = new CancellationTokenSource();
        async Task Loop(string url)
        {
            using var http = Client(url);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await PostAsync(http, LabSample);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        continue;
                    }

                    Interlocked.Increment(ref answered);
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue($"{url}: {e.Message}");
                }
            }
        }

        var clients = hosts.SelectMany(h => new[] { Task.Run(() => Loop(h.Url!)), Task.Run(() => Loop(h.Url!)) }).ToArray();
        await Task.Delay(300);
        var deployment = await Task.Run(() => machineA.Publish("multi", v2));
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(answered > 50, $"only {answered} requests were answered");
        var after = machineB.GetEndpoint("multi");
        Assert.Equal(2, after.Hosts.Count);
        Assert.All(after.Hosts, h => Assert.Equal((EndpointHealth.Healthy, "models:/multi/2", deployment.DeploymentId), (h.Health, h.ModelUri, h.DeploymentId)));
        foreach (var host in after.Hosts)
        {
            Assert.Equal(deployment.DeploymentId, HostClient.GetVersion(host.Url!, TimeSpan.FromSeconds(5))!.DeploymentId);
        }

        // SIGKILL machine B's host: machine A knows it only by its lease, which runs out within seconds.
        var victim = after.Hosts.Single(h => h.MachineName == "machine-b");
        using (var process = Process.GetProcessById(victim.ProcessId!.Value))
        {
            process.Kill();
            process.WaitForExit(10_000);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        EndpointHost seen;
        do
        {
            await Task.Delay(200);
            seen = machineA.GetEndpoint("multi").Hosts.Single(h => h.HostId == victim.HostId);
        }
        while (seen.Health != EndpointHealth.Dead && DateTime.UtcNow < deadline);

        Assert.Equal(EndpointHealth.Dead, seen.Health);
        Assert.Contains("lease expired", seen.Reason, StringComparison.Ordinal);
        var endpoint = machineA.GetEndpoint("multi");
        Assert.Equal((EndpointStatus.Running, EndpointHealth.Healthy), (endpoint.Status, endpoint.Health));
        Assert.Equal(EndpointHealth.Healthy, endpoint.Hosts.Single(h => h.MachineName == "machine-a").Health);
    }

    [Fact]
    public async Task TwoHostsOnTwoMachines_EachHostsPredictions_GoToTheSharedLog()
    {
        var machineA = new EndpointManager(Temp.Store, HostDirectory, machineName: "machine-a");
        var machineB = new EndpointManager(Temp.OpenAgain(), HostDirectory, machineName: "machine-b");
        machineA.Publish("shared", RegisterModel(Temp.Store, "shared", seed: 1));
        var urls = machineB.Start("shared").Hosts.ToDictionary(h => h.MachineName, h => h.Url!);

        // Each machine's host gets its own first input value and count, so the log shows whose predictions it holds.
        async Task Send(string url, double signal, int requests)
        {
            using var http = Client(url);
            var body = $$$"""{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[{{{signal.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}, 200.5, 30.5, 14.5]]}}""";
            for (var i = 0; i < requests; i++)
            {
                using var response = await PostAsync(http, body);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        await Send(urls["machine-a"], 1.5, 7);
        await Send(urls["machine-b"], 2.5, 11);

        // Each host's writer flushes about every 100 ms.
        var log = new PredictionLog(Temp.OpenAgain());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        IReadOnlyList<LoggedPrediction> logged;
        do
        {
            await Task.Delay(100);
            logged = log.List("shared");
        }
        while (logged.Count < 18 && DateTime.UtcNow < deadline);

        Assert.Equal(7, logged.Count(p => p.Inputs["iot_signal_1"] == 1.5));
        Assert.Equal(11, logged.Count(p => p.Inputs["iot_signal_1"] == 2.5));
    }

    [Fact]
    public void AFixedPortInUse_FailsThePublish_WithTheHostsReason()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var version = RegisterModel(Temp.Store, "taken", seed: 1);

        var error = Assert.Throws<EndpointHostException>(() => _manager.Publish("taken", version, new PublishOptions { Port = port, Timeout = TimeSpan.FromSeconds(30) }));
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Equal(EndpointStatus.Failed, _manager.GetEndpoint("taken").Status);
        Assert.Equal(DeploymentStatus.Failed, Assert.Single(_manager.GetDeployments("taken")).Status);
    }

    [Fact]
    public void EndpointNames_AreValidated_AndUnknownEndpointsAreNotFound()
    {
        var version = RegisterModel(Temp.Store, "m", seed: 1);
        Assert.Equal(MlopsErrorKind.InvalidArgument, Assert.Throws<InvalidEndpointSettingException>(() => _manager.Publish("../evil", version)).Kind);
        Assert.Throws<EndpointNotFoundException>(() => _manager.GetEndpoint("none"));
        Assert.Throws<EndpointNotFoundException>(() => _manager.Stop("none"));
        Assert.Throws<DeploymentNotFoundException>(() => _manager.GetDeployment("none"));
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
