using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Monitoring;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Measures per-feature drift (population stability index and two-sample Kolmogorov-Smirnov) between a baseline and a
/// current sample: two snapshots of a table, a run's training rows and a snapshot, or an endpoint's logged request inputs
/// and its model's training rows. Writes one object per feature.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "FeatureDrift", DefaultParameterSetName = SnapshotSet)]
[OutputType(typeof(FeatureDrift))]
public sealed class MeasureFeatureDriftCommand : MlopsCmdlet
{
    private const string SnapshotSet = "Snapshot";
    private const string RunSet = "Run";
    private const string EndpointSet = "Endpoint";
    private const string BatchScope = nameof(SnapshotScope.Batch);
    private const string TableScope = nameof(SnapshotScope.Table);

    /// <summary>The table whose snapshots are compared.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SnapshotSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = string.Empty;

    /// <summary>The baseline snapshot; the current snapshot's parent by default.</summary>
    /// <remarks>
    /// Not nullable, so help shows Int64; 0 means not given (snapshot ids are positive). The same holds for
    /// <see cref="Current"/>, which a pipeline may bind and the binder resets between records.
    /// </remarks>
    [Parameter(ParameterSetName = SnapshotSet)]
    [ValidateRange(1, long.MaxValue)]
    public long Baseline { get; set; }

    /// <summary>The current snapshot; the table's current snapshot by default.</summary>
    [Parameter(ParameterSetName = SnapshotSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RunSet)]
    [Alias("SnapshotId")]
    [ValidateRange(1, long.MaxValue)]
    public long Current { get; set; }

    /// <summary>What a snapshot stands for: the batch it appended (Batch) or the whole table as of it (Table).</summary>
    /// <remarks>A string, not the engine's enum: see <see cref="InvokeRetrainCommand.CategoricalEncoding"/>.</remarks>
    [Parameter(ParameterSetName = SnapshotSet)]
    [Parameter(ParameterSetName = RunSet)]
    [ValidateSet(BatchScope, TableScope, IgnoreCase = true)]
    public string Scope { get; set; } = BatchScope;

    /// <summary>The run whose training rows are the baseline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RunSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = EndpointSet)]
    [ValidateNotNullOrEmpty]
    public string? RunId { get; set; }

    /// <summary>The endpoint whose logged request inputs are the current sample.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EndpointSet, ValueFromPipelineByPropertyName = true)]
    [Alias("EndpointName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>Only the newest this many predictions (1,000 when neither -Last nor -Start is given).</summary>
    [Parameter(ParameterSetName = EndpointSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Last { get; set; }

    /// <summary>Only predictions made at or after this time.</summary>
    [Parameter(ParameterSetName = EndpointSet)]
    [Alias("Since")]
    public DateTime Start { get; set; }

    /// <summary>Only predictions made before this time.</summary>
    [Parameter(ParameterSetName = EndpointSet)]
    [Alias("Until")]
    public DateTime End { get; set; }

    /// <summary>The features to compare; by default the dataset's features, the run's or the served model's inputs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Feature { get; set; }

    /// <summary>The number of quantile bins of the PSI (fewer when the baseline has ties).</summary>
    [Parameter]
    [ValidateRange(2, 1000)]
    public int Bins { get; set; } = DriftThresholds.Default.Bins;

    /// <summary>A PSI above this is drift.</summary>
    [Parameter]
    [ValidateRange(0.0001, 100.0)]
    public double PsiThreshold { get; set; } = DriftThresholds.Default.Psi;

    /// <summary>A KS p-value below this, with a KS statistic above -KsStatisticThreshold, is drift.</summary>
    [Parameter]
    [ValidateRange(1e-300, 0.5)]
    public double KsPValueThreshold { get; set; } = DriftThresholds.Default.KsPValue;

    /// <summary>The smallest KS statistic that counts as drift.</summary>
    [Parameter]
    [ValidateRange(0.0, 0.99)]
    public double KsStatisticThreshold { get; set; } = DriftThresholds.Default.KsStatistic;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var detector = new DriftDetector(OpenStore());
        var thresholds = DriftThresholds.Default with
        {
            Bins = Bins,
            Psi = PsiThreshold,
            KsPValue = KsPValueThreshold,
            KsStatistic = KsStatisticThreshold,
        };
        var scope = string.Equals(Scope, TableScope, StringComparison.OrdinalIgnoreCase) ? SnapshotScope.Table : SnapshotScope.Batch;
        var target = ParameterSetName switch
        {
            RunSet => RunId,
            EndpointSet => Endpoint,
            _ => Table,
        };

        Try(target, () =>
        {
            var comparison = ParameterSetName switch
            {
                RunSet => detector.CompareRunWithSnapshot(RunId!, Given(Current), scope, Feature, thresholds),
                EndpointSet => detector.CompareEndpoint(Endpoint, Window(), RunId, Feature, thresholds),
                _ => detector.CompareSnapshots(Table, Given(Baseline), Given(Current), scope, Feature, thresholds),
            };
            WriteVerbose($"Baseline: {comparison.Baseline}. Current: {comparison.Current}.");
            foreach (var note in comparison.Notes)
            {
                WriteWarning(note);
            }

            foreach (var feature in comparison.Features)
            {
                WriteRecord(feature);
            }
        });
    }

    private static long? Given(long snapshotId) => snapshotId > 0 ? snapshotId : null;

    /// <summary>The predictions to read: the newest 1,000 unless a start or a count says otherwise.</summary>
    private DriftWindow Window()
    {
        var bound = MyInvocation.BoundParameters;
        DateTime? start = bound.ContainsKey(nameof(Start)) ? Start.ToUniversalTime() : null;
        DateTime? end = bound.ContainsKey(nameof(End)) ? End.ToUniversalTime() : null;
        int? last = Last > 0 ? Last : start is null ? DriftWindow.DefaultLast : null;
        return new DriftWindow(start, end, last);
    }
}
