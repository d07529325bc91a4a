using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Tracking;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Finds runs the way MLflow users do: by id, or by searching experiments with a filter on metrics, params, tags
/// and attributes, newest first; <c>-Latest</c> gives the newest run of each experiment.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ExperimentRun", DefaultParameterSetName = SearchSet)]
[OutputType(typeof(Run))]
public sealed class GetExperimentRunCommand : MlopsCmdlet
{
    private const string SearchSet = "Search";
    private const string ByIdSet = "ById";

    /// <summary>Runs by id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[0-9a-fA-F]{32}$")]
    public string[] RunId { get; set; } = [];

    /// <summary>The experiments to search; all when omitted.</summary>
    [Parameter(Position = 0, ParameterSetName = SearchSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ExperimentNameCompleter))]
    public string[]? Experiment { get; set; }

    /// <summary>An MLflow search filter, such as <c>metrics.roc_auc &gt; 0.7 and params.max_depth = '6'</c>.</summary>
    [Parameter(ParameterSetName = SearchSet)]
    public string? Filter { get; set; }

    /// <summary>Order expressions such as <c>metrics.roc_auc DESC</c>; newest first by default.</summary>
    [Parameter(ParameterSetName = SearchSet)]
    public string[]? OrderBy { get; set; }

    /// <summary>Only the newest matching run of each experiment (the lab's getLatestExperimentInfo).</summary>
    [Parameter(ParameterSetName = SearchSet)]
    public SwitchParameter Latest { get; set; }

    /// <summary>At most this many runs.</summary>
    [Parameter(ParameterSetName = SearchSet)]
    [ValidateRange(1, 100_000)]
    public int First { get; set; } = 1000;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var tracking = new TrackingStore(OpenStore());
        if (ParameterSetName == ByIdSet)
        {
            foreach (var id in RunId)
            {
                Try(id, () => WriteRecord(tracking.GetRun(id.ToLowerInvariant())));
            }

            return;
        }

        Try(Experiment, () =>
        {
            if (Latest)
            {
                var experiments = Experiment ?? tracking.ListExperiments().Select(e => e.Name).ToArray();
                foreach (var experiment in experiments)
                {
                    foreach (var run in tracking.SearchRuns(new RunQuery([experiment], Filter, OrderBy, 1)))
                    {
                        WriteRecord(run);
                    }
                }

                return;
            }

            foreach (var run in tracking.SearchRuns(new RunQuery(Experiment, Filter, OrderBy, First)))
            {
                WriteRecord(run);
            }
        });
    }
}
