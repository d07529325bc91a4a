using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MlopsPS.Core.Models;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tracking;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Retraining;

/// <summary>
/// The second stage of the pipeline, as the original lab does it: read the newest batch of a table with an
/// incremental read (parent snapshot to latest), split it 70/30 stratified on the label, train an XGBoost
/// classifier, and record an experiment run with its params, test metrics, per-round eval history, the snapshot
/// lineage as tags, and the model as an artifact in MLflow's layout.
/// </summary>
/// <remarks>
/// Everything that can be checked before training (the columns, the rows, the labels) is checked before the run
/// starts, so a typo does not leave a run behind. Once the run has started, any failure ends it as FAILED with its
/// error: no run is left RUNNING.
/// </remarks>
public sealed class Retrainer
{
    /// <summary>The artifact that holds the features' gain importance.</summary>
    public const string FeatureImportanceFile = "feature_importance.json";

    // One instance, so System.Text.Json builds its serialization metadata once per process, not once per retrain.
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>
    /// From this size of float matrices on, a forced, blocking collection runs before libxgboost builds its matrices
    /// (the scan's garbage) and another once it has (the float matrices): each costs about 10-20 ms in a shell, worth it
    /// for the tens of megabytes of peak memory they save at ~500,000 rows.
    /// </summary>
    private const long CollectAfterBytes = 8L << 20;

    private readonly MlopsStore _store;

    /// <summary>Retrains from the tables of <paramref name="store"/> and records runs there.</summary>
    public Retrainer(MlopsStore store)
    {
        _store = store;
    }

