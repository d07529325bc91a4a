using System.Globalization;

namespace MlopsPS.Core.Tracking;

/// <summary>
/// Runs side by side, as MLflow's compare view: one row per attribute, param, metric and tag, one column per run.
/// Columns are named after the runs (the run name, with the short id where two names are the same).
/// </summary>
public sealed class RunComparison
{
    private RunComparison(IReadOnlyList<string> columns, IReadOnlyList<RunComparisonRow> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    /// <summary>The column heading of each run, in the order given.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The compared values.</summary>
    public IReadOnlyList<RunComparisonRow> Rows { get; }

    /// <summary>Compares <paramref name="runs"/>; <paramref name="includeTags"/> adds the tags, which are many.</summary>
    public static RunComparison Of(IReadOnlyList<Run> runs, bool includeTags = false)
    {
        var duplicateNames = runs.GroupBy(r => r.RunName, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var columns = runs.Select(r => duplicateNames.Contains(r.RunName) ? $"{r.RunName} ({r.RunId[..8]})" : r.RunName).ToArray();
        var rows = new List<RunComparisonRow>
        {
            Row("attributes.run_id", runs, r => r.RunId),
            Row("attributes.status", runs, r => TrackingStore.ToText(r.Status)),
            Row("attributes.start_time", runs, r => r.StartTime.ToString("u", CultureInfo.InvariantCulture)),
            Row("attributes.duration", runs, r => r.Duration.ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture)),
        };
        rows.AddRange(Keys(runs, r => r.Params.Keys).Select(key => Row("params." + key, runs, r => r.Params.GetValueOrDefault(key))));
        rows.AddRange(Keys(runs, r => r.Metrics.Keys).Select(key => Row("metrics." + key, runs, r => r.Metrics.TryGetValue(key, out var v) ? v : null)));
        if (includeTags)
        {
            rows.AddRange(Keys(runs, r => r.Tags.Keys).Select(key => Row("tags." + key, runs, r => r.Tags.GetValueOrDefault(key))));
        }

        return new RunComparison(columns, rows);
    }

    private static IEnumerable<string> Keys(IEnumerable<Run> runs, Func<Run, IEnumerable<string>> keys) =>
        runs.SelectMany(keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static RunComparisonRow Row(string key, IReadOnlyList<Run> runs, Func<Run, object?> value)
    {
        var values = runs.Select(value).ToArray();
        var differs = values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)).Distinct(StringComparer.Ordinal).Count() > 1;
        return new RunComparisonRow(key, values, differs);
    }
}

/// <summary>One compared key: its value in each run (null where a run lacks it), and whether they differ.</summary>
public sealed record RunComparisonRow(string Key, IReadOnlyList<object?> Values, bool Differs);
