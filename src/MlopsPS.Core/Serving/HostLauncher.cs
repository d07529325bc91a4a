using System.Diagnostics;
using MlopsPS.Core.Common;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using Npgsql;

namespace MlopsPS.Core.Serving;

/// <summary>
/// Starts a scoring host, <c>dotnet MlopsPS.ScoringHost.dll --store ... --endpoint ...</c>, detached from whoever
/// started it (see <see cref="DetachedDotnet"/>), logging to its file under the store's <c>logs/</c>.
/// </summary>
internal static class HostLauncher
{
    /// <summary>The host's entry assembly inside the host folder.</summary>
    public const string HostAssemblyFileName = "MlopsPS.ScoringHost.dll";

    /// <summary>The environment variable that names the host folder when none is given.</summary>
    public const string HostDirectoryVariable = "MLOPSPS_HOST_DIRECTORY";

    /// <summary>Launches the host; returns the process (the host itself, or the shell that execs it).</summary>
    /// <remarks>The store is passed as its location without a password (the command line is visible to every user of
    /// the machine); a PostgreSQL password goes in the host's environment as <c>PGPASSWORD</c>, which Npgsql reads.</remarks>
    public static Process Launch(string hostDirectory, StoreLocation store, string endpointName, string hostId, string controlToken, string logPath)
    {
        var hostAssembly = Path.Combine(hostDirectory, HostAssemblyFileName);
        if (!File.Exists(hostAssembly))
        {
            throw new EndpointHostException(
                $"The scoring host is not at '{hostAssembly}'. Build the module (dotnet pwsh ./build.ps1 build), or set {HostDirectoryVariable} to the folder of {HostAssemblyFileName}.");
        }

        var environment = new Dictionary<string, string> { [HostControl.TokenVariable] = controlToken };
        if (store.ConnectionString is { } connectionString
            && new NpgsqlConnectionStringBuilder(connectionString).Password is { Length: > 0 } password)
        {
            environment["PGPASSWORD"] = password;
        }

        // A single-row prediction runs on one thread; larger batches use libxgboost's OpenMP team, whose idle
        // threads would otherwise spin and take CPU from the request threads.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY")))
        {
            environment["OMP_WAIT_POLICY"] = "PASSIVE";
        }

        try
        {
            return DetachedDotnet.Start("scoring host", hostAssembly, ["--store", store.Display, "--endpoint", endpointName, "--host-id", hostId], logPath, store.Root, environment);
        }
        catch (MlopsException e) when (e is not EndpointHostException)
        {
            throw new EndpointHostException(e.Message, e);
        }
    }
}
