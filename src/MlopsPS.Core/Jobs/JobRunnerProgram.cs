using System.Diagnostics;
using System.Globalization;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// The job runner process (<c>dotnet MlopsPS.JobRunner.dll</c>), started detached by <see cref="JobControl"/>:
/// <list type="bullet">
/// <item><c>run --store S --run N &lt;runtime&gt;</c> executes queued run N and its chain, then exits;</item>
/// <item><c>scheduler --store S &lt;runtime&gt;</c> is the store's cron scheduler, until Stop-MlopsScheduler.</item>
/// </list>
/// Its stdout and stderr go to its own log under <c>logs/jobs</c>. If it dies, the runs it owned are marked failed
/// by the next reader of the history (dead-runner reconciliation), and the job process it left is killed.
/// </summary>
public static class JobRunnerProgram
{
    private static readonly TimeSpan s_heartbeat = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_schedulerSleep = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs the mode named by the first argument; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        var options = ParseOptions(args);
        if (options.TryGetValue("--log", out var logFile))
        {
            var writer = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            Console.SetOut(writer);
            Console.SetError(writer);
        }

        var mode = args.Length > 0 ? args[0] : string.Empty;
        var runtime = JobRuntime.FromArguments(args);
        if (!options.TryGetValue("--store", out var storeRoot) || runtime is null || mode is not ("run" or "scheduler"))
        {
            Console.Error.WriteLine(
                "usage: MlopsPS.JobRunner run --store <folder> --run <id> <runtime> | scheduler --store <folder> <runtime>\n" +
                "       <runtime> = --runner <MlopsPS.JobRunner.dll> --pwsh <pwsh> [--pwsh-arg <arg>]... --module <MlopsPS.psd1>");
            return 2;
        }

        try
        {
            var store = MlopsStore.Open(storeRoot);
            return mode == "run"
                ? RunChain(store, runtime, long.Parse(options.GetValueOrDefault("--run", "0"), NumberStyles.None, CultureInfo.InvariantCulture))
                : RunScheduler(store, runtime);
        }
        catch (Exception e)
        {
            Log($"failed: {e}");
            return 1;
        }
    }

    private static int RunChain(MlopsStore store, JobRuntime runtime, long runId)
    {
        var catalog = new JobCatalog(store);
        if (!catalog.CheckIn(runId, ProcessIdentity.Current))
        {
            Log($"run {runId} is not queued any more; nothing to do");
            return 0;
        }

        Log($"runner for run {runId} (store {store.Root})");
        var runs = new JobRunner(catalog, new PwshJobCommands(runtime), Log).RunChain(runId);
        Log($"chain done: {string.Join(", ", runs.Select(r => $"run {r.RunId} {JobText.Of(r.Status)}"))}");
        return 0;
    }

    private static int RunScheduler(MlopsStore store, JobRuntime runtime)
    {
        var control = new JobControl(store, runtime);
        var catalog = control.Catalog;
        var me = ProcessIdentity.Current;
        if (!catalog.TryRegisterScheduler(me, Path.Combine(catalog.LogsDirectory, "scheduler.log"), out var current))
        {
            Log($"another scheduler runs for this store (pid {current.ProcessId}); leaving");
            return 3;
        }

        Log($"scheduler started (store {store.Root})");
        var scheduler = new JobScheduler(catalog, run => Task.Run(() => Launch(control, runtime, run)), log: Log);
        var heartbeat = Stopwatch.StartNew();
        try
        {
            scheduler.RunAsync(
                () =>
                {
                    var beat = heartbeat.Elapsed >= s_heartbeat;
                    if (beat)
                    {
                        heartbeat.Restart();
                        catalog.ReconcileDeadRunners();
                    }

                    return catalog.SchedulerHeartbeat(me, beat);
                },
                s_schedulerSleep).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            catalog.MarkSchedulerStopped(me, $"The scheduler failed: {e.Message}");
            throw;
        }

        catalog.MarkSchedulerStopped(me, "Stopped.");
        Log("scheduler stopped");
        return 0;
    }

    private static void Launch(JobControl control, JobRuntime runtime, JobRun run)
    {
        try
        {
            control.Launch(run, runtime);
        }
        catch (MlopsException e)
        {
            Log($"run {run.RunId}: {e.Message}");
        }
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options[args[i]] = args[++i];
            }
        }

        return options;
    }

    private static void Log(string line) =>
        Console.Out.WriteLine($"[{DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)} pid {Environment.ProcessId}] {line}");
}
