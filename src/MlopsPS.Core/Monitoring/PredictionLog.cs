using System.Data.Common;
using MlopsPS.Core.Common;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>Reads the prediction log (<c>prediction_log</c> with its sources and <c>ground_truth</c>, migration 0007).</summary>
public sealed class PredictionLog
{
    private const string Select = """
        SELECT p.prediction_id, s.endpoint_name, s.deployment_id, s.model_name, s.model_version, p.predicted_at,
            p.inputs, p.prediction, p.probability, p.latency_us, g.label, g.recorded_at, s.source_id, s.features_json
        FROM prediction_log p
        JOIN prediction_sources s ON s.source_id = p.source_id
        LEFT JOIN ground_truth g ON g.prediction_seq = p.seq
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
        using var connection = _store.Database.Open();
        using var lookup = new PredictionIdLookup(connection);
        if (lookup.FindSeq(predictionId) is not { } seq)
        {
            return null;
        }

        using var command = CatalogDatabase.Command(connection, null, $"""
            {Select}
            WHERE p.seq = @seq
            """, ("seq", seq));
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
        using var connection = _store.Database.Open();
        var dialect = _store.Database.Dialect;
        var order = last is null ? "ASC" : "DESC";
        using var command = CatalogDatabase.Command(connection, null, $"""
            {Select}
            WHERE {dialect.WildcardMatch("s.endpoint_name", "@pattern")} AND p.predicted_at >= @start AND p.predicted_at < @end
            ORDER BY s.endpoint_name, p.predicted_at {order}, p.prediction_id {order}
            LIMIT @limit
            """,
            ("pattern", dialect.WildcardPattern(endpointPattern)),
            ("start", start is { } from ? UnixTime.ToMs(from) : long.MinValue),
            ("end", end is { } to ? UnixTime.ToMs(to) : long.MaxValue),
            ("limit", (long?)last ?? long.MaxValue));
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

    private static List<LoggedPrediction> Read(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<LoggedPrediction>();
        var features = new Dictionary<long, string[]>();
        while (reader.Read())
        {
            var sourceId = reader.GetInt64(12);
            if (!features.TryGetValue(sourceId, out var names))
            {
                names = PredictionInputs.ParseFeatures(reader.GetString(13));
                features.Add(sourceId, names);
            }

            rows.Add(new LoggedPrediction(
                PredictionIds.FromBytes(reader.GetFieldValue<byte[]>(0)),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                checked((int)reader.GetInt64(4)),
                UnixTime.ToDateTime(reader.GetInt64(5)),
                PredictionInputs.Read(reader.GetValue(6), names),
                reader.GetString(7),
                reader.GetDouble(8),
                reader.GetInt64(9) / 1000.0,
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : UnixTime.ToDateTime(reader.GetInt64(11))));
        }

        return rows;
    }
}
