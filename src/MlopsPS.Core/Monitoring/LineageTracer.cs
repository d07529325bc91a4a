using System.Globalization;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Lineage across the store, both ways: from a prediction to the endpoint, deployment, model version, run and table
/// snapshots (with their data files) behind it; from a snapshot to the runs, versions and deployments built from it.
/// Nothing is recorded for this: the links are the ones each stage already keeps (the prediction log's deployment
/// and version, the registry's run, the retrain's lineage tags and params).
/// </summary>
public sealed class LineageTracer
{
    private readonly MlopsStore _store;
    private readonly TableCatalog _tables;
    private readonly TrackingStore _tracking;
    private readonly ModelRegistry _registry;
    private readonly EndpointCatalog _endpoints;

    /// <summary>Traces lineage in <paramref name="store"/>.</summary>
    public LineageTracer(MlopsStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _tables = new TableCatalog(store);
        _tracking = new TrackingStore(store);
        _registry = new ModelRegistry(store);
        _endpoints = new EndpointCatalog(store);
    }

    /// <summary>The lineage of a logged prediction; <see cref="PredictionNotFoundException"/> when the log has no such id.</summary>
    public PredictionLineage ForPrediction(string predictionId)
    {
        var prediction = new PredictionLog(_store).Get(predictionId);
        var deployment = _endpoints.FindDeployment(prediction.DeploymentId);
        ModelVersion? version = null;
        try
        {
            version = _registry.GetVersion(prediction.ModelName, prediction.ModelVersion);
        }
        catch (MlopsException e) when (e.Kind == MlopsErrorKind.ObjectNotFound)
        {
            // Kept as null: the prediction outlived its registry entry.
        }

        var run = FindRun(version?.RunId ?? deployment?.RunId);
        return new PredictionLineage(prediction, deployment, version, run, run is null ? null : TrainingDataOf(run));
    }

    /// <summary>
    /// The data a run was trained on, from its lineage tags and params; null for a run that recorded none (not made by
    /// a retrain).
    /// </summary>
    public TrainingDataLineage? TrainingDataOf(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = run.Tag("iceberg_table") ?? run.Params.GetValueOrDefault("table");
        if (table is null || !TryLong(run.Tag("iceberg_snapshot_id"), out var snapshotId))
        {
            return null;
        }

        var selection = run.Params.GetValueOrDefault("data_selection") ?? "NewestBatch";
        // iceberg_parent_id is the start of an incremental read for NewestBatch and Range; for a whole-table read it
        // is only the snapshot's parent, as the lab records it.
        long? from = selection is "NewestBatch" or "Range" && TryLong(run.Tag("iceberg_parent_id"), out var parent) ? parent : null;
        long? rows = TryLong(run.Tag("row_count"), out var count) ? count : null;
        try
        {
            var scan = _tables.Scan(table, from is { } start ? ScanSpec.Incremental(start, snapshotId) : ScanSpec.AsOfSnapshot(snapshotId));
            var snapshots = scan.Files.Select(f => f.AddedSnapshotId).Append(snapshotId).Distinct().ToList();
            // Oldest first: the catalog's sequence order is the commit order.
            var order = _tables.ListSnapshots(table).Select((s, i) => (s.SnapshotId, i)).ToDictionary(p => p.SnapshotId, p => p.i);
            snapshots.Sort((a, b) => order.GetValueOrDefault(a, int.MaxValue).CompareTo(order.GetValueOrDefault(b, int.MaxValue)));
            return new TrainingDataLineage(scan.Table, selection, snapshotId, from, rows, snapshots, scan.Files, null);
        }
        catch (MlopsException e)
        {
            return new TrainingDataLineage(table, selection, snapshotId, from, rows, [snapshotId], [], $"The data files cannot be resolved now: {e.Message}");
        }
    }

    /// <summary>
    /// What was built from snapshot <paramref name="snapshotId"/> of <paramref name="table"/>: the runs that read its rows,
    /// their model versions and the deployments of those. A snapshot expired since is still traced through the runs
    /// that recorded it; one that neither the catalog nor any run knows is a <see cref="SnapshotNotFoundException"/>.
    /// </summary>
    public SnapshotLineage ForSnapshot(string table, long snapshotId)
    {
        var info = _tables.GetTable(table);
        Snapshot? snapshot = null;
        try
        {
            snapshot = _tables.GetSnapshot(info.Name, snapshotId);
        }
        catch (SnapshotNotFoundException)
        {
            // Expired: the runs may still name it.
        }

        var runs = new List<Run>();
        foreach (var run in RunsOfTable(info.Name))
        {
            var data = TrainingDataOf(run);
            if (data is not null && (data.SnapshotId == snapshotId || data.SnapshotIds.Contains(snapshotId)))
            {
                runs.Add(run);
            }
        }

        if (snapshot is null && runs.Count == 0)
        {
            throw new SnapshotNotFoundException(info.Name, snapshotId);
        }

        runs.Sort((a, b) => a.StartTime.CompareTo(b.StartTime));
        var versions = runs.SelectMany(r => _registry.VersionsOfRun(r.RunId)).ToArray();
        var keys = versions.Select(v => (v.ModelName, v.Version)).ToHashSet();
        var deployments = _endpoints.ListDeployments("*", latestOnly: false)
            .Where(d => keys.Contains((d.ModelName, d.Version)))
            .ToArray();
        return new SnapshotLineage(info.Name, snapshotId, snapshot, runs, versions, deployments);
    }

    private Run? FindRun(string? runId)
    {
        if (runId is null)
        {
            return null;
        }

        try
        {
            return _tracking.GetRun(runId);
        }
        catch (RunNotFoundException)
        {
            return null;
        }
    }

    // The runs whose retrain read this table (its lineage tag; names compare as the catalog does, ignoring case).
    private IEnumerable<Run> RunsOfTable(string table)
    {
        var ids = new List<string>();
        using (var connection = _store.Database.Open())
        using (var command = CatalogDatabase.Command(connection, null, """
            SELECT run_id FROM tags WHERE key = 'iceberg_table' AND lower(value) = lower(@table)
            UNION
            SELECT run_id FROM params WHERE key = 'table' AND lower(value) = lower(@table)
            """, ("table", table)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }

        foreach (var id in ids)
        {
            if (FindRun(id) is { } run)
            {
                yield return run;
            }
        }
    }

    private static bool TryLong(string? text, out long value) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
}
