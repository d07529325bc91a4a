using System.Diagnostics;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Tests.Tracking;

/// <summary>Tracking on a folder store (SQLite).</summary>
public sealed class SqliteTrackingStoreTests() : TrackingStoreTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlTrackingStoreTests(PostgresCluster cluster) : TrackingStoreTests(StoreBackend.PostgreSql, cluster);

/// <summary>Experiments and runs, once per backend (the derived classes above).</summary>
public abstract class TrackingStoreTests : PerBackendTests
{
    private readonly TrackingStore _tracking;

    protected TrackingStoreTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
        _tracking = new TrackingStore(Temp.Store);
    }

    [Fact]
    public void StartRun_CreatesTheExperimentOnFirstUse_AndARunningRunWithA32HexId()
    {
        var run = _tracking.StartRun("xgb-telco", "first", [new("team", "towers")]);

        Assert.Matches("^[0-9a-f]{32}$", run.RunId);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal("xgb-telco", run.ExperimentName);
        Assert.Equal("first", run.Tags["mlflow.runName"]);
        Assert.Equal("towers", run.Tags["team"]);
        Assert.True(Directory.Exists(run.ArtifactUri));
        Assert.Equal(1, _tracking.GetExperiment("xgb-telco").RunCount);
        Assert.Equal(_tracking.GetExperiment("xgb-telco").ExperimentId, _tracking.GetOrCreateExperiment("xgb-telco").ExperimentId);
    }

    [Fact]
    public void EndRun_RecordsTheStatusEndTimeAndError_AndRefusesLaterChanges()
    {
        var run = _tracking.StartRun("exp");
        var ended = _tracking.EndRun(run.RunId, RunStatus.Failed, "label column missing");

        Assert.Equal(RunStatus.Failed, ended.Status);
        Assert.Equal("label column missing", ended.ErrorMessage);
        Assert.NotNull(ended.EndTime);
        Assert.Throws<RunNotActiveException>(() => _tracking.LogMetrics(run.RunId, [("late", 1, 0)]));
        Assert.Throws<RunNotActiveException>(() => _tracking.EndRun(run.RunId, RunStatus.Finished));
    }

    [Fact]
    public void StartRunWithParams_AndEndRunWithMetrics_RecordThemWithTheRun_AndABadNameRecordsNothing()
    {
        var run = _tracking.StartRun("exp", "batched", [new("team", "towers")], [new("max_depth", "6"), new("eta", "0.3")]);
        Assert.Equal("6", run.Params["max_depth"]);
        Assert.Throws<ParamChangedException>(() => _tracking.LogParams(run.RunId, [new("max_depth", "8")]));

        var ended = _tracking.EndRun(run.RunId, RunStatus.Finished, metrics: [("auc", 0.8, 0), ("eval_logloss", 0.6, 0), ("eval_logloss", 0.5, 1)]);

        Assert.Equal(RunStatus.Finished, ended.Status);
        Assert.Equal(0.8, ended.Metrics["auc"]);
        Assert.Equal(0.5, ended.Metrics["eval_logloss"]);
        Assert.Equal([0.6, 0.5], _tracking.GetMetricHistory(run.RunId, "eval_logloss").Select(p => p.Value));
        Assert.ThrowsAny<MlopsException>(() => _tracking.StartRun("exp", "bad", parameters: [new(" ", "x")]));
        Assert.DoesNotContain(_tracking.SearchRuns(new RunQuery()), r => r.RunName == "bad");
    }

    [Fact]
    public void Params_AreWriteOnce_TheSameValueAgainIsFine()
    {
        var run = _tracking.StartRun("exp");
        _tracking.LogParams(run.RunId, [new("max_depth", "6")]);
        _tracking.LogParams(run.RunId, [new("max_depth", "6")]);

        var error = Assert.Throws<ParamChangedException>(() => _tracking.LogParams(run.RunId, [new("max_depth", "8")]));
        Assert.Contains("max_depth", error.Message);
        Assert.Equal("6", _tracking.GetRun(run.RunId).Params["max_depth"]);
    }

    [Fact]
    public void Metrics_KeepTheirWholeHistory_AndTheRunShowsTheValueOfTheHighestStep()
    {
        var run = _tracking.StartRun("exp");
        _tracking.LogMetrics(run.RunId, Enumerable.Range(0, 5).Select(step => ("eval_logloss", 0.7 - step * 0.1, (long)step)));
        _tracking.LogMetrics(run.RunId, [("eval_logloss", 9.0, 1)]);

        var history = _tracking.GetMetricHistory(run.RunId, "eval_logloss");
        Assert.Equal(6, history.Count);
        Assert.Equal([0L, 1, 1, 2, 3, 4], history.Select(p => p.Step));
        Assert.Equal(0.3, _tracking.GetRun(run.RunId).Metrics["eval_logloss"], 10);
    }

    [Fact]
    public void SearchRuns_FiltersOnMetricsParamsTagsAndAttributes_NewestFirst()
    {
        var low = NewFinishedRun("exp", 0.55, "6", "a");
        var high = NewFinishedRun("exp", 0.81, "8", "b");
        var other = NewFinishedRun("other", 0.90, "6", "a");
        var failed = _tracking.StartRun("exp");
        _tracking.EndRun(failed.RunId, RunStatus.Failed, "boom");

        Assert.Equal([high], Ids(new RunQuery(["exp"], "metrics.roc_auc > 0.7")));
        Assert.Equal([other, low], Ids(new RunQuery(null, "params.max_depth = '6'")));
        Assert.Equal([high], Ids(new RunQuery(["exp"], "tags.iceberg_snapshot_id = 'b' and metrics.roc_auc >= 0.81")));
        Assert.Equal([failed.RunId], Ids(new RunQuery(["exp"], "attributes.status = 'failed'")));
        Assert.Equal([failed.RunId, high, low], Ids(new RunQuery(["exp"])));
    }

    [Fact]
    public void SearchRuns_LikeIsCaseSensitive_IlikeIsNot_AsInMlflow()
    {
        var run = _tracking.StartRun("exp", "Nightly-Retrain");
        _tracking.EndRun(run.RunId, RunStatus.Finished);

        Assert.Single(_tracking.SearchRuns(new RunQuery(null, "attributes.run_name LIKE 'Nightly%'")));
        Assert.Empty(_tracking.SearchRuns(new RunQuery(null, "attributes.run_name LIKE 'nightly%'")));
        Assert.Single(_tracking.SearchRuns(new RunQuery(null, "attributes.run_name ILIKE 'nightly%'")));
    }

    [Fact]
    public void ListExperiments_MatchesPowerShellWildcards_AndTakesLikeCharactersLiterally()
    {
        foreach (var name in new[] { "a_b", "axb", "A_c", "50%off", "50xoff" })
        {
            _tracking.GetOrCreateExperiment(name);
        }

        Assert.Equal(["a_b"], _tracking.ListExperiments("a_*").Select(e => e.Name));
        Assert.Equal(["a_b", "axb"], _tracking.ListExperiments("a?b").Select(e => e.Name));
        Assert.Equal(["50%off"], _tracking.ListExperiments("50%*").Select(e => e.Name));
        Assert.Equal(5, _tracking.ListExperiments().Count);
    }

    [Fact]
    public void SearchRuns_OrdersByAMetric_WithRunsLackingItLast()
    {
        var a = NewFinishedRun("exp", 0.6, "1", "x");
        var b = NewFinishedRun("exp", 0.9, "1", "x");
        var none = _tracking.StartRun("exp").RunId;

        Assert.Equal([b, a, none], Ids(new RunQuery(["exp"], OrderBy: ["metrics.roc_auc DESC"])));
        Assert.Equal([a, b, none], Ids(new RunQuery(["exp"], OrderBy: ["metrics.roc_auc"])));
    }

    [Theory]
    [InlineData("metrics.roc_auc > 'high'")]
    [InlineData("params.max_depth > 6")]
    [InlineData("metrics.roc_auc > 0.7 or metrics.f1 > 0.5")]
    [InlineData("colour.red = 'x'")]
    [InlineData("attributes.size = 'x'")]
    [InlineData("metrics.roc_auc >")]
    [InlineData("params.p = 'unclosed")]
    public void SearchRuns_ExplainsAFilterItCannotParse(string filter)
    {
        var error = Assert.Throws<InvalidRunFilterException>(() => _tracking.SearchRuns(new RunQuery(null, filter)));
        Assert.Contains(filter, error.Message);
        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void SearchRuns_AcceptsQuotedKeysAndDoubleQuotedValues()
    {
        var run = _tracking.StartRun("exp", "named");
        _tracking.SetTags(run.RunId, [new("data source", "telco v2")]);

        Assert.Single(_tracking.SearchRuns(new RunQuery(null, "tags.`data source` = \"telco v2\" and tags.\"mlflow.runName\" = 'named'")));
    }

    [Fact]
    public void ARunWhoseProcessDied_IsShownAsKilled_NeverRunningForever()
    {
        var run = _tracking.StartRun("exp");
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        using (var connection = Temp.Store.Database.Open())
        {
            // Hand the run to a process that has really ended, as if it had crashed mid-training.
            CatalogDatabase.Execute(
                connection, null, "UPDATE runs SET owner_pid = @pid, owner_started = 1 WHERE run_id = @run;", ("pid", process.Id), ("run", run.RunId));
        }

        var seen = _tracking.GetRun(run.RunId);
        Assert.Equal(RunStatus.Killed, seen.Status);
        Assert.Contains($"pid {process.Id}", seen.ErrorMessage);
        Assert.NotNull(seen.EndTime);
    }

    [Fact]
    public void ARunOfThisLiveProcess_StaysRunning()
    {
        var run = _tracking.StartRun("exp");
        Assert.Equal(RunStatus.Running, _tracking.SearchRuns(new RunQuery(["exp"])).Single().Status);
        Assert.Equal(RunStatus.Running, _tracking.GetRun(run.RunId).Status);
    }

    [Fact]
    public void UnknownRunsAndExperiments_AreReportedAsNotFound()
    {
        Assert.Equal(MlopsErrorKind.ObjectNotFound, Assert.Throws<RunNotFoundException>(() => _tracking.GetRun(new string('0', 32))).Kind);
        Assert.Throws<ExperimentNotFoundException>(() => _tracking.GetExperiment("nope"));
        Assert.Throws<ExperimentNotFoundException>(() => _tracking.SearchRuns(new RunQuery(["nope"])));
    }

    [Fact]
    public void ListArtifacts_ListsTheRunFolderWithForwardSlashPaths()
    {
        var run = _tracking.StartRun("exp");
        Directory.CreateDirectory(Path.Combine(run.ArtifactUri, "model"));
        File.WriteAllText(Path.Combine(run.ArtifactUri, "model", "model.json"), "{}");

        var artifact = Assert.Single(_tracking.ListArtifacts(run.RunId));
        Assert.Equal("model/model.json", artifact.Path);
        Assert.Equal(2, artifact.Length);
    }

    private string NewFinishedRun(string experiment, double auc, string maxDepth, string snapshot)
    {
        var run = _tracking.StartRun(experiment);
        _tracking.LogParams(run.RunId, [new("max_depth", maxDepth)]);
        _tracking.LogMetrics(run.RunId, [("roc_auc", auc, 0)]);
        _tracking.SetTags(run.RunId, [new("iceberg_snapshot_id", snapshot)]);
        _tracking.EndRun(run.RunId, RunStatus.Finished);
        Thread.Sleep(2); // distinct start times keep "newest first" well defined
        return run.RunId;
    }

    private string[] Ids(RunQuery query) => _tracking.SearchRuns(query).Select(r => r.RunId).ToArray();
}
