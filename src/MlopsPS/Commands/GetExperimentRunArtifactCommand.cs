using System.Management.Automation;
using MlopsPS.Core.Tracking;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Lists the files a run stored as artifacts: the model, its metadata, feature importance.</summary>
[Cmdlet(VerbsCommon.Get, "ExperimentRunArtifact")]
[OutputType(typeof(RunArtifact))]
public sealed class GetExperimentRunArtifactCommand : MlopsCmdlet
{
    /// <summary>The run.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[0-9a-fA-F]{32}$")]
    public string RunId { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var tracking = new TrackingStore(OpenStore());
        Try(RunId, () =>
        {
            foreach (var artifact in tracking.ListArtifacts(RunId.ToLowerInvariant()))
            {
                WriteRecord(artifact);
            }
        });
    }
}
