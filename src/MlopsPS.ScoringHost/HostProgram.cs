using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlopsPS.Core;
using MlopsPS.Core.Common;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;

namespace MlopsPS.ScoringHost;

/// <summary>
/// Starts Kestrel for one endpoint: reads the endpoint's settings from the store, binds, reports its port and
/// process to the store, then serves until the manager (or a signal) stops it. It starts without a model; the
/// manager deploys one through the control route right after.
/// </summary>
internal static class HostProgram
{
    /// <summary>Set to 1 to expose <c>POST /_bench/constant</c>, a constant answer for the benchmarks.</summary>
    public const string BenchmarkRoutesVariable = "MLOPSPS_HOST_BENCHMARK_ROUTES";

    public static async Task<int> RunAsync(string[] args)
    {
        string? storePath = null, endpointName = null, logPath = null, hostId = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--store": storePath = args[i + 1]; break;
                case "--endpoint": endpointName = args[i + 1]; break;
                case "--log": logPath = args[i + 1]; break;
                case "--host-id": hostId = args[i + 1]; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
                    return 64;
            }
        }

        if (logPath is not null)
        {
            // Where the launcher could not redirect stdout and stderr itself (Windows).
            var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
            Console.SetOut(log);
            Console.SetError(log);
        }

        if (storePath is null || endpointName is null || hostId is null)
        {
            Console.Error.WriteLine("Usage: MlopsPS.ScoringHost --store <folder|postgresql://...> --endpoint <name> --host-id <id> [--log <file>]");
            return 64;
        }

        var token = Environment.GetEnvironmentVariable(HostControl.TokenVariable);
        Environment.SetEnvironmentVariable(HostControl.TokenVariable, null);
        try
        {
            return await ServeAsync(storePath, endpointName, hostId, token);
        }
        catch (Exception e)
        {
            HostInfo.Log($"fatal: {e}");
            return 1;
        }
    }

    private static async Task<int> ServeAsync(string storePath, string endpointName, string hostId, string? token)
    {
        // A folder, or a PostgreSQL location (its password, if any, comes as PGPASSWORD).
        var store = MlopsStore.Open(StoreLocation.Parse(storePath, Environment.CurrentDirectory));
        var catalog = new EndpointCatalog(store);
        var endpoint = catalog.Find(endpointName);
        var self = catalog.FindHost(hostId);
        if (endpoint is null || string.IsNullOrEmpty(token) || self is null || self.EndpointName != endpointName || self.ControlToken != token || self.Status != "Starting")
        {
            HostInfo.Log($"endpoint '{endpointName}' has no pending launch for this host (superseded or started by hand); exiting");
            return 2;
        }

        HostInfo.Log($"{HostInfo.ServerName} starting for endpoint '{endpointName}' on {endpoint.BindAddress}:{endpoint.RequestedPort} (0 = a free port), store {store.Root}");
        var address = EndpointNames.ParseBindAddress(endpoint.BindAddress);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The body limit is the endpoint's own (it can change live); the handler enforces it with MLflow's error body.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(address, endpoint.RequestedPort);
        });

        var app = builder.Build();
        // The prediction log's writer runs beside Kestrel; it is disposed (flushed) after the last request ended.
        using var recorder = new PredictionRecorder(store, endpoint.TrackingEnabled, log: HostInfo.Log);
        HostInfo.Log($"prediction tracking is {(endpoint.TrackingEnabled ? "on" : "off")}");
        var handler = new ScoringHandler(
            endpointName,
            token,
            LiveSettings.From(endpoint.ApiKeyHash, endpoint.MaxBodyBytes),
            recorder,
            app.Lifetime,
            Environment.GetEnvironmentVariable(BenchmarkRoutesVariable) == "1");
        ((IApplicationBuilder)app).Run(handler.HandleAsync);

        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            var message = $"cannot listen on {endpoint.BindAddress}:{endpoint.RequestedPort}: {e.Message}";
            HostInfo.Log(message);
            catalog.MarkHostRowDown(hostId, "Failed", message);
            return 3;
        }

        var port = BoundPort(app);
        var url = $"http://{EndpointNames.LocalUrlHost(endpoint.BindAddress)}:{port}";
        if (!catalog.MarkHostRowReady(hostId, token, port, url, ProcessIdentity.Current, HostFollower.Lease))
        {
            HostInfo.Log("another launch took over this endpoint while starting; exiting");
            await app.StopAsync();
            return 2;
        }

        HostInfo.Log($"listening on {url} (pid {Environment.ProcessId}, host {hostId} on {self.MachineName}, lease {HostFollower.Lease.TotalSeconds:0.#} s)");
        using (var follower = new HostFollower(store, endpointName, hostId, token!, handler, app.Lifetime))
        {
            follower.Start();
            await app.WaitForShutdownAsync();
        }

        try
        {
            catalog.MarkHostRowDown(hostId, "Stopped", null);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or MlopsException)
        {
            HostInfo.Log($"could not record the stop (the lease will expire): {e.Message}");
        }

        handler.Slot.Swap(null);
        recorder.Dispose();
        HostInfo.Log("stopped");
        return 0;
    }

    private static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return uri.Port;
            }
        }

        throw new InvalidOperationException("Kestrel reported no bound address.");
    }

}
