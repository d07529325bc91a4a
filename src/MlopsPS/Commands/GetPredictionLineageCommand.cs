using System.Management.Automation;
using MlopsPS.Core.Monitoring;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Where a prediction came from: the endpoint, deployment and model version that answered, the run that trained the
/// version (params, metrics), and the table snapshots and data files the run read.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PredictionLineage")]
[OutputType(typeof(PredictionLineage))]
public sealed class GetPredictionLineageCommand : MlopsCmdlet
{
    /// <summary>Prediction ids, as the endpoint returned them.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("prediction_id", "uuid")]
    [ValidateNotNullOrEmpty]
    public string[] PredictionId { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var tracer = new LineageTracer(OpenStore());
        foreach (var id in PredictionId)
        {
            Try(id, () => WriteRecord(tracer.ForPrediction(id)));
        }
    }
}
