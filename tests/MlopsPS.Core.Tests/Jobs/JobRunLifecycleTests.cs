using MlopsPS.Core.Jobs;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Jobs.JobTestSupport;

namespace MlopsPS.Core.Tests.Jobs;

/// <summary>Run states in the catalog on a folder store (SQLite).</summary>
public sealed class SqliteJobRunLifecycleTests() : JobRunLifecycleTests(StoreBackend.Sqlite, null);

/// <summary>Run states in the catalog on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlJobRunLifecycleTests(PostgresCluster cluster) : JobRunLifecycleTests(StoreBackend.PostgreSql, cluster);

/// <summary>The run states in the catalog: queueing, claims, outcomes, stops and dead runners, without processes.</summary>
public abstract class JobRunLifecycleTests : PerBackendTests
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly JobCatalog _catalog;
    private readonly RunnerLease _me = RunnerLease.ForThisProcess();

    protected JobRunLifecycleTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
        _catalog = new JobCatalog(Temp.Store, _clock);
        _catalog.Register(Shell("New Batch", "true"));
        _catalog.Register(Shell("Retrain XGBoost", "true", JobSchedule.DependsOn("New Batch")));
        _catalog.Register(Shell("API Redeployment", "true", JobSchedule.DependsOn("Retrain XGBoost")));
    }

    [Fact]
    public void ASecondRunOfAJob_WaitsWhileTheFirstRuns_AndRunsAfterIt_FirstComeFirstServed()
    {
        var first = _catalog.EnqueueManual("New Batch");
        var second = _catalog.EnqueueManual("New Batch");
        var third = _catalog.EnqueueManual("New Batch");

        // The third may not overtake the second, nor the second the first.
        Assert.Equal(ClaimOutcome.Busy, _catalog.TryClaim(third.RunId, _me).Outcome);
        Assert.Equal(ClaimOutcome.Busy, _catalog.TryClaim(second.RunId, _me).Outcome);
        Assert.Equal(ClaimOutcome.Claimed, _catalog.TryClaim(first.RunId, _me).Outcome);
        var busy = _catalog.TryClaim(second.RunId, _me);
        Assert.Equal(ClaimOutcome.Busy, busy.Outcome);
        Assert.Contains($"run {first.RunId}", busy.Reason);

        _catalog.Finish(first.RunId, JobRunStatus.Failed, 1, "boom", _me);
        Assert.Equal(ClaimOutcome.Busy, _catalog.TryClaim(third.RunId, _me).Outcome);
        Assert.Equal(ClaimOutcome.Claimed, _catalog.TryClaim(second.RunId, _me).Outcome);
        Assert.Equal(JobRunStatus.Running, _catalog.GetRun(second.RunId).Status);
        Assert.Equal(JobRunStatus.Queued, _catalog.GetRun(third.RunId).Status);
    }

    [Fact]
    public void ASuccess_QueuesTheDependentJobs_InTheSameChain_NamingTheTrigger()
    {
        var root = _catalog.EnqueueManual("New Batch");
        Assert.Equal(root.RunId, root.ChainId);
        _catalog.TryClaim(root.RunId, _me);

        var finish = _catalog.Finish(root.RunId, JobRunStatus.Succeeded, 0, null, _me);

        Assert.True(finish.Recorded);
        var dependent = _catalog.GetRun(Assert.Single(finish.Dependents));
        Assert.Equal("Retrain XGBoost", dependent.JobName);
        Assert.Equal(JobRunStatus.Queued, dependent.Status);
        Assert.Equal(JobTriggerKind.Dependency, dependent.TriggerKind);
        Assert.Equal($"after run {root.RunId} of job 'New Batch'", dependent.Trigger);
        Assert.Equal(root.RunId, dependent.TriggerRunId);
        Assert.Equal(root.RunId, dependent.ChainId);
        Assert.Equal(_me.Process.ProcessId, dependent.RunnerProcessId);
        Assert.Equal([root.RunId, dependent.RunId], _catalog.GetChain(root.RunId).Select(r => r.RunId));
        Assert.Equal(3, _catalog.ExpectedChainLength("New Batch"));
    }

    [Fact]
    public void AFailure_QueuesNoDependent_AndItsErrorSaysTheChainStoppedThere()
    {
        var root = _catalog.EnqueueManual("New Batch");
        _catalog.TryClaim(root.RunId, _me);

        var finish = _catalog.Finish(root.RunId, JobRunStatus.Failed, 3, "The script failed with exit code 3.", _me);

        Assert.Empty(finish.Dependents);
        Assert.Equal(3, finish.Run.ExitCode);
        Assert.Contains("exit code 3", finish.Run.Error);
        Assert.Contains("dependent job 'Retrain XGBoost' was not started", finish.Run.Error);
        Assert.Single(_catalog.GetChain(root.RunId));
    }

    [Fact]
    public void AStoppedQueuedRun_IsNeverClaimed_AndAnOutcomeAfterAStopDoesNotOverwriteIt()
    {
        var queued = _catalog.EnqueueManual("New Batch");
        var (stopped, changed) = _catalog.Stop(queued.RunId, "Stopped by test.");
        Assert.True(changed);
        Assert.Equal(JobRunStatus.Stopped, stopped.Status);
        Assert.Contains("It had not started", stopped.Error);
        Assert.Equal(ClaimOutcome.Gone, _catalog.TryClaim(queued.RunId, _me).Outcome);

        var running = _catalog.EnqueueManual("New Batch");
        _catalog.TryClaim(running.RunId, _me);
        _catalog.Stop(running.RunId, "Stopped by test.");
        var late = _catalog.Finish(running.RunId, JobRunStatus.Succeeded, 0, null, _me);
        Assert.False(late.Recorded);
        Assert.Empty(late.Dependents);
        Assert.Equal(JobRunStatus.Stopped, _catalog.GetRun(running.RunId).Status);
        Assert.False(_catalog.Stop(running.RunId, "again").Stopped);
    }

    [Fact]
    public void ARunWhoseRunnerDied_IsMarkedFailedOnTheNextRead_AndItsJobProcessIsKilled()
    {
        var run = _catalog.EnqueueManual("New Batch");
        Assert.Equal(ClaimOutcome.Claimed, _catalog.TryClaim(run.RunId, DeadProcess()).Outcome);
        using var job = Sleeper();
        Assert.True(_catalog.RecordProcess(run.RunId, Common.ProcessIdentity.Of(job.Id)!));

        var read = _catalog.GetRun(run.RunId);

        Assert.Equal(JobRunStatus.Failed, read.Status);
        Assert.NotNull(read.EndTime);
        Assert.Contains("runner process", read.Error);
        Assert.Contains("killed or crashed", read.Error);
        Assert.Contains($"job process (pid {job.Id})", read.Error);
        Assert.Contains("'Retrain XGBoost' was not started", read.Error);
        Assert.True(job.WaitForExit(5_000));
        Assert.Equal(ClaimOutcome.Claimed, _catalog.TryClaim(_catalog.EnqueueManual("New Batch").RunId, _me).Outcome);
    }

    [Fact]
    public void AQueuedRunThatNoRunnerTookUp_FailsAfterTheGracePeriod()
    {
        var run = _catalog.EnqueueManual("New Batch");
        Assert.Equal(JobRunStatus.Queued, _catalog.GetRun(run.RunId).Status);

        _clock.Advance(JobCatalog.RunnerCheckInGrace + TimeSpan.FromSeconds(1));
        var read = Assert.Single(_catalog.ListRuns(new JobRunQuery { Jobs = ["New Batch"] }));

        Assert.Equal(JobRunStatus.Failed, read.Status);
        Assert.Contains("No runner process took the run up", read.Error);
    }

    [Fact]
    public void ListRuns_FiltersByJobStatusAndTime_NewestFirst()
    {
        var a = _catalog.EnqueueManual("New Batch");
        _catalog.TryClaim(a.RunId, _me);
        _catalog.Finish(a.RunId, JobRunStatus.Succeeded, 0, null, _me);
        _clock.Advance(TimeSpan.FromMinutes(5));
        var b = _catalog.EnqueueManual("API Redeployment");

        Assert.Equal([b.RunId, a.RunId + 1, a.RunId], _catalog.ListRuns().Select(r => r.RunId));
        Assert.Equal([a.RunId], _catalog.ListRuns(new JobRunQuery { Statuses = [JobRunStatus.Succeeded] }).Select(r => r.RunId));
        Assert.Equal([b.RunId, a.RunId + 1], _catalog.ListRuns(new JobRunQuery { Jobs = ["retrain*", "api*"] }).Select(r => r.RunId));
        Assert.Equal([b.RunId], _catalog.ListRuns(new JobRunQuery { Since = _clock.GetUtcNow().UtcDateTime.AddMinutes(-1) }).Select(r => r.RunId));
        Assert.Equal([a.RunId + 1, a.RunId], _catalog.ListRuns(new JobRunQuery { ChainId = a.RunId }).Select(r => r.RunId));
    }
}
