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
/// <item><c>worker --store S [--exit-when-idle] [--idle-poll-ms N] &lt;runtime&gt; | --shell /bin/sh</c> is a runner of
/// the pool: it claims runs queued for the pool (Start-MlopsJob -Pool), one at a time, on any machine that shares the
/// store, until it is killed (or, with <c>--exit-when-idle</c>, until none is left). <c>--shell</c> runs each job's text
/// with that POSIX shell instead of pwsh (hosts without PowerShell jobs, and the engine tests).</item>
/// </list>
/// S is the store's folder or its <c>postgresql://</c> location (without a password: give it by ~/.pgpass or
/// PGPASSWORD). Every mode takes <c>--lease-seconds N</c> (or <c>MLOPSPS_JOB_LEASE_SECONDS</c>): the runner renews
/// the lease of its runs every third of it, and a run whose lease expired is failed by whoever sees it next.
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
        options.TryGetValue("--shell", out var shell);
        if (!options.TryGetValue("--store", out var storeLocation) || (runtime is null && !(mode == "worker" && shell is not null)) ||
            mode is not ("run" or "scheduler" or "worker"))
        {
            Console.Error.WriteLine(
                "usage: MlopsPS.JobRunner run --store <store> --run <id> <runtime> | scheduler --store <store> <runtime>\n" +
                "       | worker --store <store> [--exit-when-idle] [--idle-poll-ms <ms>] (<runtime> | --shell <sh>)\n" +
                "       [--lease-seconds <s>]; <runtime> = --runner <MlopsPS.JobRunner.dll> --pwsh <pwsh> [--pwsh-arg <arg>]... --module <MlopsPS.psd1>");
            return 2;
        }

        try
        {
            TimeSpan? leaseDuration = options.TryGetValue("--lease-seconds", out var seconds)
                ? TimeSpan.FromSeconds(double.Parse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture))
                : null;
            var lease = RunnerLease.ForThisProcess(leaseDuration);
            var store = MlopsStore.Open(StoreLocation.Parse(storeLocation, Environment.CurrentDirectory));
            IJobCommandFactory commands = shell is not null ? new ShellJobCommands(shell) : new PwshJobCommands(runtime!);
            return mode switch
            {
                "run" => RunChain(store, commands, lease, long.Parse(options.GetValueOrDefault("--run", "0"), NumberStyles.None, CultureInfo.InvariantCulture)),
                "worker" => RunWorker(
                    store, commands, lease, args.Contains("--exit-when-idle"),
                    TimeSpan.FromMilliseconds(int.Parse(options.GetValueOrDefault("--idle-poll-ms", "500"), NumberStyles.None, CultureInfo.InvariantCulture))),
                _ => RunScheduler(store, runtime!),
            };
        }
        catch (Exception e)
        {
            Log($"failed: {e}");
            return 1;
        }
    }

    private static int RunChain(MlopsStore store, IJobCommandFactory commands, RunnerLease lease, long runId)
    {
        var catalog = new JobCatalog(store);
        if (!catalog.CheckIn(runId, lease))
        {
            Log($"run {runId} is not queued any more; nothing to do");
            return 0;
        }

        Log($"runner {lease.RunnerId} for run {runId} (store {store.Location.Display}, lease {lease.Duration.TotalSeconds:0.#} s)");
        var runs = new JobRunner(catalog, commands, Log, lease: lease).RunChain(runId);
        Log($"chain done: {string.Join(", ", runs.Select(r => $"run {r.RunId} {JobText.Of(r.Status)}"))}");
        return 0;
    }

    private static int RunWorker(MlopsStore store, IJobCommandFactory commands, RunnerLease lease, bool exitWhenIdle, TimeSpan idlePoll)
    {
        var catalog = new JobCatalog(store);
        var runner = new JobRunner(catalog, commands, Log, lease: lease);
        Log($"worker {lease.RunnerId} (store {store.Location.Display}, lease {lease.Duration.TotalSeconds:0.#} s)");
        var executed = 0;
        while (true)
        {
            if (catalog.ClaimNextPooled(lease) is long runId)
            {
                var runs = runner.RunChain(runId);
                executed += runs.Count;
                Log($"chain of run {runId} done: {string.Join(", ", runs.Select(r => $"run {r.RunId} {JobText.Of(r.Status)}"))}");
                continue;
            }

            if (exitWhenIdle)
            {
                Log($"no run left for the pool; {executed} run(s) executed");
                return 0;
            }

            Thread.Sleep(idlePoll);
        }
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
            if (args[i] == "--exit-when-idle")
            {
                continue; // a flag, with no value
            }

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
