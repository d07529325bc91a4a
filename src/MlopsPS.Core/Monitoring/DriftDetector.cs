using System.Globalization;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Feature drift over the store: finds the rows to compare (a snapshot's batch or the table as of it, the rows a run was
/// trained on, the inputs an endpoint logged) and compares them feature by feature with <see cref="DriftCalculator"/>.
/// </summary>
/// <remarks>
/// Three comparisons, one per question a user asks:
/// <list type="bullet">
/// <item><see cref="CompareSnapshots"/>: did this batch move against an earlier one (or the table against its past)?</item>
/// <item><see cref="CompareRunWithSnapshot"/>: has the data moved away from what this model was trained on?</item>
/// <item><see cref="CompareEndpoint"/>: are the requests an endpoint serves still like its model's training rows?</item>
/// </list>
/// </remarks>
public sealed class DriftDetector
{
    private const string FeaturesParam = "features";

    private readonly MlopsStore _store;
    private readonly TableCatalog _tables;

    /// <summary>Compares rows of <paramref name="store"/>.</summary>
    public DriftDetector(MlopsStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _tables = new TableCatalog(store);
    }

    /// <summary>
    /// Compares two snapshots of <paramref name="table"/>. <paramref name="currentSnapshotId"/> defaults to the current
    /// snapshot and <paramref name="baselineSnapshotId"/> to the current one's parent (so by default: the newest batch
    /// against the batch before it). <paramref name="scope"/> says whether a snapshot means the batch it appended or the
    /// table as of it. Features default to the synthetic dataset's features, else every numeric column.
    /// </summary>
    public DriftComparison CompareSnapshots(
        string table, long? baselineSnapshotId = null, long? currentSnapshotId = null, SnapshotScope scope = SnapshotScope.Batch,
        IReadOnlyList<string>? features = null, DriftThresholds? thresholds = null, CancellationToken cancellationToken = default)
    {
        (thresholds ?? DriftThresholds.Default).Validate();
        var info = _tables.GetTable(table);
        var current = currentSnapshotId is long id ? _tables.GetSnapshot(info.Name, id) : _tables.CurrentSnapshot(info.Name);
        var baselineId = baselineSnapshotId ?? current.ParentId ?? throw new DriftBaselineNotFoundException(
            $"Snapshot {current.SnapshotId} of table '{info.Name}' is its first: there is no earlier snapshot to compare with. Name one with -Baseline.");
        var columns = ResolveTableFeatures(info, features);
        var baselineSample = ReadSnapshot(info.Name, baselineId, scope, columns, cancellationToken);
        var currentSample = ReadSnapshot(info.Name, current.SnapshotId, scope, columns, cancellationToken);
        return Compare(baselineSample, currentSample, columns, [], thresholds);
    }

    /// <summary>
    /// Compares the rows run <paramref name="runId"/> was trained on (found from its lineage tags) with a snapshot of
    /// the same table (the current one by default; its batch, or the table as of it). Features default to the run's.
    /// </summary>
    public DriftComparison CompareRunWithSnapshot(
        string runId, long? currentSnapshotId = null, SnapshotScope scope = SnapshotScope.Batch,
        IReadOnlyList<string>? features = null, DriftThresholds? thresholds = null, CancellationToken cancellationToken = default)
    {
        (thresholds ?? DriftThresholds.Default).Validate();
        var run = new TrackingStore(_store).GetRun(runId);
        var lineage = DriftTrainingRows.Of(run);
        var info = _tables.GetTable(lineage.Table);
        var (columns, notes) = ResolveRunFeatures(run, info, features, inputs: null);
        var currentId = currentSnapshotId ?? _tables.CurrentSnapshot(info.Name).SnapshotId;
        var baselineSample = ReadRun(run, lineage, columns, cancellationToken);
        var currentSample = ReadSnapshot(info.Name, currentId, scope, columns, cancellationToken);
        return Compare(baselineSample, currentSample, columns, notes, thresholds);
    }

    /// <summary>
    /// Compares the inputs endpoint <paramref name="endpointName"/> logged in <paramref name="window"/> (the newest
    /// 1,000 by default) with the rows its model was trained on: the run of the version it serves, or
    /// <paramref name="baselineRunId"/>. Features default to the served model's inputs.
    /// </summary>
    public DriftComparison CompareEndpoint(
        string endpointName, DriftWindow? window = null, string? baselineRunId = null,
        IReadOnlyList<string>? features = null, DriftThresholds? thresholds = null, CancellationToken cancellationToken = default)
    {
        (thresholds ?? DriftThresholds.Default).Validate();
        window ??= DriftWindow.Default;
        window.Validate();
        var endpoint = new EndpointManager(_store).GetEndpoint(endpointName, checkHealth: false);
        var runId = baselineRunId ?? ServedRunId(endpoint);
        var run = new TrackingStore(_store).GetRun(runId);
        var lineage = DriftTrainingRows.Of(run);
        var info = _tables.GetTable(lineage.Table);
        // The served model's inputs are what requests carry; a baseline run named instead brings its own features.
        var inputs = baselineRunId is null && endpoint.ModelName is { } model && endpoint.Version is int version
            ? new ModelRegistry(_store).GetVersion(model, version).Signature.Select(i => i.Name).ToArray()
            : null;
        var (columns, notes) = ResolveRunFeatures(run, info, features, inputs);
        var baselineSample = ReadRun(run, lineage, columns, cancellationToken);
        var currentSample = DriftSampleReader.FromPredictions(_store, endpoint.Name, window, columns);
        if (currentSample.Rows == 0)
        {
            throw new DriftSampleEmptyException(
                $"Endpoint '{endpoint.Name}' has logged no predictions {DriftSampleReader.Describe(window)}: there is nothing to compare yet.");
        }

        return Compare(baselineSample, currentSample, columns, notes, thresholds);
    }

    /// <summary>
    /// The rows of snapshot <paramref name="snapshotId"/>: the batch it appended (read incrementally from its parent; the
    /// whole snapshot when it is the first or an overwrite, whose rows are all new) or the table as of it.
    /// </summary>
    public DriftSample ReadSnapshot(string table, long snapshotId, SnapshotScope scope, IReadOnlyList<string> features, CancellationToken cancellationToken = default)
    {
        var snapshot = _tables.GetSnapshot(table, snapshotId);
        var name = snapshot.Table;
        var (spec, description) = scope switch
        {
            SnapshotScope.Table => (ScanSpec.AsOfSnapshot(snapshotId), $"table '{name}' as of snapshot {snapshotId}"),
            _ when snapshot.ParentId is null => (ScanSpec.AsOfSnapshot(snapshotId), $"batch of snapshot {snapshotId} of '{name}' (its first)"),
            _ when snapshot.Operation == SnapshotOperation.Overwrite => (ScanSpec.AsOfSnapshot(snapshotId), $"rows of overwrite snapshot {snapshotId} of '{name}'"),
            _ => (ScanSpec.Incremental(snapshot.ParentId.Value, snapshotId), $"batch of snapshot {snapshotId} of '{name}'"),
        };
        var scan = _tables.Scan(name, spec.WithColumns(features));
        return Sized(DriftSampleReader.FromScan(scan, features, description, cancellationToken));
    }

    private static DriftComparison Compare(
        DriftSample baseline, DriftSample current, IReadOnlyList<string> features, IReadOnlyList<string> notes, DriftThresholds? thresholds) =>
        new(baseline.Description, current.Description, DriftCalculator.Compare(baseline, current, features, thresholds), notes);

    private static DriftSample Sized(DriftSample sample) =>
        sample.Rows > 0 ? sample : throw new DriftSampleEmptyException($"The {sample.Description} has no rows: there is nothing to compare.");

    private string ServedRunId(ModelEndpoint endpoint)
    {
        if (endpoint.ModelName is not { } model || endpoint.Version is not int version)
        {
            throw new DriftBaselineNotFoundException(
                $"Endpoint '{endpoint.Name}' has never served a model, so there are no training rows to compare with; name a run with -RunId.");
        }

        return new ModelRegistry(_store).GetVersion(model, version).RunId ?? throw new DriftBaselineNotFoundException(
            $"Version {version} of model '{model}', which endpoint '{endpoint.Name}' serves, was not made from a run, so its training rows are unknown; name a run with -RunId.");
    }

    private DriftSample ReadRun(Run run, DriftTrainingRows lineage, IReadOnlyList<string> features, CancellationToken cancellationToken)
    {
        var scan = _tables.Scan(lineage.Table, lineage.Spec.WithColumns(features));
        var description = string.Create(CultureInfo.InvariantCulture, $"training rows of run {run.RunName} ({run.RunId[..8]}): {lineage.Description}");
        return Sized(DriftSampleReader.FromScan(scan, features, description, cancellationToken));
    }

    /// <summary>The features given (each must be a numeric column), else the dataset's defaults, else every numeric column.</summary>
    private static IReadOnlyList<string> ResolveTableFeatures(TableInfo table, IReadOnlyList<string>? features)
    {
        if (features is { Count: > 0 })
        {
            return CheckNumeric(table, features);
        }

        if (SyntheticDatasets.TryGet(table.Dataset, out var dataset) && dataset.DefaultFeatures.All(f => table.Schema.Find(f) is { IsNumeric: true }))
        {
            return dataset.DefaultFeatures;
        }

        var numeric = table.Schema.Columns.Where(c => c.IsNumeric).Select(c => c.Name).ToArray();
        return numeric.Length > 0
            ? numeric
            : throw new DriftArgumentException($"Table '{table.Name}' has no numeric column to compare. Its columns are: {table.Schema}.");
    }

    /// <summary>
    /// The features given (each must be a numeric column), else the model's <paramref name="inputs"/>, else the run's
    /// <c>features</c> param: of these, the numeric columns of the table. One-hot inputs are no columns; they are left
    /// out with a note.
    /// </summary>
    private static (IReadOnlyList<string> Features, IReadOnlyList<string> Notes) ResolveRunFeatures(
        Run run, TableInfo table, IReadOnlyList<string>? given, IReadOnlyList<string>? inputs)
    {
        if (given is { Count: > 0 })
        {
            return (CheckNumeric(table, given), []);
        }

        var names = inputs is { Count: > 0 }
            ? inputs
            : run.Params.TryGetValue(FeaturesParam, out var list) && !string.IsNullOrWhiteSpace(list)
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
        var kept = names.Where(f => table.Schema.Find(f) is { IsNumeric: true }).Distinct(StringComparer.Ordinal).ToArray();
        var notes = names.Except(kept, StringComparer.Ordinal)
            .Select(f => $"'{f}' is not a numeric column of table '{table.Name}' (a one-hot or derived input?); it is not compared.")
            .ToArray();
        return kept.Length > 0
            ? (kept, notes)
            : throw new DriftArgumentException(
                $"None of the features of run {run.RunId} ({string.Join(", ", names)}) is a numeric column of table '{table.Name}'; name them with -Feature.");
    }

    private static IReadOnlyList<string> CheckNumeric(TableInfo table, IReadOnlyList<string> features)
    {
        var unknown = features.Where(f => table.Schema.Find(f) is null).ToArray();
        if (unknown.Length > 0)
        {
            throw new UnknownColumnException(unknown, table.Schema);
        }

        var nonNumeric = features.Select(f => table.Schema.Find(f)!).Where(c => !c.IsNumeric).ToArray();
        if (nonNumeric.Length > 0)
        {
            throw new DriftArgumentException(
                $"Drift is measured on numeric columns; not on: {string.Join(", ", nonNumeric.Select(c => c.ToString()))}.");
        }

        return features.Distinct(StringComparer.Ordinal).ToArray();
    }
}
