using System.Text.Json;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>Reads the prediction log (<c>predictions</c> with <c>ground_truth</c>, migration 0006).</summary>
public sealed class PredictionLog
{
    private const string Columns = """
        p.prediction_id, p.endpoint_name, p.deployment_id, p.model_name, p.model_version, p.predicted_at, p.inputs_json,
        p.prediction, p.probability, p.latency_us, g.label, g.recorded_at
        """;

    private readonly MlopsStore _store;

    /// <summary>The prediction log of <paramref name="store"/>.</summary>
    public PredictionLog(MlopsStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>One prediction by the id the caller got, or null when the log has none with that id.</summary>
    public LoggedPrediction? Find(string predictionId)
    {
        ArgumentNullException.ThrowIfNull(predictionId);
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM predictions p LEFT JOIN ground_truth g ON g.prediction_id = p.prediction_id
            WHERE p.prediction_id = $id;
            """;
        command.Parameters.AddWithValue("$id", Normalize(predictionId));
        return Read(command).SingleOrDefault();
    }

    /// <summary>One prediction by id; <see cref="PredictionNotFoundException"/> when the log has none.</summary>
    public LoggedPrediction Get(string predictionId) => Find(predictionId) ?? throw new PredictionNotFoundException(predictionId);

    /// <summary>
    /// The predictions of the endpoints matching <paramref name="endpointPattern"/> (<c>*</c>/<c>?</c> wildcards)
    /// made in [<paramref name="start"/>, <paramref name="end"/>), oldest first; with <paramref name="last"/>, only the
    /// newest that many (still oldest first).
    /// </summary>
    public IReadOnlyList<LoggedPrediction> List(string endpointPattern = "*", DateTime? start = null, DateTime? end = null, int? last = null)
    {
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        var order = last is null ? "ASC" : "DESC";
        command.CommandText = $"""
            SELECT {Columns} FROM predictions p LEFT JOIN ground_truth g ON g.prediction_id = p.prediction_id
            WHERE p.endpoint_name GLOB $pattern AND p.predicted_at >= $start AND p.predicted_at < $end
            ORDER BY p.endpoint_name, p.predicted_at {order}, p.prediction_id {order}
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$pattern", endpointPattern.Replace("[", "[[]", StringComparison.Ordinal));
        command.Parameters.AddWithValue("$start", start is { } from ? UnixTime.ToMs(from) : long.MinValue);
        command.Parameters.AddWithValue("$end", end is { } to ? UnixTime.ToMs(to) : long.MaxValue);
        command.Parameters.AddWithValue("$limit", last ?? -1);
        var rows = Read(command);
        if (last is not null)
        {
            rows.Reverse();
        }

        return rows;
    }

    /// <summary>Ids as the host writes them: lowercase hex; a caller may paste them in upper case or with braces.</summary>
    internal static string Normalize(string predictionId) =>
        Guid.TryParse(predictionId, out var id) ? id.ToString("D") : predictionId.Trim();

    private static List<LoggedPrediction> Read(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<LoggedPrediction>();
        while (reader.Read())
        {
            rows.Add(new LoggedPrediction(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                UnixTime.ToDateTime(reader.GetInt64(5)),
                ParseInputs(reader.GetString(6)),
                reader.GetString(7),
                reader.GetDouble(8),
                reader.GetInt64(9) / 1000.0,
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : UnixTime.ToDateTime(reader.GetInt64(11))));
        }

        return rows;
    }

    private static IReadOnlyDictionary<string, double?> ParseInputs(string json)
    {
        using var document = JsonDocument.Parse(json);
        var inputs = new OrderedDictionary<string, double?>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            inputs[property.Name] = property.Value.ValueKind == JsonValueKind.Number ? property.Value.GetDouble() : null;
        }

        return inputs;
    }
}
