using System.Net;
using System.Text.Json;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Tests.Training;
using static MlopsPS.Core.Tests.Serving.ServingTestSupport;

namespace MlopsPS.Core.Tests.Serving;

/// <summary>The scoring protocol, over real HTTP against a real host process started by Publish.</summary>
public sealed class ScoringHostTests(PublishedEndpointFixture endpoint) : IClassFixture<PublishedEndpointFixture>
{
    private HttpClient Http => endpoint.Client;

    [Fact]
    public async Task LabSampleRequest_ReturnsAClassLabelPrediction_WithAnId()
    {
        using var response = await PostAsync(Http, LabSample);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", response.Headers.GetValues(ScoringClient.ModelVersionHeader).Single());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var prediction = Assert.Single(body.RootElement.GetProperty("predictions").EnumerateArray());
        Assert.Contains(prediction.GetInt32(), new[] { 0, 1 });
        var id = Assert.Single(body.RootElement.GetProperty("prediction_ids").EnumerateArray()).GetString();
        Assert.True(Guid.TryParse(id, out _), $"'{id}' is not a UUID");
        Assert.False(body.RootElement.TryGetProperty("probabilities", out _), "probabilities only when asked for");
    }

    [Theory]
    [InlineData(300, "one batch above 64 rows: libxgboost")]
    [InlineData(50, "batches of 50 rows: the compiled trees")]
    [InlineData(1, "single rows: the compiled trees")]
    public async Task ServedPredictions_EqualTheEnginesPredictions_ForTheSameRows(int batchRows, string path)
    {
        var (features, _) = SyntheticData.Signal(batchRows == 1 ? 40 : 300, seed: 42);
        var served = new List<float>();
        var labels = new List<int>();
        var ids = new List<string?>();
        for (var start = 0; start < features.Rows; start += batchRows)
        {
            var rows = Enumerable.Range(start, Math.Min(batchRows, features.Rows - start)).Select(r => features.Row(r).ToArray());
            var request = JsonSerializer.Serialize(new
            {
                dataframe_split = new { columns = SyntheticData.Columns, data = rows.Select(r => r.Select(v => float.IsNaN(v) ? (double?)null : v).ToArray()) },
                @params = new { predict_proba = true },
            });

            using var response = await PostAsync(Http, request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            served.AddRange(body.RootElement.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle()));
            labels.AddRange(body.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetInt32()));
            ids.AddRange(body.RootElement.GetProperty("prediction_ids").EnumerateArray().Select(p => p.GetString()));
        }

