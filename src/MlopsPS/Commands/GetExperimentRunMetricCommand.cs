using System.Management.Automation;
using MlopsPS.Core.Tracking;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Shows every logged value of a run's metrics, step by step (MLflow's metric history).</summary>
[Cmdlet(VerbsCommon.Get, "ExperimentRunMetric")]
[OutputType(typeof(MetricPoint))]
public sealed class GetExperimentRunMetricCommand : MlopsCmdlet
{
    /// <summary>The run.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[0-9a-fA-F]{32}$")]
    public string RunId { get; set; } = string.Empty;

    /// <summary>Only this metric, such as <c>eval_logloss</c>; all metrics when omitted.</summary>
    [Parameter(Position = 1)]
    [Alias("Key", "Metric")]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var tracking = new TrackingStore(OpenStore());
        Try(RunId, () =>
        {
            foreach (var point in tracking.GetMetricHistory(RunId.ToLowerInvariant(), Name))
            {
                WriteRecord(point);
            }
        });
    }
}
