using System.Globalization;
using MlopsPS.Core.Retraining;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The rows a run was trained on, found again from what <see cref="Retrainer"/> records: the tags
/// <c>iceberg_table</c>, <c>iceberg_snapshot_id</c> and <c>iceberg_parent_id</c>, and the param <c>data_selection</c>.
/// A newest-batch or range selection read <c>(parent, snapshot]</c> incrementally (the snapshot alone when there was no
/// parent); an as-of or full selection read the whole table as of the snapshot.
/// </summary>
/// <param name="Table">The table read.</param>
/// <param name="Spec">The scan that gives the same rows again.</param>
/// <param name="Description">The rows in words.</param>
internal sealed record DriftTrainingRows(string Table, ScanSpec Spec, string Description)
{
    private const string SnapshotTag = "iceberg_snapshot_id";
    private const string ParentTag = "iceberg_parent_id";
    private const string TableTag = "iceberg_table";
    private const string TableParam = "table";
    private const string SelectionParam = "data_selection";

    /// <summary>The training rows of <paramref name="run"/>; throws <see cref="DriftBaselineNotFoundException"/> without lineage tags.</summary>
    public static DriftTrainingRows Of(Run run)
    {
        var table = run.Tag(TableTag) ?? (run.Params.TryGetValue(TableParam, out var name) ? name : null);
        if (table is null || !TryParseId(run.Tag(SnapshotTag), out var snapshot))
        {
            throw new DriftBaselineNotFoundException(
                $"Run {run.RunId} has no '{TableTag}' and '{SnapshotTag}' tags (Invoke-Retrain records them), so the rows it was trained on are unknown.");
        }

        long? parent = TryParseId(run.Tag(ParentTag), out var parentId) ? parentId : null;
        run.Params.TryGetValue(SelectionParam, out var selection);
        var wholeTable = string.Equals(selection, nameof(DataSelectionKind.AsOfSnapshot), StringComparison.OrdinalIgnoreCase)
            || string.Equals(selection, nameof(DataSelectionKind.Full), StringComparison.OrdinalIgnoreCase);
        return wholeTable || parent is null
            ? new DriftTrainingRows(table, ScanSpec.AsOfSnapshot(snapshot), $"table '{table}' as of snapshot {snapshot}")
            : new DriftTrainingRows(
                table, ScanSpec.Incremental(parent.Value, snapshot), $"rows of '{table}' appended after snapshot {parent} up to {snapshot}");
    }

    private static bool TryParseId(string? text, out long id) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out id);
}
