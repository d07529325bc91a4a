using System.Globalization;
using System.Text.Json;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Reads the two kinds of rows a drift comparison takes into <see cref="DriftSample"/>s: rows of a table scan, straight
/// from the column arrays as doubles (no float32 rounding, no object per row), and the inputs an endpoint logged with its
/// predictions.
/// </summary>
internal static class DriftSampleReader
{
    /// <summary>The numeric <paramref name="features"/> of every row of <paramref name="scan"/>; nulls and NaN are left out.</summary>
    public static DriftSample FromScan(TableScan scan, IReadOnlyList<string> features, string description, CancellationToken cancellationToken)
    {
        var lists = features.Select(_ => new List<double>((int)Math.Min(scan.RecordCount, int.MaxValue))).ToArray();
        long rows = 0;
        foreach (var batch in scan.ReadBatches(cancellationToken))
        {
            for (var f = 0; f < features.Count; f++)
            {
                AppendNumbers(batch.Column(features[f]), batch.RowCount, lists[f]);
            }

            rows += batch.RowCount;
        }

        return new DriftSample(description, rows, features.Select((f, i) => KeyValuePair.Create(f, lists[i].ToArray())));
    }

    /// <summary>
    /// The <paramref name="features"/> of the predictions <paramref name="endpointName"/> logged in the window, from their
    /// <c>inputs_json</c>; a feature that is missing, null or not a number in a prediction is left out for that one.
    /// </summary>
    public static DriftSample FromPredictions(MlopsStore store, string endpointName, DriftWindow window, IReadOnlyList<string> features)
    {
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT inputs_json, predicted_at FROM predictions
            WHERE endpoint_name = $endpoint AND predicted_at >= $since AND predicted_at < $until
            ORDER BY predicted_at DESC, prediction_id
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$endpoint", endpointName);
        command.Parameters.AddWithValue("$since", window.Since is { } since ? UnixTime.ToMs(since) : long.MinValue);
        command.Parameters.AddWithValue("$until", window.Until is { } until ? UnixTime.ToMs(until) : long.MaxValue);
        command.Parameters.AddWithValue("$limit", window.Last ?? -1); // a negative LIMIT is no limit in SQLite

        var index = features.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i, StringComparer.Ordinal);
        var lists = features.Select(_ => new List<double>()).ToArray();
        long rows = 0, newest = long.MinValue, oldest = long.MaxValue;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows++;
                var at = reader.GetInt64(1);
                newest = Math.Max(newest, at);
                oldest = Math.Min(oldest, at);
                ReadInputs(reader.GetString(0), index, lists);
            }
        }

        var description = rows == 0
            ? $"no predictions of endpoint '{endpointName}' {Describe(window)}"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{rows:N0} predictions of endpoint '{endpointName}', {Time(oldest)} to {Time(newest)} UTC");
        return new DriftSample(description, rows, features.Select((f, i) => KeyValuePair.Create(f, lists[i].ToArray())));
    }

    /// <summary>The window in words, for the message about an empty one.</summary>
    public static string Describe(DriftWindow window)
    {
        var parts = new List<string>();
        if (window.Last is int last)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"among the newest {last:N0}"));
        }

        if (window.Since is { } since)
        {
            parts.Add("since " + since.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC");
        }

        if (window.Until is { } until)
        {
            parts.Add("before " + until.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC");
        }

        return parts.Count == 0 ? "at all" : string.Join(", ", parts);
    }

    private static string Time(long ms) =>
        UnixTime.ToDateTime(ms).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static void ReadInputs(string json, Dictionary<string, int> index, List<double>[] lists)
    {
        // {"feature": value, ...} as the host logs it; anything else in a row is ignored rather than failing the comparison.
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!reader.Read())
            {
                return;
            }

            if (index.TryGetValue(name, out var position) && Number(ref reader) is double value)
            {
                lists[position].Add(value);
            }

            reader.Skip();
        }
    }

    private static double? Number(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetDouble(out var value) && double.IsFinite(value) => value,
        JsonTokenType.True => 1.0,
        JsonTokenType.False => 0.0,
        JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && double.IsFinite(parsed) => parsed,
        _ => null,
    };

    private static void AppendNumbers(Array column, int count, List<double> target)
    {
        switch (column)
        {
            case long[] values:
                for (var i = 0; i < count; i++) { target.Add(values[i]); }
                break;
            case long?[] values:
                for (var i = 0; i < count; i++) { if (values[i] is { } v) { target.Add(v); } }
                break;
            case int[] values:
                for (var i = 0; i < count; i++) { target.Add(values[i]); }
                break;
            case int?[] values:
                for (var i = 0; i < count; i++) { if (values[i] is { } v) { target.Add(v); } }
                break;
            case double[] values:
                for (var i = 0; i < count; i++) { if (!double.IsNaN(values[i])) { target.Add(values[i]); } }
                break;
            case double?[] values:
                for (var i = 0; i < count; i++) { if (values[i] is { } v && !double.IsNaN(v)) { target.Add(v); } }
                break;
            case float[] values:
                for (var i = 0; i < count; i++) { if (!float.IsNaN(values[i])) { target.Add(values[i]); } }
                break;
            case float?[] values:
                for (var i = 0; i < count; i++) { if (values[i] is { } v && !float.IsNaN(v)) { target.Add(v); } }
                break;
            case bool[] values:
                for (var i = 0; i < count; i++) { target.Add(values[i] ? 1 : 0); }
                break;
            case bool?[] values:
                for (var i = 0; i < count; i++) { if (values[i] is { } v) { target.Add(v ? 1 : 0); } }
                break;
            default:
                throw new InvalidOperationException($"A column of {column.GetType().Name} is not numeric; the caller checks the schema first.");
        }
    }
}
