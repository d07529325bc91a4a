using MlopsPS.Core.Jobs;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Jobs.JobTestSupport;

namespace MlopsPS.Core.Tests.Jobs;

/// <summary>The cron scheduler logic on a folder store (SQLite).</summary>
public sealed class SqliteJobSchedulerTests() : JobSchedulerTests(StoreBackend.Sqlite, null);

/// <summary>The cron scheduler logic on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlJobSchedulerTests(PostgresCluster cluster) : JobSchedulerTests(StoreBackend.PostgreSql, cluster);

/// <summary>The cron due-time logic, with a clock the test moves: no test waits for a tick.</summary>
public abstract class JobSchedulerTests : PerBackendTests
{
    private static readonly DateTimeOffset s_noon = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly RunnerLease s_me = RunnerLease.ForThisProcess();

    private readonly ManualClock _clock = new(s_noon);
    private readonly JobCatalog _catalog;
    private readonly List<JobRun> _launched = [];
    private readonly JobScheduler _scheduler;

    protected JobSchedulerTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
        _catalog = new JobCatalog(Temp.Store, _clock);
        _scheduler = new JobScheduler(_catalog, _launched.Add, _clock);
    }

    /// <summary>Plays the runner: every queued run starts and succeeds, so the next tick queues a new run.</summary>
    private void RunQueued()
    {
        foreach (var run in _catalog.ListRuns(new JobRunQuery { Statuses = [JobRunStatus.Queued] }))
        {
            Assert.Equal(ClaimOutcome.Claimed, _catalog.TryClaim(run.RunId, s_me).Outcome);
            _catalog.Finish(run.RunId, JobRunStatus.Succeeded, 0, null, s_me);
        }
    }

    [Fact]
    public void Tick_FiresAJobWhenItsTickIsDue_AndNotBefore()
    {
        _catalog.Register(Shell("every minute", "true", JobSchedule.OnCron("* * * * *")));

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(_scheduler.Tick());

        _clock.Advance(TimeSpan.FromSeconds(1));
        var run = Assert.Single(_scheduler.Tick());
        Assert.Equal(JobTriggerKind.Schedule, run.TriggerKind);
        Assert.Equal(JobRunStatus.Queued, run.Status);
        Assert.Equal(s_noon.AddMinutes(1).UtcDateTime, run.ScheduledTick);
        Assert.Contains("schedule '* * * * *' at 2025-03-01 12:01:00Z", run.Trigger);
        Assert.Equal([run.RunId], _launched.Select(r => r.RunId));
    }

    [Fact]
    public void Tick_NeverFiresTheSameTickTwice_EvenFromASecondScheduler()
    {
        _catalog.Register(Shell("every minute", "true", JobSchedule.OnCron("* * * * *")));
        _clock.Advance(TimeSpan.FromSeconds(61));
        var other = new JobScheduler(new JobCatalog(Temp.Store, _clock), _launched.Add, _clock);

        Assert.Single(_scheduler.Tick());
        RunQueued();
        Assert.Empty(_scheduler.Tick());
        Assert.Empty(other.Tick());
        _clock.Advance(TimeSpan.FromSeconds(58));
        Assert.Empty(_scheduler.Tick());

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(other.Tick());
        Assert.Equal(2, _catalog.ListRuns().Count);
    }

    [Fact]
    public void Tick_CoalescesTheTicksMissedWhileNoSchedulerRan_IntoOneRunForTheNewest()
    {
        _catalog.Register(Shell("every minute", "true", JobSchedule.OnCron("* * * * *")));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(_scheduler.Tick());
        RunQueued();

        // Down for ten minutes and a half: ten ticks missed.
        _clock.Advance(TimeSpan.FromMinutes(10.5));
        var run = Assert.Single(_scheduler.Tick());
        Assert.Equal(s_noon.AddMinutes(11).UtcDateTime, run.ScheduledTick);
        Assert.Contains("ticks missed since 2025-03-01 12:02:00Z coalesced", run.Trigger);
        Assert.Empty(_scheduler.Tick());
    }

    [Fact]
    public void Tick_IgnoresTicksFromBeforeTheScheduleWasSet()
    {
        _clock.Set(s_noon.AddSeconds(30));
        _catalog.Register(Shell("hourly", "true", JobSchedule.OnCron("0 * * * *")));

        // The noon tick is older than the job.
        Assert.Empty(_scheduler.Tick());
        _clock.Set(s_noon.AddHours(1));
        Assert.Single(_scheduler.Tick());
    }

    [Fact]
    public void Tick_HonoursASecondsField()
    {
        _catalog.Register(Shell("every 2 s", "true", JobSchedule.OnCron("*/2 * * * * *")));
        var fired = new List<JobRun>();
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            fired.AddRange(_scheduler.Tick());
            RunQueued();
        }

        Assert.Equal(5, fired.Count);
        Assert.All(fired, r => Assert.Equal(0, r.ScheduledTick!.Value.Second % 2));
    }

    [Fact]
    public void ChangingTheCron_RestartsTheTickHistoryFromNow()
    {
        _catalog.Register(Shell("job", "true", JobSchedule.OnCron("0 * * * *")));
        _clock.Advance(TimeSpan.FromMinutes(90));
        _catalog.Update("job", new JobChanges { Schedule = JobSchedule.OnCron("*/30 * * * *") });

        // 13:00 was due under the old schedule, 13:30 is exactly now: only ticks after the change count.
        Assert.Empty(_scheduler.Tick());
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(s_noon.AddHours(2).UtcDateTime, Assert.Single(_scheduler.Tick()).ScheduledTick);
    }

    [Fact]
    public void Tick_CoalescesATickIntoARunOfTheJobThatIsStillQueued_SoASlowJobNeverPilesUpRuns()
    {
        _catalog.Register(Shell("every 2 s", "true", JobSchedule.OnCron("*/2 * * * * *")));
        _clock.Advance(TimeSpan.FromSeconds(2));
        var first = Assert.Single(_scheduler.Tick());
        _catalog.TryClaim(first.RunId, s_me);

        // The first still runs: one more run waits, and later ticks join it.
        _clock.Advance(TimeSpan.FromSeconds(2));
        var waiting = Assert.Single(_scheduler.Tick());
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(2));
            Assert.Empty(_scheduler.Tick());
        }

        Assert.Equal([waiting.RunId, first.RunId], _catalog.ListRuns().Select(r => r.RunId));

        // Once it has started, the next tick queues again; the ticks it absorbed never fire later.
        _catalog.Finish(first.RunId, JobRunStatus.Succeeded, 0, null, s_me);
        _catalog.TryClaim(waiting.RunId, s_me);
        Assert.Empty(_scheduler.Tick());
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Single(_scheduler.Tick());
    }

    [Fact]
    public void Tick_LeavesManualAndDependentJobsAlone()
    {
        _catalog.Register(Shell("manual", "true"));
        _catalog.Register(Shell("dependent", "true", JobSchedule.DependsOn("manual")));
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Empty(_scheduler.Tick());
    }

    [Fact]
    public void Tick_FailsTheRunWhenItsRunnerCannotStart()
    {
        _catalog.Register(Shell("every minute", "true", JobSchedule.OnCron("* * * * *")));
        var scheduler = new JobScheduler(_catalog, _ => throw new JobRunnerException("no runner here"), _clock);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var run = Assert.Single(scheduler.Tick());
        var recorded = _catalog.GetRun(run.RunId);
        Assert.Equal(JobRunStatus.Failed, recorded.Status);
        Assert.Contains("no runner here", recorded.Error);
    }

    [Fact]
    public void DelayBeforeNextTick_SleepsUntilJustAfterTheNextTick_CappedByTheMaximum()
    {
        _catalog.Register(Shell("every 10 s", "true", JobSchedule.OnCron("*/10 * * * * *")));
        _clock.Advance(TimeSpan.FromSeconds(7));

        Assert.Equal(TimeSpan.FromMilliseconds(3005), _scheduler.DelayBeforeNextTick(TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(505), _scheduler.DelayBeforeNextTick(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void ASchedulerOnAnotherMachineThatStopsItsHeartbeat_IsRecordedStopped_AfterItsLease()
    {
        var remote = new Common.ProcessIdentity("machine-s", 4242, 1);
        Assert.True(_catalog.TryRegisterScheduler(remote, "scheduler.log", out _));
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(SchedulerStatus.Running, _catalog.GetScheduler().Status); // its pid cannot be checked from here

        _clock.Advance(JobCatalog.SchedulerLease);
        var scheduler = _catalog.GetScheduler();

        Assert.Equal(SchedulerStatus.Stopped, scheduler.Status);
        Assert.StartsWith("The scheduler (pid 4242 on machine-s) stopped recording its heartbeat at ", scheduler.Message);
        Assert.False(_catalog.SchedulerHeartbeat(remote, recordHeartbeat: true)); // it stops itself if it comes back
        Assert.True(_catalog.TryRegisterScheduler(s_me.Process, "scheduler.log", out _));
    }
}
