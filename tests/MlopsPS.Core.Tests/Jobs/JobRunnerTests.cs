using System.Globalization;
using MlopsPS.Core.Jobs;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Jobs.JobTestSupport;

namespace MlopsPS.Core.Tests.Jobs;

/// <summary>The runner with /bin/sh jobs on a folder store (SQLite).</summary>
public sealed class SqliteJobRunnerTests() : JobRunnerTests(StoreBackend.Sqlite, null);

/// <summary>The runner with /bin/sh jobs on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlJobRunnerTests(PostgresCluster cluster) : JobRunnerTests(StoreBackend.PostgreSql, cluster);

/// <summary>
/// The runner in this process with /bin/sh as the job's program: real processes, logs, timeouts and queueing, in
/// milliseconds. The Pester tests run the same with pwsh and the detached runner process.
/// </summary>
public abstract class JobRunnerTests : PerBackendTests
{
    private readonly JobCatalog _catalog;
    private readonly JobRunner _runner;

    protected JobRunnerTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
        _catalog = new JobCatalog(Temp.Store);
        _runner = new JobRunner(_catalog, new ShellCommands(), pollInterval: TimeSpan.FromMilliseconds(20));
    }

    private string Trace => Path.Combine(Temp.Root, "trace.txt");

    [Fact]
    public void RunChain_RunsAThreeJobChainInOrder_EachAfterItsParentSucceeded()
    {
        _catalog.Register(Shell("New Batch", $"echo batch >> '{Trace}'"));
        _catalog.Register(Shell("Retrain XGBoost", $"echo retrain >> '{Trace}'", JobSchedule.DependsOn("New Batch")));
        _catalog.Register(Shell("API Redeployment", $"echo deploy >> '{Trace}'", JobSchedule.DependsOn("Retrain XGBoost")));
        var root = _catalog.EnqueueManual("New Batch");

        var runs = _runner.RunChain(root.RunId);

        Assert.Equal(["New Batch", "Retrain XGBoost", "API Redeployment"], runs.Select(r => r.JobName));
        Assert.All(runs, r => Assert.Equal(JobRunStatus.Succeeded, r.Status));
        Assert.All(runs, r => Assert.Equal(0, r.ExitCode));
        Assert.Equal(["batch", "retrain", "deploy"], File.ReadAllLines(Trace));
        Assert.True(runs[1].StartTime >= runs[0].EndTime);
        Assert.True(runs[2].StartTime >= runs[1].EndTime);
        Assert.Equal($"after run {runs[1].RunId} of job 'Retrain XGBoost'", runs[2].Trigger);
    }

    [Fact]
    public void RunChain_StopsAtAFailingJob_RecordingItsExitCodeAndLog()
    {
        _catalog.Register(Shell("A", "echo a"));
        _catalog.Register(Shell("B", "echo 'B was here'; echo 'to stderr' >&2; exit 3", JobSchedule.DependsOn("A")));
        _catalog.Register(Shell("C", $"echo c >> '{Trace}'", JobSchedule.DependsOn("B")));
        var root = _catalog.EnqueueManual("A");

        var runs = _runner.RunChain(root.RunId);

        Assert.Equal(["A", "B"], runs.Select(r => r.JobName));
        var failed = runs[1];
        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.Equal(3, failed.ExitCode);
        Assert.Contains("exit code 3", failed.Error);
        Assert.Contains("'C' was not started", failed.Error);
        var log = _catalog.ReadLog(failed.RunId);
        Assert.Contains("B was here", log);
        Assert.Contains("to stderr", log);
        Assert.False(File.Exists(Trace));
        Assert.Equal(2, _catalog.GetChain(root.RunId).Count);
    }

    [Fact]
    public void ATimeout_KillsTheJobsWholeProcessTree_AndRecordsTimedOut()
    {
        // The job starts a grandchild that would outlive a plain kill of the job.
        _catalog.Register(Shell("slow", $"sleep 30 & echo $! > '{Trace}'; wait", timeout: TimeSpan.FromSeconds(1)));
        var run = _catalog.EnqueueManual("slow");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var ended = Assert.Single(_runner.RunChain(run.RunId));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15));
        Assert.Equal(JobRunStatus.TimedOut, ended.Status);
        Assert.Null(ended.ExitCode);
        Assert.Contains("timeout of 1.0 s", ended.Error);
        var grandchild = int.Parse(File.ReadAllText(Trace).Trim(), CultureInfo.InvariantCulture);
        // SIGKILL is delivered asynchronously: give the grandchild a moment to be gone.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (IsAlive(grandchild) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.False(IsAlive(grandchild));
        Assert.Contains(_catalog.ReadLog(run.RunId), l => l.Contains("timeout", StringComparison.Ordinal));
    }

    [Fact]
    public void TheLog_HoldsTheJobsOutput_AndTheJobSeesTheStoreAndItsEnvironment()
    {
        _catalog.Register(Shell("env", "echo \"home=$MLOPSPS_HOME job=$MLOPSPS_JOB_NAME run=$MLOPSPS_JOB_RUN_ID lab=$LAB cwd=$(pwd)\"")
            with { Environment = new Dictionary<string, string> { ["LAB"] = "telco" } });
        var run = _catalog.EnqueueManual("env");

        _runner.RunChain(run.RunId);

        var log = _catalog.ReadLog(run.RunId);
        Assert.Contains($"home={Temp.Location} job=env run={run.RunId} lab=telco cwd={Temp.Root}", log);
        Assert.StartsWith(Path.Combine(Temp.Root, "logs", "jobs"), _catalog.GetRun(run.RunId).LogPath);
        Assert.Equal(2, _catalog.ReadLog(run.RunId, tail: 2).Count);
    }

    [Fact]
    public async Task TwoTriggersOfOneJob_NeverRunAtOnce_TheSecondWaitsForTheFirst()
    {
        _catalog.Register(Shell("exclusive", $"echo start >> '{Trace}'; sleep 0.5; echo end >> '{Trace}'"));
        var first = _catalog.EnqueueManual("exclusive");
        var second = _catalog.EnqueueManual("exclusive");

        // Two runners, as two shells would start.
        var other = new JobRunner(new JobCatalog(Temp.Store), new ShellCommands(), pollInterval: TimeSpan.FromMilliseconds(20));
        var a = Task.Run(() => other.RunChain(second.RunId));
        var b = Task.Run(() => _runner.RunChain(first.RunId));
        await Task.WhenAll(a, b);

        Assert.Equal(["start", "end", "start", "end"], File.ReadAllLines(Trace));
        var runs = _catalog.ListRuns().OrderBy(r => r.RunId).ToArray();
        Assert.All(runs, r => Assert.Equal(JobRunStatus.Succeeded, r.Status));
        Assert.True(runs[1].StartTime >= runs[0].EndTime);
    }

    [Fact]
    public void AProcessThatCannotStart_FailsTheRunWithTheReason()
    {
        var gone = Path.Combine(Temp.Root, "gone");
        Directory.CreateDirectory(gone);
        _catalog.Register(Shell("nowhere", "true") with { WorkingDirectory = gone });
        Directory.Delete(gone);
        var run = _catalog.EnqueueManual("nowhere");

        var ended = Assert.Single(_runner.RunChain(run.RunId));

        Assert.Equal(JobRunStatus.Failed, ended.Status);
        Assert.Contains("working folder", ended.Error);
    }
}
