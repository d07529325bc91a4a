using System.Net;
using System.Net.Sockets;
using MlopsPS.Core.Store;
using Npgsql;

namespace MlopsPS.Core.Tests.TestSupport;

/// <summary>
/// A private PostgreSQL 15 cluster for one test run, on loopback, started as the <c>postgres</c> user (initdb -A trust
/// --no-sync, pg_ctl start with fsync off) and stopped with <c>pg_ctl -m fast stop</c> when the run ends. Each test
/// asks for a database of its own (<see cref="NewStoreLocation"/>), so tests stay independent.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    /// <summary>Where Debian's postgresql-15 puts its programs (build.ps1 installs it).</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    public PostgresCluster()
    {
        Directory = Path.Combine(Path.GetTempPath(), "mlopsps-pg-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Port = FreePort();
        // The cluster's files must belong to the user the server runs as.
        Run("chown", "postgres", Directory);
        RunAsPostgres($"{BinDirectory}/initdb -D {Directory}/data -A trust --no-sync -U postgres");
        RunAsPostgres(
            $"{BinDirectory}/pg_ctl -D {Directory}/data -l {Directory}/server.log " +
            $"-o \"-c listen_addresses=127.0.0.1 -p {Port} -k {Directory} -c fsync=off\" -w start");
    }

    /// <summary>The cluster's folder (data, log and socket).</summary>
    public string Directory { get; }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>A new, empty database and a warehouse folder, as a store location: <c>postgresql://postgres@127.0.0.1:PORT/db?warehouse=...</c>.</summary>
    public string NewStoreLocation(string warehouse)
    {
        var database = "mlops_" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false"))
        {
            connection.Open();
            CatalogDatabase.Execute(connection, null, $"CREATE DATABASE {database};");
        }

        return $"postgresql://postgres@127.0.0.1:{Port}/{database}?warehouse={warehouse}";
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        RunAsPostgres($"{BinDirectory}/pg_ctl -D {Directory}/data -m fast -w stop");
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void RunAsPostgres(string command) => Run("su", "postgres", "-s", "/bin/sh", "-c", command);

    private static void Run(string program, params string[] arguments) => ChildProcess.Run(program, arguments);
}

/// <summary>The xunit collection whose tests share one <see cref="PostgresCluster"/>, started once per run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
