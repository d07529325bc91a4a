using System.Globalization;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Reads the two kinds of rows a drift comparison takes into <see cref="DriftSample"/>s: rows of a table scan, straight
/// from the column arrays as doubles (no float32 rounding, no object per row), and the inputs an endpoint logged with its
/// predictions (through the prediction log's own reader).
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
    /// The <paramref name="features"/> of the predictions <paramref name="endpointName"/> logged in the window, from the
    /// prediction log (<see cref="PredictionLog"/>); a feature that is missing or null in a prediction is left out for
    /// that one.
    /// </summary>
    public static DriftSample FromPredictions(MlopsStore store, string endpointName, DriftWindow window, IReadOnlyList<string> features)
    {
        var logged = new PredictionLog(store).List(endpointName, window.Start, window.End, window.Last);
        var lists = features.Select(_ => new List<double>(logged.Count)).ToArray();
        foreach (var prediction in logged)
        {
            for (var f = 0; f < features.Count; f++)
            {
                if (prediction.Inputs.TryGetValue(features[f], out var value) && value is double number && double.IsFinite(number))
                {
                    lists[f].Add(number);
                }
            }
        }

        var description = logged.Count == 0
            ? $"no predictions of endpoint '{endpointName}' {Describe(window)}"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{logged.Count:N0} predictions of endpoint '{endpointName}', {Time(logged.Min(p => p.PredictedAt))} to {Time(logged.Max(p => p.PredictedAt))} UTC");
        return new DriftSample(description, logged.Count, features.Select((f, i) => KeyValuePair.Create(f, lists[i].ToArray())));
    }

    /// <summary>The window in words, for the message about an empty one.</summary>
    public static string Describe(DriftWindow window)
    {
        var parts = new List<string>();
        if (window.Last is int last)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"among the newest {last:N0}"));
        }

        if (window.Start is { } start)
        {
            parts.Add("since " + start.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC");
        }

        if (window.End is { } end)
        {
            parts.Add("before " + end.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC");
        }

        return parts.Count == 0 ? "at all" : string.Join(", ", parts);
    }

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

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
