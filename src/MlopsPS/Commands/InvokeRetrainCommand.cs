using System.Collections;
using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Retraining;
using MlopsPS.Core.Tracking;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Trains an XGBoost classifier on a table's newest batch (or another selection) and records it as an experiment
/// run, as the original lab's retrain job does. Takes Snapshot objects from <c>New-Batch</c> on the pipeline.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "Retrain", SupportsShouldProcess = true, DefaultParameterSetName = NewestBatchSet)]
[OutputType(typeof(Run))]
public sealed class InvokeRetrainCommand : MlopsCmdlet
{
    private const string NewestBatchSet = "NewestBatch";
    private const string RangeSet = "Range";
    private const string AsOfSnapshotSet = "AsOfSnapshot";
    private const string FullSet = "Full";

    // The note property that carries where the retrain's time went (RetrainTimings) on the output Run.
    private const string TimingsPropertyName = "Timings";

    /// <summary>The table to train on.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = string.Empty;

    /// <summary>Train on the batch this snapshot appended (the current snapshot's by default).</summary>
    [Parameter(ParameterSetName = NewestBatchSet, ValueFromPipelineByPropertyName = true)]
    public long? SnapshotId { get; set; }

    /// <summary>Train on the rows appended after this snapshot (exclusive).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RangeSet)]
    public long FromSnapshot { get; set; }

    /// <summary>With -FromSnapshot: up to this snapshot (inclusive); the current one by default.</summary>
    [Parameter(ParameterSetName = RangeSet)]
    public long? ToSnapshot { get; set; }

    /// <summary>Train on the whole table as of this snapshot.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AsOfSnapshotSet)]
    public long AsOfSnapshot { get; set; }

    /// <summary>Train on the whole current table.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FullSet)]
    public SwitchParameter Full { get; set; }

    /// <summary>The label column (0/1); the dataset's label for synthetic tables.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Label { get; set; }

    /// <summary>The feature columns; the dataset's defaults, else every numeric column but the label.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Features { get; set; }

    /// <summary>How to treat string features: refuse them (None) or expand them into 0/1 columns (OneHot).</summary>
    /// <remarks>
    /// A string, not the engine's enum: an enum-typed property makes pwsh load the engine while it scans the cmdlet
    /// types, before the module has routed the engine to its own load context.
    /// </remarks>
    [Parameter]
    [ValidateSet(nameof(Core.Retraining.CategoricalEncoding.None), nameof(Core.Retraining.CategoricalEncoding.OneHot), IgnoreCase = true)]
    public string CategoricalEncoding { get; set; } = nameof(Core.Retraining.CategoricalEncoding.None);

    /// <summary>XGBoost parameters that override the defaults, e.g. <c>@{ max_depth = 4; eta = 0.1; n_estimators = 200 }</c>.</summary>
    [Parameter]
    public Hashtable? Hyperparameters { get; set; }

    /// <summary>Stop when the test logloss has not improved for this many rounds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? EarlyStoppingRounds { get; set; }

    /// <summary>The share of rows held out for testing (0.3 as the lab), stratified on the label.</summary>
    [Parameter]
    [ValidateRange(0.01, 0.99)]
    public double TestFraction { get; set; } = 0.3;

    /// <summary>The seed of the split and of XGBoost (42 by default, so a retrain is reproducible).</summary>
    [Parameter]
    public int Seed { get; set; } = RetrainRequest.DefaultSeed;

    /// <summary>The experiment to record the run in; <c>xgb-&lt;table&gt;</c> by default, created on first use.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ExperimentNameCompleter))]
    public string? Experiment { get; set; }

    /// <summary>The run's name; generated when omitted.</summary>
    [Parameter]
    public string? RunName { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var request = BuildRequest();
        if (!ShouldProcess($"table '{Table}' ({Describe(request.Selection)})", $"Train an XGBoost model and record a run in experiment '{request.ExperimentName}'"))
        {
            return;
        }

        var retrainer = new Retrainer(OpenStore());
        var progress = new CmdletProgress<RetrainProgress>(this, ProgressActivity.Training, $"Retraining on '{Table}'", Describe);
        Try(Table, () =>
        {
            try
            {
                var result = retrainer.Retrain(request, progress);
                var run = PSObject.AsPSObject(result.Run);
                run.Properties.Add(new PSNoteProperty(TimingsPropertyName, result.Timings));
                WriteRecord(run);
            }
            finally
            {
                progress.Complete();
            }
        });
    }

    private RetrainRequest BuildRequest()
    {
        var hyperparameters = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Hyperparameters ?? [])
        {
            hyperparameters[entry.Key.ToString()!] = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
        }

        if (EarlyStoppingRounds is int patience)
        {
            hyperparameters["early_stopping_rounds"] = patience;
        }

        return new RetrainRequest
        {
            Table = Table,
            Selection = ParameterSetName switch
            {
                RangeSet => DataSelection.Range(FromSnapshot, ToSnapshot),
                AsOfSnapshotSet => DataSelection.AsOfSnapshot(AsOfSnapshot),
                FullSet => DataSelection.Full,
                _ => DataSelection.NewestBatch(SnapshotId),
            },
            Label = Label,
            Features = Features,
            Encoding = Enum.Parse<CategoricalEncoding>(CategoricalEncoding, ignoreCase: true),
            Experiment = Experiment,
            RunName = RunName,
            TestFraction = TestFraction,
            Seed = Seed,
            Hyperparameters = hyperparameters,
            Tags = new Dictionary<string, string>
            {
                ["mlflow.source.type"] = "LOCAL",
                ["mlflow.source.name"] = MyInvocation.PSCommandPath ?? "Invoke-Retrain",
                ["mlopsps.command_line"] = MyInvocation.Line.Trim(),
                ["mlopsps.host"] = Environment.MachineName,
            },
        };
    }

    private static string Describe(DataSelection selection) => selection.Kind switch
    {
        DataSelectionKind.NewestBatch => selection.ToSnapshot is long id ? $"the batch of snapshot {id}" : "the newest batch",
        DataSelectionKind.Range => $"snapshots ({selection.FromSnapshot}, {selection.ToSnapshot?.ToString() ?? "current"}]",
        DataSelectionKind.AsOfSnapshot => $"as of snapshot {selection.ToSnapshot}",
        _ => "all rows",
    };

    private static (int Percent, string Status) Describe(RetrainProgress progress) => progress.Stage switch
    {
        RetrainStage.Reading => (0, "Reading the selected rows"),
        RetrainStage.Training => (
            progress.TotalRounds == 0 ? 0 : 5 + (90 * progress.Round / progress.TotalRounds),
            $"Round {progress.Round} of {progress.TotalRounds}" + (progress.EvalMetric is double v ? $", test logloss {v:F4}" : string.Empty)),
        RetrainStage.Evaluating => (96, "Scoring the test split"),
        _ => (98, "Saving the model"),
    };
}