        var expected = EnginePredictions(endpoint.Version, features.Values.ToArray(), features.Rows);
        Assert.True(expected.SequenceEqual(served), path);
        Assert.Equal(expected.Select(p => p >= 0.5f ? 1 : 0), labels);
        Assert.Equal(features.Rows, ids.Distinct().Count());
    }

    public static TheoryData<string, string> EveryInputShape => new()
    {
        { "dataframe_split", LabSample },
        { "dataframe_split, columns after data and in another order", """{"dataframe_split": {"data": [[14.5, 35.5, 30.5, 200.5]], "index": [7], "columns": ["iot_signal_4", "iot_signal_1", "iot_signal_3", "iot_signal_2"]}}""" },
        { "dataframe_records", """{"dataframe_records": [{"iot_signal_2": 200.5, "iot_signal_1": 35.5, "iot_signal_3": 30.5, "iot_signal_4": 14.5}]}""" },
        { "instances as records", """{"instances": [{"iot_signal_1": 35.5, "iot_signal_2": 200.5, "iot_signal_3": 30.5, "iot_signal_4": 14.5}]}""" },
        { "instances as lists in model order", """{"instances": [[35.5, 200.5, 30.5, 14.5]]}""" },
        { "inputs as columns", """{"inputs": {"iot_signal_1": [35.5], "iot_signal_2": [200.5], "iot_signal_3": [30.5], "iot_signal_4": [14.5]}}""" },
        { "inputs as one row of scalars, with params", """{"params": {"predict_proba": false}, "inputs": {"iot_signal_1": 35.5, "iot_signal_2": 200.5, "iot_signal_3": 30.5, "iot_signal_4": 14.5}}""" },
        { "the original platform's wrapper", """{"accessKey": "mkey", "request": {"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[35.5, 200.5, 30.5, 14.5]]}}}""" },
    };

    [Theory]
    [MemberData(nameof(EveryInputShape))]
    public async Task EveryInputShape_GivesTheLabSamplesPrediction(string shape, string request)
    {
        var expected = await ProbabilityOf(LabSample);
        var actual = await ProbabilityOf(AskForProbabilities(request));
        Assert.True(expected == actual, $"{shape}: {actual} != {expected}");
    }

    [Fact]
    public async Task Csv_WithAHeader_GivesTheSamePredictions_AsJson()
    {
        const string csv = "iot_signal_3,iot_signal_1,iot_signal_2,iot_signal_4\r\n30.5,35.5,200.5,14.5\r\n0.1,-0.2,,0.4\r\n";
        using var response = await PostAsync(Http, csv, "text/csv; charset=utf-8");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var predictions = body.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetInt32()).ToArray();
        Assert.Equal(2, predictions.Length);
        var json = """{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[35.5, 200.5, 30.5, 14.5], [-0.2, null, 0.1, 0.4]]}}""";
        using var jsonResponse = await PostAsync(Http, json);
        using var jsonBody = JsonDocument.Parse(await jsonResponse.Content.ReadAsStringAsync());
        Assert.Equal(jsonBody.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetInt32()), predictions);
    }

    [Fact]
    public async Task WrappedRequest_GetsTheWrappedAnswer_WithTheRequestUuid()
    {
        using var response = await PostAsync(Http, """{"accessKey": "k", "request": {"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[1, 2, 3, 4]]}}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("success").GetBoolean());
        var inner = body.RootElement.GetProperty("response");
        var ids = inner.GetProperty("prediction").GetProperty("prediction_ids").EnumerateArray().Select(i => i.GetString()).ToArray();
        Assert.Equal(ids[0], inner.GetProperty("uuid").GetString());
    }

    public static TheoryData<string, string, string, int> BadInputs => new()
    {
        { "malformed JSON", "application/json", """{"dataframe_split": {"columns": [""", 400 },
        { "not an object", "application/json", """[[1, 2, 3, 4]]""", 400 },
        { "unknown shape", "application/json", """{"rows": [[1, 2, 3, 4]]}""", 400 },
        { "two shapes", "application/json", """{"instances": [[1, 2, 3, 4]], "inputs": [[1, 2, 3, 4]]}""", 400 },
        { "missing column", "application/json", """{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3"], "data": [[1, 2, 3]]}}""", 400 },
        { "extra column", "application/json", """{"dataframe_records": [{"iot_signal_1": 1, "iot_signal_2": 2, "iot_signal_3": 3, "iot_signal_4": 4, "tower": 5}]}""", 400 },
        { "non-numeric value", "application/json", """{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[1, "two", 3, 4]]}}""", 400 },
        { "boolean value", "application/json", """{"instances": [[1, true, 3, 4]]}""", 400 },
        { "non-finite value", "application/json", """{"instances": [[1, 1e300, 3, 4]]}""", 400 },
        { "NaN as a string", "text/csv", "iot_signal_1,iot_signal_2,iot_signal_3,iot_signal_4\nNaN,2,3,4\n", 400 },
        { "empty data", "application/json", """{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": []}}""", 400 },
        { "ragged rows", "application/json", """{"instances": [[1, 2, 3, 4], [1, 2, 3]]}""", 400 },
        { "empty body", "application/json", "", 400 },
        { "CSV with a short row", "text/csv", "iot_signal_1,iot_signal_2,iot_signal_3,iot_signal_4\n1,2,3\n", 400 },
        { "unsupported content type", "text/plain", LabSample, 415 },
        { "a charset other than UTF-8", "application/json; charset=latin1", LabSample, 415 },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_GetsItsMlflowError_AndTheHostKeepsServing(string what, string contentType, string body, int status)
    {
        using var response = await PostAsync(Http, body, contentType);

        Assert.True(status == (int)response.StatusCode, $"{what}: expected {status}, got {(int)response.StatusCode}");
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("BAD_REQUEST", error.RootElement.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.RootElement.GetProperty("message").GetString()));
        using var after = await PostAsync(Http, LabSample);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task BodyOverTheEndpointsLimit_Gets413_AndTheHostKeepsServing()
    {
        var row = "[1.5, 2.5, 3.5, 4.5]";
        var big = """{"instances": [""" + string.Join(",", Enumerable.Repeat(row, 5000)) + "]}";
        Assert.True(big.Length > 64 * 1024);

        using var response = await PostAsync(Http, big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("BAD_REQUEST", error.RootElement.GetProperty("error_code").GetString());

        using var fresh = Client(endpoint.Deployment.Url!);
        using var after = await PostAsync(fresh, LabSample);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task PingHealthAndVersion_AnswerAsMlflow_AndVersionNamesTheModel()
    {
        foreach (var path in new[] { "/ping", "/health" })
        {
            using var response = await Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("\n", await response.Content.ReadAsStringAsync());
        }

        var version = JsonSerializer.Deserialize<VersionInfo>(await Http.GetStringAsync("/version"))!;
        Assert.Equal("celltower", version.ModelName);
        Assert.Equal(1, version.ModelVersion);
        Assert.Equal(endpoint.Deployment.DeploymentId, version.DeploymentId);
        Assert.Equal(SyntheticData.Columns, version.Inputs);
    }

    [Fact]
    public async Task UnknownRoutesAndMethods_AreJsonErrors_NotCrashes()
    {
        using var missing = await Http.GetAsync("/predict");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var wrongMethod = await Http.GetAsync("/invocations");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("error_code", await wrongMethod.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ControlRoutes_WithoutTheToken_LookLikeUnknownRoutes_AndChangeNothing()
    {
        using var shutdown = await Http.PostAsync(HostControl.ShutdownPath, null);
        Assert.Equal(HttpStatusCode.NotFound, shutdown.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, HostControl.ShutdownPath);
        request.Headers.Add(HostControl.TokenHeader, "guess");
        using var guessed = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, guessed.StatusCode);
        using var after = await PostAsync(Http, LabSample);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public void ScoringClient_SendsRowsInBatches_AndReadsPredictionsIdsAndProbabilities()
    {
        using var client = new ScoringClient(new Uri(endpoint.Deployment.Url!));
        var version = client.GetVersion();
        var result = client.Score(version.Inputs!, [35.5, 200.5, 30.5, 14.5, 0.1, double.NaN, 0.3, 0.4], rows: 2);

        Assert.Equal(2, result.Predictions.Count);
        Assert.All(result.Predictions, p => Assert.IsType<long>(p));
        Assert.Equal(2, result.PredictionIds.Distinct().Count());
        Assert.NotNull(result.Probabilities);
        Assert.Equal("celltower", result.ModelName);
        Assert.Equal(1, result.ModelVersion);
    }

    private async Task<float> ProbabilityOf(string request)
    {
        using var response = await PostAsync(Http, AskForProbabilities(request));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var body = JsonDocument.Parse(text);
        var root = body.RootElement.TryGetProperty("response", out var wrapped) ? wrapped.GetProperty("prediction") : body.RootElement;
        return Assert.Single(root.GetProperty("probabilities").EnumerateArray()).GetSingle();
    }

    // Adds params.predict_proba = true to a request (inside the wrapper when wrapped).
    private static string AskForProbabilities(string request)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(request)!.AsObject();
        var target = node["request"]?.AsObject() ?? node;
        target["params"] = new System.Text.Json.Nodes.JsonObject { ["predict_proba"] = true };
        return node.ToJsonString();
    }
}
