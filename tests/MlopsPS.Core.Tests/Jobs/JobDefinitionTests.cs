using MlopsPS.Core.Jobs;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using static MlopsPS.Core.Tests.Jobs.JobTestSupport;

namespace MlopsPS.Core.Tests.Jobs;

/// <summary>Job definitions on a folder store (SQLite).</summary>
public sealed class SqliteJobDefinitionTests() : JobDefinitionTests(StoreBackend.Sqlite, null);

/// <summary>Job definitions on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlJobDefinitionTests(PostgresCluster cluster) : JobDefinitionTests(StoreBackend.PostgreSql, cluster);

public abstract class JobDefinitionTests : PerBackendTests
{
    private readonly JobCatalog _catalog;

    protected JobDefinitionTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
        _catalog = new JobCatalog(Temp.Store);
    }

    [Fact]
    public void Register_StoresEveryField_AndGetFindsTheJobWhateverTheCase()
    {
        var script = Path.Combine(Temp.Root, "batch.ps1");
        File.WriteAllText(script, "param($Table) New-Batch -Table $Table");
        _catalog.Register(new JobSpec
        {
            Name = "New Batch",
            Script = JobScript.File(script, "-Table telco"),
            Timeout = TimeSpan.FromMinutes(5),
            Environment = new Dictionary<string, string> { ["LAB"] = "telco" },
            WorkingDirectory = Temp.Root,
            Description = "appends a batch",
        });

        var job = _catalog.Get("new batch");
        Assert.Equal("New Batch", job.Name);
        Assert.Equal(JobScriptKind.File, job.Script.Kind);
        Assert.Equal(script, job.Script.Text);
        Assert.Equal("-Table telco", job.Script.Arguments);
        Assert.Equal(JobScheduleKind.Manual, job.Schedule.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), job.Timeout);
        Assert.Equal("telco", job.Environment["LAB"]);
        Assert.Equal(Temp.Root, job.WorkingDirectory);
        Assert.Equal("appends a batch", job.Description);
        Assert.Null(job.LastRunId);
        Assert.Null(job.NextRunTime);
    }

    [Fact]
    public void Register_RefusesASecondJobWithTheSameNameInAnyCase()
    {
        _catalog.Register(Shell("New Batch", "true"));
        Assert.Throws<JobExistsException>(() => _catalog.Register(Shell("NEW BATCH", "true")));
    }

    [Fact]
    public void Register_RefusesAParentThatDoesNotExist()
    {
        var e = Assert.Throws<InvalidJobDefinitionException>(() => _catalog.Register(Shell("Retrain", "true", JobSchedule.DependsOn("New Batch"))));
        Assert.Contains("'New Batch'", e.Message);
        Assert.Empty(_catalog.List());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" padded")]
    [InlineData("wild*")]
    [InlineData("what?")]
    [InlineData("line\nbreak")]
    public void Register_RefusesNamesThatCannotBeTypedOrMatchedSafely(string name)
    {
        Assert.Throws<InvalidJobDefinitionException>(() => _catalog.Register(Shell(name, "true")));
    }

    [Theory]
    [InlineData("* * * *")]
    [InlineData("61 * * * *")]
    [InlineData("not a cron")]
    public void Register_RefusesABadCronExpression_SayingWhy(string cron)
    {
        var e = Assert.Throws<InvalidJobDefinitionException>(() => _catalog.Register(Shell("nightly", "true", JobSchedule.OnCron(cron))));
        Assert.Contains("cron", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Register_RefusesAMissingOrRelativeScriptFile_AReservedVariable_AndATimeoutUnderASecond()
    {
        Assert.Throws<InvalidJobDefinitionException>(() => _catalog.Register(new JobSpec { Name = "a", Script = JobScript.File("relative.ps1") }));
        Assert.Throws<InvalidJobDefinitionException>(() => _catalog.Register(new JobSpec { Name = "a", Script = JobScript.File(Path.Combine(Temp.Root, "missing.ps1")) }));
        Assert.Throws<InvalidJobDefinitionException>(() => _catalog.Register(Shell("a", "true") with { Environment = new Dictionary<string, string> { ["MLOPSPS_HOME"] = "/elsewhere" } }));
        Assert.Throws<InvalidJobDefinitionException>(() => _catalog.Register(Shell("a", "true", timeout: TimeSpan.FromMilliseconds(10))));
    }

    [Fact]
    public void CronJob_ShowsItsNextTick()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var catalog = new JobCatalog(Temp.Store, clock);
        catalog.Register(Shell("every 5 s", "true", JobSchedule.OnCron("*/5 * * * * *")));
        clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(new DateTime(2025, 1, 1, 12, 0, 10, DateTimeKind.Utc), catalog.Get("every 5 s").NextRunTime);
    }

    [Fact]
    public void Update_RefusesADependencyThatWouldMakeACycle_NamingIt()
    {
        _catalog.Register(Shell("A", "true"));
        _catalog.Register(Shell("B", "true", JobSchedule.DependsOn("A")));
        _catalog.Register(Shell("C", "true", JobSchedule.DependsOn("B")));

        var e = Assert.Throws<InvalidJobDefinitionException>(() => _catalog.Update("A", new JobChanges { Schedule = JobSchedule.DependsOn("C") }));
        Assert.Contains("cycle", e.Message);
        Assert.Contains("'A' -> 'C' -> 'B' -> 'A'", e.Message);
        Assert.Throws<InvalidJobDefinitionException>(() => _catalog.Update("A", new JobChanges { Schedule = JobSchedule.DependsOn("A") }));
        Assert.Equal(JobScheduleKind.Manual, _catalog.Get("A").Schedule.Kind);
    }

    [Fact]
    public void Update_ChangesOnlyWhatItIsGiven_AndARenameKeepsTheHistory()
    {
        _catalog.Register(Shell("A", "echo a", timeout: TimeSpan.FromSeconds(30)) with { Description = "first" });
        _catalog.Register(Shell("B", "true", JobSchedule.DependsOn("A")));
        var run = _catalog.EnqueueManual("A");

        var changed = _catalog.Update("A", new JobChanges { NewName = "Alpha", Script = JobScript.Inline("echo alpha") });

        Assert.Equal("Alpha", changed.Name);
        Assert.Equal("echo alpha", changed.Script.Text);
        Assert.Equal(TimeSpan.FromSeconds(30), changed.Timeout);
        Assert.Equal("first", changed.Description);
        Assert.Equal(["B"], changed.Dependents);
        Assert.Equal("Alpha", _catalog.Get("B").Parent);
        Assert.Equal("Alpha", _catalog.GetRun(run.RunId).JobName);

        var cleared = _catalog.Update("Alpha", new JobChanges { Timeout = TimeSpan.Zero, Description = string.Empty });
        Assert.Null(cleared.Timeout);
        Assert.Null(cleared.Description);
    }

    [Fact]
    public void Remove_AJobOthersDependOn_NeedsForce_NamesThem_AndForceMakesThemManual()
    {
        _catalog.Register(Shell("New Batch", "true"));
        _catalog.Register(Shell("Retrain XGBoost", "true", JobSchedule.DependsOn("New Batch")));
        _catalog.Register(Shell("Report", "true", JobSchedule.DependsOn("New Batch")));

        var e = Assert.Throws<JobInUseException>(() => _catalog.Remove("New Batch", force: false));
        Assert.Contains("'Report', 'Retrain XGBoost'", e.Message);
        Assert.Contains("-Force", e.Message);
        Assert.NotNull(_catalog.Get("New Batch"));

        var removal = _catalog.Remove("New Batch", force: true);
        Assert.Equal(["Report", "Retrain XGBoost"], removal.DetachedDependents);
        Assert.Throws<JobNotFoundException>(() => _catalog.Get("New Batch"));
        Assert.Equal(JobScheduleKind.Manual, _catalog.Get("Retrain XGBoost").Schedule.Kind);
    }

    [Fact]
    public void Remove_AJobWithAQueuedRun_NeedsForce_WhichStopsTheRun_AndTheHistoryStays()
    {
        _catalog.Register(Shell("A", "true"));
        var run = _catalog.EnqueueManual("A");

        Assert.Throws<JobInUseException>(() => _catalog.Remove("A", force: false));
        var removal = _catalog.Remove("A", force: true);

        Assert.Equal([run.RunId], removal.StoppedRuns);
        var kept = _catalog.GetRun(run.RunId);
        Assert.Equal(JobRunStatus.Stopped, kept.Status);
        Assert.Null(kept.JobId);
        Assert.Equal("A", Assert.Single(_catalog.ListRuns(new JobRunQuery { Jobs = ["a"] })).JobName);
    }

    [Fact]
    public void List_MatchesWildcardsCaseInsensitively_AndTreatsOtherCharactersLiterally()
    {
        _catalog.Register(Shell("New Batch", "true"));
        _catalog.Register(Shell("New_Batch2", "true"));
        _catalog.Register(Shell("Retrain", "true"));

        Assert.Equal(["New Batch", "New_Batch2"], _catalog.List("new*").Select(j => j.Name));
        Assert.Equal(["New_Batch2"], _catalog.List("New_*").Select(j => j.Name));
        Assert.Equal(["New Batch", "New_Batch2", "Retrain"], _catalog.ListNames());
    }
}
