using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using MlopsPS.Core.Jobs;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Jobs.JobTestSupport;

namespace MlopsPS.Core.Tests.Jobs;

/// <summary>Claims, runner processes and leases on a folder store (SQLite).</summary>
public sealed class SqliteJobRunnerPoolTests() : JobRunnerPoolTests(StoreBackend.Sqlite, null);

/// <summary>Claims, runner processes and leases on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlJobRunnerPoolTests(PostgresCluster cluster) : JobRunnerPoolTests(StoreBackend.PostgreSql, cluster);

/// <summary>
/// Several runners on one store, as on several machines: claims that never hand one run to two runners (threads in
/// this process, then separate runner processes, each with its own working folder and nothing shared but the store),
/// and leases that fail the runs of a runner killed with SIGKILL, by its silence, not by its pid.
/// </summary>
public abstract class JobRunnerPoolTests : PerBackendTests
{
    private readonly JobCatalog _catalog;
    private readonly List<Process> _processes = [];

    protected JobRunnerPoolTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
        _catalog = new JobCatalog(Temp.Store);
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        base.Dispose(disposing);
    }

    private static string RunnerDll { get; } =
        typeof(JobRunnerPoolTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "JobRunnerPath").Value!;

    [Fact]
    public async Task FourClaimantsAtOnce_TakeEveryPooledRunExactlyOnce_AndOneJobNeverRunsTwiceAtOnce()
    {
        for (var j = 0; j < 3; j++)
        {
            _catalog.Register(Shell($"job{j}", "true"));
        }

        var queued = Enumerable.Range(0, 24).Select(i => _catalog.EnqueueForPool($"job{i % 3}").RunId).ToHashSet();
        var taken = new System.Collections.Concurrent.ConcurrentBag<(long RunId, string Runner)>();
        var overlaps = 0;

        // Each claimant is a runner of its own (its own lease, its own connections): claim, run, finish.
        void Claimant()
        {
            var lease = RunnerLease.ForThisProcess(TimeSpan.FromSeconds(30));
            while (_catalog.ClaimNextPooled(lease) is long runId)
            {
                var claim = _catalog.TryClaim(runId, lease);
                Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
                taken.Add((runId, lease.RunnerId));
                if (_catalog.ListRuns(new JobRunQuery { Jobs = [claim.Run.JobName], Statuses = [JobRunStatus.Running] }).Count != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                Assert.True(_catalog.Finish(runId, JobRunStatus.Succeeded, 0, null, lease).Recorded);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Claimant))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(queued.Order(), taken.Select(t => t.RunId).Order());
        Assert.Equal(0, overlaps);
        Assert.All(_catalog.ListRuns(new JobRunQuery { Limit = 100 }), r => Assert.Equal(JobRunStatus.Succeeded, r.Status));
    }

    [Fact]
    public void TwoRunnerProcesses_WithTheirOwnFolders_ExecuteEveryQueuedRunExactlyOnce()
    {
        var trace = Path.Combine(Temp.Root, "trace.txt");
        for (var j = 0; j < 4; j++)
        {
            // Appends "<run> <runner>" once per execution: the observable of exactly once.
            _catalog.Register(Shell($"job{j}", $"sleep 0.1; echo \"$MLOPSPS_JOB_RUN_ID $WORKER\" >> '{trace}'"));
        }

        var queued = Enumerable.Range(0, 24).Select(i => _catalog.EnqueueForPool($"job{i % 4}").RunId).ToArray();

        var workers = new[] { "A", "B" }.Select(name => StartWorker(name, leaseSeconds: 5)).ToArray();
        foreach (var worker in workers)
        {
            Assert.True(worker.WaitForExit(TimeSpan.FromSeconds(90)), "a runner did not finish the queue");
            Assert.Equal(0, worker.ExitCode);
        }

        var lines = File.ReadAllLines(trace).Select(l => l.Split(' ')).ToArray();
        Assert.Equal(queued.Order(), lines.Select(l => long.Parse(l[0], CultureInfo.InvariantCulture)).Order());
        Assert.Equal(["A", "B"], lines.Select(l => l[1]).Distinct().Order());
        var runs = _catalog.ListRuns(new JobRunQuery { Limit = 100 });
        Assert.All(runs, r => Assert.Equal(JobRunStatus.Succeeded, r.Status));
        Assert.Equal(2, runs.Select(r => r.RunnerProcessId).Distinct().Count());

        // One job never ran twice at once, whichever runner took its runs.
        foreach (var job in runs.GroupBy(r => r.JobName))
        {
            var ordered = job.OrderBy(r => r.StartTime).ToArray();
            for (var i = 1; i < ordered.Length; i++)
            {
                Assert.True(ordered[i].StartTime >= ordered[i - 1].EndTime, $"runs {ordered[i - 1].RunId} and {ordered[i].RunId} of {job.Key} overlapped");
            }
        }
    }

    [Fact]
    public void ARunnerKilledWithSigkill_HasItsRunFailedWithTheLeaseReason_OnceTheLeaseExpires()
    {
        _catalog.Register(Shell("slow", "sleep 30"));
        var run = _catalog.EnqueueForPool("slow");

        // The runner says it is on another machine: its pid means nothing here, only its lease does.
        var worker = StartWorker("A", leaseSeconds: 2, host: "machine-a", exitWhenIdle: false);
        var running = WaitFor(() => _catalog.GetRun(run.RunId) is { Status: JobRunStatus.Running, ProcessId: not null } r ? r : null, TimeSpan.FromSeconds(30));
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        Assert.Equal(JobRunStatus.Running, _catalog.GetRun(run.RunId).Status); // renewed while alive

        worker.Kill(); // SIGKILL, the runner alone: its job process lives on
        worker.WaitForExit();
        var killedAt = DateTime.UtcNow;
        Assert.Equal(JobRunStatus.Running, _catalog.GetRun(run.RunId).Status); // not by a pid: the lease still holds

        // Another runner (or any cmdlet) reads the history after the lease expired.
        var other = new JobCatalog(Temp.OpenAgain());
        var failed = WaitFor(() => other.GetRun(run.RunId) is { Status: JobRunStatus.Failed } r ? r : null, TimeSpan.FromSeconds(20));
        try
        {
            Assert.Matches(@"^Runner machine-a-\d+-[0-9a-f]{8} on machine-a stopped renewing its lease at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z", failed.Error);
            Assert.True(failed.EndTime >= killedAt.AddSeconds(-0.5), "failed before the lease could have expired");
            Assert.Null(failed.ExitCode);

            // The job process is on this machine (only the runner claimed another host), so the reader killed it.
            Assert.Contains($"Its job process (pid {running.ProcessId}) was still running and has been killed.", failed.Error);
            Assert.False(IsAlive(running.ProcessId!.Value));
        }
        finally
        {
            if (IsAlive(running.ProcessId!.Value))
            {
                using var orphan = Process.GetProcessById(running.ProcessId!.Value);
                orphan.Kill(entireProcessTree: true);
            }
        }
    }

    private Process StartWorker(string name, int leaseSeconds, string? host = null, bool exitWhenIdle = true)
    {
        Assert.True(File.Exists(RunnerDll), $"The job runner is not built at {RunnerDll}.");
        var folder = Path.Combine(Temp.Root, "machine-" + name);
        Directory.CreateDirectory(folder);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(dotnet) { UseShellExecute = false, WorkingDirectory = folder };
        foreach (var argument in new[] { RunnerDll, "worker", "--store", Temp.Location, "--shell", "/bin/sh", "--lease-seconds", leaseSeconds.ToString(CultureInfo.InvariantCulture), "--idle-poll-ms", "100", "--log", Path.Combine(folder, "runner.log") })
        {
            start.ArgumentList.Add(argument);
        }

        if (exitWhenIdle)
        {
            start.ArgumentList.Add("--exit-when-idle");
        }

        start.Environment["WORKER"] = name;
        if (host is not null)
        {
            start.Environment[RunnerLease.HostVariable] = host;
        }

        var process = Process.Start(start)!;
        _processes.Add(process);
        return process;
    }

    private static T WaitFor<T>(Func<T?> probe, TimeSpan timeout)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (probe() is T value)
            {
                return value;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"Not reached within {timeout}.");
    }
}