    /// <summary>Runs the retrain and returns the finished run, with where its time went.</summary>
    public RetrainResult Retrain(RetrainRequest request, IProgress<RetrainProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = new PhaseClock();
        var catalog = new TableCatalog(_store);
        var table = catalog.GetTable(request.Table);
        var (spec, parentId) = PlanScan(catalog, request);
        var (label, features) = ResolveColumns(table, request);
        var trainer = XGBoostTrainer.FromSettings(WithSeed(request));
        if (request.TestFraction is <= 0 or >= 1)
        {
            throw new MlopsException($"The test fraction must be between 0 and 1 (exclusive), not {request.TestFraction}.", MlopsErrorKind.InvalidArgument);
        }

        progress?.Report(new RetrainProgress(RetrainStage.Reading));
        var scan = catalog.Scan(request.Table, spec);
        TrainingDataReader.CheckColumns(scan.Schema, label, features, request.Encoding);
        var plan = clock.Lap();

        var labels = TrainingDataReader.ReadLabels(scan, label, cancellationToken);
        var scanTime = clock.Lap();

        var split = StratifiedSplit.Create(labels, request.TestFraction, (ulong)request.Seed);
        var (trainY, testY) = split.SplitLabels(labels);
        if (!HasBothClasses(testY) || !HasBothClasses(trainY))
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.SingleClassLabel,
                $"Too few rows of the rarer class in '{label}' to put both classes in the train and test splits ({labels.Length} rows); select more rows.");
        }

        var splitTime = clock.Lap();

        // Each side's rows go straight from the files into their own float matrix, and from there into libxgboost's.
        using var data = ReadMatrices(scan, features, split, labels, trainer, trainY, testY, cancellationToken);
        scanTime += clock.Lap() - data.Matrices.BuildTime - data.CollectTime;
        var dmatrixTime = data.Matrices.BuildTime + data.CollectTime;
        if (data.FloatBytes >= CollectAfterBytes)
        {
            // Nothing refers to the float matrices any more: give them back, with the scan's buffers, before the rounds
            // allocate their own memory.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            dmatrixTime += clock.Lap();
        }

        // The run's records go to the catalog in two transactions: params and tags as it starts, metrics as it ends.
        var tracking = new TrackingStore(_store);
        var run = tracking.StartRun(
            request.ExperimentName,
            request.RunName,
            (request.Tags ?? new Dictionary<string, string>()).Concat(LineageTags(scan, parentId, labels.Length)),
            Params(request, trainer, label, data.ColumnNames, trainY.Length, testY.Length, scan));
        var records = clock.Lap();
        try
        {
            var trainingProgress = progress is null ? null : new RoundProgress(progress);
            // The booster that trained is the one saved: loading it again from its JSON would give the same file.
            using var model = trainer.Fit(data.Matrices, trainingProgress, cancellationToken);
            // libxgboost's matrices are not needed once the rounds are done.
            data.Dispose();
            clock.Lap();

            progress?.Report(new RetrainProgress(RetrainStage.Evaluating));
            var metrics = BinaryClassificationMetrics.Compute(testY, model.EvalPredictions);
            var metricsTime = clock.Lap();

            progress?.Report(new RetrainProgress(RetrainStage.Saving));
            SaveArtifacts(run, model, data.Signature, label);
            var saveTime = clock.Lap();

            var evalKey = "eval_" + (model.EvalMetric ?? "logloss");
            var finished = tracking.EndRun(
                run.RunId,
                RunStatus.Finished,
                metrics: metrics.ToDictionary().Select(m => (m.Key, m.Value, 0L))
                    .Concat(model.EvalHistory.Select(p => (evalKey, p.Value, (long)p.Step))));
            records += clock.Lap();
            return new RetrainResult(finished, new RetrainTimings
            {
                Plan = plan,
                Scan = scanTime,
                Split = splitTime,
                DMatrix = dmatrixTime,
                Rounds = model.RoundsTime,
                Metrics = metricsTime,
                ModelSave = saveTime,
                RunRecords = records,
                Total = clock.Total,
                GcPause = clock.GcPause,
            });
        }
        catch (Exception e)
        {
            tracking.EndRun(run.RunId, e is OperationCanceledException ? RunStatus.Killed : RunStatus.Failed, e.Message);
            throw;
        }
    }

    /// <summary>The scan for the selection, and the parent id the lineage tags report.</summary>
    private static (ScanSpec Spec, long? ParentId) PlanScan(TableCatalog catalog, RetrainRequest request)
    {
        var selection = request.Selection;
        switch (selection.Kind)
        {
            case DataSelectionKind.NewestBatch:
                var end = selection.ToSnapshot is long id ? catalog.GetSnapshot(request.Table, id) : catalog.CurrentSnapshot(request.Table);
                // The first batch has no parent: its snapshot holds exactly that batch.
                return end.ParentId is long parent
                    ? (ScanSpec.Incremental(parent, end.SnapshotId), parent)
                    : (ScanSpec.AsOfSnapshot(end.SnapshotId), null);
            case DataSelectionKind.Range:
                return (ScanSpec.Incremental(selection.FromSnapshot!.Value, selection.ToSnapshot), selection.FromSnapshot);
            case DataSelectionKind.AsOfSnapshot:
                return (ScanSpec.AsOfSnapshot(selection.ToSnapshot!.Value), catalog.GetSnapshot(request.Table, selection.ToSnapshot.Value).ParentId);
            default:
                return (ScanSpec.Current, catalog.CurrentSnapshot(request.Table).ParentId);
        }
    }

    /// <summary>The label and features: given, else the synthetic dataset's, else every numeric column but the label.</summary>
    private static (string Label, IReadOnlyList<string> Features) ResolveColumns(TableInfo table, RetrainRequest request)
    {
        SyntheticDatasets.TryGet(table.Dataset, out var dataset);
        var label = request.Label ?? dataset?.Label ?? throw new TrainingDataException(
            TrainingDataException.Ids.LabelNotSpecified,
            $"Table '{table.Name}' was not made by a synthetic dataset, so name its label column with -Label.",
            MlopsErrorKind.InvalidArgument);
        var features = request.Features is { Count: > 0 } given
            ? given
            : dataset is not null && string.Equals(label, dataset.Label, StringComparison.Ordinal)
                ? dataset.DefaultFeatures
                : table.Schema.Columns.Where(c => c.IsNumeric && c.Name != label).Select(c => c.Name).ToArray();
        if (features.Count == 0)
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.FeatureColumnNotFound,
                $"Table '{table.Name}' has no numeric column besides '{label}' to use as a feature; name them with -Features.",
                MlopsErrorKind.InvalidArgument);
        }

        return (label, features);
    }

    private static IDictionary<string, object?> WithSeed(RetrainRequest request)
    {
        var settings = new Dictionary<string, object?>(request.Hyperparameters ?? new Dictionary<string, object?>(), StringComparer.Ordinal);
        if (!settings.ContainsKey("seed") && !settings.ContainsKey("random_state"))
        {
            settings["seed"] = request.Seed;
        }

        return settings;
    }

    private static IEnumerable<KeyValuePair<string, string>> Params(
        RetrainRequest request, XGBoostTrainer trainer, string label, IReadOnlyList<string> features, int trainRows, int testRows, TableScan scan)
    {
        foreach (var parameter in trainer.Parameters)
        {
            yield return parameter;
        }

        yield return Param("num_boost_round", trainer.Rounds);
        if (trainer.EarlyStoppingRounds is int patience)
        {
            yield return Param("early_stopping_rounds", patience);
        }

        yield return Param("label", label);
        yield return Param("features", string.Join(",", features));
        yield return Param("categorical_encoding", request.Encoding);
        yield return Param("test_fraction", request.TestFraction);
        yield return Param("split_seed", request.Seed);
        yield return Param("train_rows", trainRows);
        yield return Param("test_rows", testRows);
        yield return Param("table", scan.Table);
        yield return Param("data_selection", request.Selection.Kind);
    }

    /// <summary>The snapshot lineage, with the original lab's tag names.</summary>
    private static IEnumerable<KeyValuePair<string, string>> LineageTags(TableScan scan, long? parentId, int rows)
    {
        yield return Param("iceberg_snapshot_id", scan.EndSnapshot.SnapshotId);
        yield return Param("iceberg_snapshot_committed_at", scan.EndSnapshot.CommittedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        if (parentId is long parent)
        {
            yield return Param("iceberg_parent_id", parent);
        }

        yield return Param("row_count", rows);
        yield return Param("iceberg_table", scan.Table);
    }

    private static void SaveArtifacts(Run run, FittedBooster model, IReadOnlyList<ModelInput> signature, string label)
    {
        var modelDirectory = ModelArtifactLayout.ModelDirectory(run.ArtifactUri);
        Directory.CreateDirectory(modelDirectory);
        File.WriteAllBytes(Path.Combine(modelDirectory, ModelArtifactLayout.ModelFileName), model.ToJson());
        ModelArtifactLayout.WriteMetadata(modelDirectory, new ModelMetadata(
            "xgboost", XGBoostLibrary.Version, ModelArtifactLayout.ModelFileName, signature, label, ["0", "1"],
            BinaryClassificationMetrics.Threshold, run.RunId, DateTime.UtcNow));

        var importance = model.FeatureImportanceGain().OrderByDescending(p => p.Value).ToDictionary(p => p.Key, p => p.Value);
        File.WriteAllText(
            Path.Combine(run.ArtifactUri, FeatureImportanceFile),
            JsonSerializer.Serialize(new { importance_type = "gain", features = importance }, s_indented));
    }

    /// <summary>
    /// Reads the features of both sides and builds libxgboost's matrices from them. A method of its own so that the
    /// float matrices are unreachable when it returns: libxgboost has copied them.
    /// </summary>
    private static TrainingInput ReadMatrices(
        TableScan scan,
        IReadOnlyList<string> features,
        StratifiedSplit split,
        float[] labels,
        XGBoostTrainer trainer,
        float[] trainY,
        float[] testY,
        CancellationToken cancellationToken)
    {
        var sides = TrainingDataReader.ReadFeatures(scan, features, split, labels, cancellationToken);
        var floatBytes = sizeof(float) * ((long)sides.Train.Values.Length + sides.Test.Values.Length);
        var collect = TimeSpan.Zero;
        if (floatBytes >= CollectAfterBytes)
        {
            // The scan leaves its garbage (column buffers, the split's scratch arrays, mostly large objects that only a
            // full collection frees): gone before libxgboost allocates, it is not part of the retrain's peak.
            var started = Stopwatch.GetTimestamp();
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            collect = Stopwatch.GetElapsedTime(started);
        }

        return new TrainingInput(
            trainer.CreateMatrices(sides.Train, trainY, sides.Test, testY),
            floatBytes,
            collect,
            sides.Train.ColumnNames,
            sides.Signature);
    }

    private static bool HasBothClasses(float[] labels) => labels.Contains(0f) && labels.Contains(1f);

    private static KeyValuePair<string, string> Param(string key, object value) =>
        new(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);

    /// <summary>
    /// libxgboost's matrices of both sides, the bytes of float matrices they were built from, the collection before
    /// libxgboost's construction, and what the run records of the features: their names and the model's signature.
    /// </summary>
    private sealed record TrainingInput(
        TrainingMatrices Matrices, long FloatBytes, TimeSpan CollectTime, IReadOnlyList<string> ColumnNames, IReadOnlyList<ModelInput> Signature)
        : IDisposable
    {
        public void Dispose() => Matrices.Dispose();
    }

    /// <summary>Measures consecutive phases: each <see cref="Lap"/> is the time since the one before.</summary>
    private sealed class PhaseClock
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly TimeSpan _gcPauseAtStart = GC.GetTotalPauseDuration();
        private long _last;

        public PhaseClock() => _last = _started;

        public TimeSpan Total => Stopwatch.GetElapsedTime(_started);

        /// <summary>The process's garbage collection pauses since the clock started.</summary>
        public TimeSpan GcPause => GC.GetTotalPauseDuration() - _gcPauseAtStart;

        public TimeSpan Lap()
        {
            var now = Stopwatch.GetTimestamp();
            var lap = Stopwatch.GetElapsedTime(_last, now);
            _last = now;
            return lap;
        }
    }

    /// <summary>Forwards the trainer's per-round reports as retrain progress.</summary>
    private sealed class RoundProgress(IProgress<RetrainProgress> target) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) =>
            target.Report(new RetrainProgress(RetrainStage.Training, value.Round, value.TotalRounds, value.MetricValue));
    }
}
