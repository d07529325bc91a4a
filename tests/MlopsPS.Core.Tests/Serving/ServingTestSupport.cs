using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using MlopsPS.Core.Models;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Tests.Training;
using MlopsPS.Core.Tracking;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Serving;

/// <summary>Real model versions in a store, the host's build output, and an HTTP client for the tests.</summary>
internal static class ServingTestSupport
{
    public const string LabSample = """{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[35.5, 200.5, 30.5, 14.5]]}}""";

    /// <summary>The scoring host's build output (set by the test project), run as <c>dotnet MlopsPS.ScoringHost.dll</c>.</summary>
    public static string HostDirectory { get; } =
        typeof(ServingTestSupport).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ScoringHostDirectory").Value!;

    public static EndpointManager Manager(MlopsStore store) => new(store, HostDirectory);

    /// <summary>
    /// Trains a small model on the synthetic signal (different <paramref name="seed"/>s give different models), logs it
    /// as a finished run with MLflow's artifact layout, and registers it: what Invoke-Retrain produces.
    /// </summary>
    public static ModelVersion RegisterModel(MlopsStore store, string modelName, int seed, int rounds = 20)
    {
        var (features, labels) = SyntheticData.Signal(2000, seed);
        using var model = SyntheticData.SmallTrainer(rounds).Train(features, labels);
        return Register(store, modelName, directory => model.SaveJson(Path.Combine(directory, ModelArtifactLayout.ModelFileName)));
    }

    /// <summary>A registered version whose model file libxgboost cannot load: it must never be swapped in.</summary>
    public static ModelVersion RegisterBrokenModel(MlopsStore store, string modelName) =>
        Register(store, modelName, directory => File.WriteAllText(Path.Combine(directory, ModelArtifactLayout.ModelFileName), """{"learner": "not a model"}"""));

    /// <summary>The engine's own prediction for rows, from the version's model file.</summary>
    public static float[] EnginePredictions(ModelVersion version, float[] rowMajor, int rows)
    {
        using var model = TrainedModel.LoadJson(Path.Combine(version.Source, ModelArtifactLayout.ModelFileName), SyntheticData.Columns);
        return model.PredictProbabilities(new FeatureMatrix(rowMajor, rows, SyntheticData.Columns));
    }

    public static HttpClient Client(string baseUrl) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string contentType = "application/json", Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        configure?.Invoke(request);
        return client.SendAsync(request);
    }

    /// <summary>Stops every endpoint of the store (the tests must leave no host running).</summary>
    public static void StopAll(EndpointManager manager)
    {
        foreach (var name in manager.ListEndpointNames())
        {
            try
            {
                manager.Stop(name);
            }
            catch (MlopsException)
            {
                // Keep stopping the others.
            }
        }
    }

    private static ModelVersion Register(MlopsStore store, string modelName, Action<string> writeModel)
    {
        var tracking = new TrackingStore(store);
        var run = tracking.StartRun("serving-tests");
        var directory = ModelArtifactLayout.ModelDirectory(run.ArtifactUri);
        Directory.CreateDirectory(directory);
        writeModel(directory);
        ModelArtifactLayout.WriteMetadata(directory, new ModelMetadata(
            "xgboost", XGBoostLibrary.Version, ModelArtifactLayout.ModelFileName,
            SyntheticData.Columns.Select(c => new ModelInput(c, "double")).ToArray(),
            "cell_tower_failure", ["0", "1"], 0.5, run.RunId, DateTime.UtcNow));
        tracking.EndRun(run.RunId, RunStatus.Finished);
        return new ModelRegistry(store).RegisterRunModel(modelName, run.RunId);
    }
}

/// <summary>One store with one published endpoint (version 1, a 64 KiB body limit), shared by a test class.</summary>
public sealed class PublishedEndpointFixture : IDisposable
{
    public PublishedEndpointFixture()
    {
        Temp = new TemporaryStore();
        Manager = ServingTestSupport.Manager(Temp.Store);
        Version = ServingTestSupport.RegisterModel(Temp.Store, "celltower", seed: 1);
        Deployment = Manager.Publish("celltower", Version, new PublishOptions { MaxBodyBytes = 64 * 1024 });
        Client = ServingTestSupport.Client(Deployment.Url!);
    }

    internal TemporaryStore Temp { get; }

    public EndpointManager Manager { get; }

    public ModelVersion Version { get; }

    public Deployment Deployment { get; }

    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        ServingTestSupport.StopAll(Manager);
        Temp.Dispose();
    }
}
