using MlopsPS.Core.Models;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Tests.Registry;

/// <summary>The registry on a folder store (SQLite).</summary>
public sealed class SqliteModelRegistryTests() : ModelRegistryTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlModelRegistryTests(PostgresCluster cluster) : ModelRegistryTests(StoreBackend.PostgreSql, cluster);

/// <summary>Registered models, versions and aliases, once per backend (the derived classes above).</summary>
public abstract class ModelRegistryTests : PerBackendTests
{
    private readonly TrackingStore _tracking;
    private readonly ModelRegistry _registry;

    protected ModelRegistryTests(StoreBackend backend, PostgresCluster? cluster)
        : base(backend, cluster)
    {
        _tracking = new TrackingStore(Temp.Store);
        _registry = new ModelRegistry(Temp.Store);
    }

    [Fact]
    public void RegisterRunModel_NumbersVersionsFromOne_AndKeepsTheRunAndSignature()
    {
        var first = _registry.RegisterRunModel("celltower", FinishedRunWithModel());
        var second = _registry.RegisterRunModel("celltower", FinishedRunWithModel());

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal(ModelVersionStatus.Ready, second.Status);
        Assert.Equal(["iot_signal_1", "iot_signal_2"], second.Signature.Select(s => s.Name));
        Assert.Equal("models:/celltower/2", second.Uri);
        Assert.Equal(2, _registry.GetModel("celltower").LatestVersion);
        Assert.Equal([2, 1], _registry.ListVersions("celltower").Select(v => v.Version));
        Assert.Equal(second.Uri, Assert.Single(_registry.VersionsOfRun(second.RunId!)).Uri);
    }

    [Fact]
    public void Aliases_PointAtAVersion_MoveWhenSetAgain_AndResolveAsModelUris()
    {
        _registry.RegisterRunModel("m", FinishedRunWithModel());
        _registry.RegisterRunModel("m", FinishedRunWithModel());

        _registry.SetAlias("m", "champion", 1);
        Assert.Equal(1, _registry.Resolve("models:/m@champion").Version);
        _registry.SetAlias("m", "champion", 2);
        Assert.Equal(2, _registry.Resolve("models:/m@champion").Version);
        Assert.Equal(["champion"], _registry.GetVersion("m", 2).Aliases);
        Assert.Empty(_registry.GetVersion("m", 1).Aliases);
        Assert.Equal(1, _registry.Resolve("models:/m/1").Version);
        Assert.Equal(2, _registry.Resolve("m").Version);
        Assert.True(_registry.RemoveAlias("m", "champion"));
        Assert.False(_registry.RemoveAlias("m", "champion"));
        Assert.Throws<ModelVersionNotFoundException>(() => _registry.Resolve("models:/m@champion"));
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v3")]
    [InlineData("has space")]
    [InlineData("")]
    public void SetAlias_RefusesNamesThatWouldBeAmbiguous(string alias)
    {
        _registry.RegisterRunModel("m", FinishedRunWithModel());
        Assert.Equal(MlopsErrorKind.InvalidArgument, Assert.Throws<MlopsException>(() => _registry.SetAlias("m", alias, 1)).Kind);
    }

    [Fact]
    public void Register_RefusesARunThatIsNotFinished_OrHasNoModel_AndCreatesNothing()
    {
        var running = _tracking.StartRun("exp");
        Assert.Equal(MlopsErrorKind.InvalidOperation, Assert.Throws<MlopsException>(() => _registry.RegisterRunModel("m", running.RunId)).Kind);

        _tracking.EndRun(running.RunId, RunStatus.Finished);
        Assert.Throws<InvalidModelException>(() => _registry.RegisterRunModel("m", running.RunId));
        Assert.Empty(_registry.ListModels());
    }

    [Fact]
    public void UnknownModelsAndVersions_AreNotFound()
    {
        Assert.Throws<ModelNotFoundException>(() => _registry.GetModel("none"));
        Assert.Throws<ModelNotFoundException>(() => _registry.GetVersion("none", 1));
        _registry.RegisterRunModel("m", FinishedRunWithModel());
        Assert.Throws<ModelVersionNotFoundException>(() => _registry.GetVersion("m", 7));
        Assert.Throws<InvalidModelUriException>(() => _registry.Resolve("models:/"));
    }

    [Fact]
    public async Task FourProcessesRegisteringOneModelAtOnce_GetFourDifferentVersions()
    {
        // Separate connections (sessions), as separate processes have: each registration reads the next number itself.
        var runs = Enumerable.Range(0, 4).Select(_ => FinishedRunWithModel()).ToArray();
        using var start = new Barrier(runs.Length);
        var registrations = runs.Select(run => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return new ModelRegistry(Temp.OpenAgain()).RegisterRunModel("raced", run).Version;
            },
            TaskCreationOptions.LongRunning)).ToArray();

        Assert.Equal([1, 2, 3, 4], (await Task.WhenAll(registrations)).Order());
        Assert.Equal(4, _registry.GetModel("raced").LatestVersion);
    }

    private string FinishedRunWithModel()
    {
        var run = _tracking.StartRun("exp");
        var directory = ModelArtifactLayout.ModelDirectory(run.ArtifactUri);
        ModelArtifactLayout.WriteMetadata(directory, new ModelMetadata(
            "xgboost", "1.7.4", ModelArtifactLayout.ModelFileName,
            [new ModelInput("iot_signal_1", "double"), new ModelInput("iot_signal_2", "double")],
            "cell_tower_failure", ["0", "1"], 0.5, run.RunId, DateTime.UtcNow));
        File.WriteAllText(Path.Combine(directory, ModelArtifactLayout.ModelFileName), "{}");
        _tracking.EndRun(run.RunId, RunStatus.Finished);
        return run.RunId;
    }
}
