using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.Core.Serving;

/// <summary>
/// What one scoring request returned: a prediction, its id and P(second class) per row, and who answered; with
/// explanations, each row's feature contributions (feature -&gt; SHAP value, and the bias), in the endpoint's order.
/// </summary>
public sealed record ScoringResult(
    IReadOnlyList<object?> Predictions,
    IReadOnlyList<string> PredictionIds,
    IReadOnlyList<double>? Probabilities,
    string? ModelName,
    int? ModelVersion,
    IReadOnlyList<IReadOnlyList<KeyValuePair<string, double>>>? Contributions = null);

/// <summary>
/// A client of a scoring endpoint (ours or any MLflow-compatible server): asks <c>/version</c> for the input columns,
/// sends rows as <c>dataframe_split</c> with <c>params.predict_proba</c>, and reads the predictions, their ids and
/// probabilities. Used by <c>Invoke-ModelEndpoint</c>.
/// </summary>
public sealed class ScoringClient : IDisposable
{
    /// <summary>The response header that names the served model.</summary>
    public const string ModelNameHeader = "Mlops-Model-Name";

    /// <summary>The response header that gives the served version.</summary>
    public const string ModelVersionHeader = "Mlops-Model-Version";

    private readonly HttpClient _http;

    /// <summary>A client of the endpoint at <paramref name="baseUri"/> (e.g. http://127.0.0.1:5000).</summary>
    public ScoringClient(Uri baseUri, string? apiKey = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = new Uri(baseUri.ToString().TrimEnd('/') + "/"),
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
        if (!string.IsNullOrEmpty(apiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    /// <summary>What the endpoint serves: model, version, input columns.</summary>
    public VersionInfo GetVersion()
    {
        try
        {
            using var response = _http.GetAsync("version").GetAwaiter().GetResult();
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                throw Failure((int)response.StatusCode, body);
            }

            return JsonSerializer.Deserialize<VersionInfo>(body)
                ?? throw new ScoringRequestException((int)response.StatusCode, ScoringErrorCode.InternalError, "/version returned an empty body.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new EndpointHostException($"The endpoint at {_http.BaseAddress} does not answer: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new ScoringRequestException(200, ScoringErrorCode.InternalError, $"/version did not return the expected JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Scores <paramref name="rows"/> rows (row-major <paramref name="values"/>, one value per column; NaN = missing)
    /// and returns one prediction per row, in order.
    /// </summary>
    /// <param name="explain">Asks for each row's SHAP feature contributions (<c>"params": {"explain": true}</c>).</param>
    public ScoringResult Score(IReadOnlyList<string> columns, ReadOnlySpan<double> values, int rows, bool probabilities = true, bool explain = false)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (values.Length != rows * columns.Count)
        {
            throw new ArgumentException($"{values.Length} values do not fill {rows} rows x {columns.Count} columns.", nameof(values));
        }

        var body = new ArrayBufferWriter<byte>(64 + (values.Length * 12));
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteStartObject("dataframe_split"u8);
            json.WriteStartArray("columns"u8);
            foreach (var column in columns)
            {
                json.WriteStringValue(column);
            }

            json.WriteEndArray();
            json.WriteStartArray("data"u8);
            for (var r = 0; r < rows; r++)
            {
                json.WriteStartArray();
                foreach (var value in values.Slice(r * columns.Count, columns.Count))
                {
                    if (double.IsFinite(value))
                    {
                        json.WriteNumberValue(value);
                    }
                    else
                    {
                        json.WriteNullValue();
                    }
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            if (probabilities || explain)
            {
                json.WriteStartObject("params"u8);
                if (probabilities)
                {
                    json.WriteBoolean("predict_proba"u8, true);
                }

                if (explain)
                {
                    json.WriteBoolean("explain"u8, true);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        using var content = new ReadOnlyMemoryContent(body.WrittenMemory);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = _http.PostAsync("invocations", content).GetAwaiter().GetResult();
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                throw Failure((int)response.StatusCode, text);
            }

            return ParseResult(text, rows, Header(response, ModelNameHeader), Header(response, ModelVersionHeader));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new EndpointHostException($"The endpoint at {_http.BaseAddress} does not answer: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static ScoringResult ParseResult(string text, int rows, string? modelName, string? modelVersion)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var predictions = root.GetProperty("predictions").EnumerateArray().Select(ToValue).ToArray();
            var ids = root.TryGetProperty("prediction_ids", out var idArray)
                ? idArray.EnumerateArray().Select(i => i.GetString() ?? string.Empty).ToArray()
                : new string[predictions.Length];
            double[]? probabilities = root.TryGetProperty("probabilities", out var probabilityArray)
                ? probabilityArray.EnumerateArray().Select(p => p.GetDouble()).ToArray()
                : null;
            IReadOnlyList<KeyValuePair<string, double>>[]? contributions = root.TryGetProperty("contributions", out var contributionArray)
                ? contributionArray.EnumerateArray()
                    .Select(row => (IReadOnlyList<KeyValuePair<string, double>>)row.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetDouble())).ToArray())
                    .ToArray()
                : null;
            if (predictions.Length != rows || ids.Length != rows || (probabilities is not null && probabilities.Length != rows)
                || (contributions is not null && contributions.Length != rows))
            {
                throw new ScoringRequestException(200, ScoringErrorCode.InternalError, $"The endpoint returned {predictions.Length} predictions for {rows} rows.");
            }

            return new ScoringResult(
                predictions,
                ids,
                probabilities,
                modelName,
                int.TryParse(modelVersion, NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) ? version : null,
                contributions);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ScoringRequestException(200, ScoringErrorCode.InternalError, $"The endpoint's answer is not MLflow's {{\"predictions\": [...]}}: {e.Message}");
        }
    }

    private static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt64(out var whole) => whole,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => element.GetRawText(),
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static ScoringRequestException Failure(int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return new ScoringRequestException(
                status,
                root.TryGetProperty("error_code", out var code) ? code.GetString() ?? "UNKNOWN" : "UNKNOWN",
                root.TryGetProperty("message", out var message) ? message.GetString() ?? body : body);
        }
        catch (JsonException)
        {
            return new ScoringRequestException(status, "UNKNOWN", body.Length > 500 ? body[..500] : body);
        }
    }
}
