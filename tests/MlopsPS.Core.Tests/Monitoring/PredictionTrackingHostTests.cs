using System.Net;
using System.Text.Json;
using MlopsPS.Core.Models;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Tests.Serving;
using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Tests.Training;
using MlopsPS.Core.Training;
using static MlopsPS.Core.Tests.Monitoring.MonitoringTestSupport;
using static MlopsPS.Core.Tests.Serving.ServingTestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>Prediction tracking and explanations in a real host process, over real HTTP.</summary>
public sealed class PredictionTrackingHostTests : IDisposable
{
    private readonly TemporaryStore _temp = new();
    private readonly EndpointManager _manager;

    public PredictionTrackingHostTests()
    {
        _manager = Manager(_temp.Store);
    }

    public void Dispose()
    {
        StopAll(_manager);
        _temp.Dispose();
    }

    [Fact]
    public async Task EveryPrediction_IsLogged_WithTheIdTheCallerGot_ItsInputsAnswerProbabilityAndLatency()
    {
        var version = RegisterModel(_temp.Store, "celltower", seed: 1);
        var deployment = _manager.Publish("celltower", version);
        using var http = Client(deployment.Url!);
        var requests = new[]
        {
            """{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[0.5, -0.25, 0.125, 1]]}, "params": {"predict_proba": true}}""",
            """{"dataframe_records": [{"iot_signal_4": 0.5, "iot_signal_3": 0.25, "iot_signal_2": 0.75, "iot_signal_1": -1}, {"iot_signal_1": 0.25, "iot_signal_2": null, "iot_signal_3": 0, "iot_signal_4": 0}], "params": {"predict_proba": true}}""",
            """{"accessKey": "k", "request": {"instances": [[1, 2, 3, 4]], "params": {"predict_proba": true}}}""",
        };
        var answered = new List<(string Id, JsonElement Prediction, float Probability)>();
        foreach (var request in requests)
        {
            using var response = await PostAsync(http, request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = body.RootElement.TryGetProperty("response", out var wrapped) ? wrapped.GetProperty("prediction") : body.RootElement;
            var ids = root.GetProperty("prediction_ids").EnumerateArray().Select(i => i.GetString()!).ToArray();
            var predictions = root.GetProperty("predictions").EnumerateArray().Select(p => p.Clone()).ToArray();
            var probabilities = root.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle()).ToArray();
            answered.AddRange(ids.Select((id, i) => (id, predictions[i], probabilities[i])));
        }

        var logged = WaitForLogged(_temp.Store, "celltower", 4).ToDictionary(p => p.PredictionId);

        Assert.Equal(answered.Select(a => a.Id).Order(), logged.Keys.Order());
        foreach (var (id, prediction, probability) in answered)
        {
            var entry = logged[id];
            Assert.Equal(prediction.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Prediction);
            Assert.Equal(probability, (float)entry.Probability);
            Assert.Equal((deployment.DeploymentId, "celltower", 1), (entry.DeploymentId, entry.ModelName, entry.ModelVersion));
            Assert.InRange(entry.LatencyMs, 0.001, 5000);
            Assert.InRange(entry.PredictedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddSeconds(1));
        }

        // The records request, whose columns came in another order, is logged in the model's order.
        var records = logged[answered[1].Id];
        Assert.Equal(SyntheticData.Columns, records.Inputs.Keys);
        Assert.Equal(new double?[] { -1, 0.75, 0.25, 0.5 }, records.Inputs.Values);
        Assert.Equal(new double?[] { 0.25, null, 0, 0 }, logged[answered[2].Id].Inputs.Values);
    }

    [Fact]
    public async Task TrackingSwitchedOff_LogsNothing_AndOnAgain_Logs_WithoutRestartingTheHost()
    {
        var version = RegisterModel(_temp.Store, "switch", seed: 2);
        var deployment = _manager.Publish("switch", version, new PublishOptions { TrackingEnabled = false });
        Assert.False(_manager.GetEndpoint("switch").TrackingEnabled);
        using var http = Client(deployment.Url!);

        using (var off = await PostAsync(http, LabSample))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }

