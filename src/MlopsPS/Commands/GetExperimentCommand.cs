using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Tracking;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Lists experiments, as MLflow's search_experiments.</summary>
[Cmdlet(VerbsCommon.Get, "Experiment")]
[OutputType(typeof(Experiment))]
public sealed class GetExperimentCommand : MlopsCmdlet
{
    /// <summary>Experiment names or wildcard patterns; all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Experiment", "ExperimentName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ExperimentNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var tracking = new TrackingStore(OpenStore());
        WriteNamed(Name, pattern => tracking.ListExperiments(pattern), tracking.GetExperiment);
    }
}