        var on = _manager.SetTracking("switch", enabled: true);
        Assert.True(on.TrackingEnabled);
        string id;
        using (var response = await PostAsync(http, LabSample))
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            id = body.RootElement.GetProperty("prediction_ids")[0].GetString()!;
        }

        Assert.Equal(id, Assert.Single(WaitForLogged(_temp.Store, "switch", 1)).PredictionId);

        _manager.SetTracking("switch", enabled: false);
        for (var i = 0; i < 20; i++)
        {
            using var response = await PostAsync(http, LabSample);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Thread.Sleep(500);
        Assert.Single(new PredictionLog(_temp.Store).List("switch"));
        Assert.Equal(deployment.ProcessId, _manager.GetEndpoint("switch").ProcessId);
        Assert.Contains(_manager.ReadLog("switch"), line => line.Contains("prediction tracking switched off", StringComparison.Ordinal));

        // The setting outlives the host: started again, it still logs nothing.
        _manager.Stop("switch");
        var restarted = _manager.Start("switch");
        Assert.False(restarted.TrackingEnabled);
        using var again = Client(restarted.Url!);
        using (var response = await PostAsync(again, LabSample))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Thread.Sleep(300);
        Assert.Single(new PredictionLog(_temp.Store).List("switch"));
    }

    [Fact]
    public async Task Stop_WritesThePredictionsAnsweredBeforeIt()
    {
        var version = RegisterModel(_temp.Store, "flush", seed: 3);
        var deployment = _manager.Publish("flush", version);
        using var http = Client(deployment.Url!);
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await PostAsync(http, LabSample);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            ids.Add(body.RootElement.GetProperty("prediction_ids")[0].GetString()!);
        }

        _manager.Stop("flush");

        Assert.Equal(ids.Order(), new PredictionLog(_temp.Store).List("flush").Select(p => p.PredictionId).Order());
        Assert.Contains(_manager.ReadLog("flush"), line => line.Contains("prediction log: 30 predictions written", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Explanations_GiveEachRowsContributionsAndBias_WhichSumToItsMargin()
    {
        var version = RegisterModel(_temp.Store, "explained", seed: 4);
        var deployment = _manager.Publish("explained", version);
        using var http = Client(deployment.Url!);
        var (features, _) = SyntheticData.Signal(40, seed: 9);
        var request = JsonSerializer.Serialize(new
        {
            dataframe_split = new
            {
                columns = SyntheticData.Columns,
                data = Enumerable.Range(0, features.Rows).Select(r => features.Row(r).ToArray().Select(v => float.IsNaN(v) ? (double?)null : v)),
            },
            @params = new { predict_proba = true, explain = true },
        });

        using var response = await PostAsync(http, request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var body = JsonDocument.Parse(text);
        var probabilities = body.RootElement.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        var rows = body.RootElement.GetProperty("contributions").EnumerateArray().ToArray();

        using var model = TrainedModel.LoadJson(Path.Combine(version.Source, ModelArtifactLayout.ModelFileName), SyntheticData.Columns);
        var margins = model.PredictMargin(features);
        Assert.Equal(features.Rows, rows.Length);
        for (var r = 0; r < rows.Length; r++)
        {
            var names = rows[r].EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(SyntheticData.Columns.Append("bias"), names);
            var sum = rows[r].EnumerateObject().Sum(p => p.Value.GetDouble());
            var p = probabilities[r];
            Assert.True(Math.Abs(sum - Math.Log(p / (1 - p))) < 1e-4, $"row {r}: contributions sum to {sum}, logit of {p} is {Math.Log(p / (1 - p))}");
            Assert.True(Math.Abs(sum - margins[r]) < 1e-4, $"row {r}: contributions sum to {sum}, the margin is {margins[r]}");
        }

        // The feature the label depends on most moves the margin most (x0, then x1; x2 and x3 not at all).
        var mean = (string name) => rows.Average(row => Math.Abs(row.GetProperty(name).GetDouble()));
        Assert.True(mean("iot_signal_1") > mean("iot_signal_3"));

        // Not asked, not computed.
        using var plain = await PostAsync(http, LabSample);
        Assert.DoesNotContain("contributions", await plain.Content.ReadAsStringAsync());
    }

    [Fact]
    public void ScoringClient_WithExplain_ReadsEachRowsContributions()
    {
        var version = RegisterModel(_temp.Store, "client", seed: 5);
        var deployment = _manager.Publish("client", version);
        using var client = new ScoringClient(new Uri(deployment.Url!));

        var result = client.Score(SyntheticData.Columns, [0.5, -0.5, 0.25, double.NaN, -0.75, 0.5, 0, 1], rows: 2, explain: true);

        Assert.NotNull(result.Contributions);
        Assert.Equal(2, result.Contributions!.Count);
        for (var r = 0; r < 2; r++)
        {
            Assert.Equal(SyntheticData.Columns.Append("bias"), result.Contributions[r].Select(c => c.Key));
            var p = result.Probabilities![r];
            Assert.True(Math.Abs(result.Contributions[r].Sum(c => c.Value) - Math.Log(p / (1 - p))) < 1e-4);
        }
    }
}
