using System.Management.Automation;
using MlopsPS.Core.Monitoring;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Records the true labels of logged predictions as they become known (the lab's <c>track_delayed_metrics</c>):
/// objects with a PredictionId and a Label from the pipeline, such as a CSV of id,label. Written in batches of 1,000
/// per transaction. An id the prediction log does not have is reported as an ObjectNotFound error, a label that is
/// not one of the model's class labels as InvalidData; the others are recorded.
/// </summary>
[Cmdlet(VerbsCommon.Add, "GroundTruth", SupportsShouldProcess = true)]
[OutputType(typeof(GroundTruth))]
public sealed class AddGroundTruthCommand : MlopsCmdlet
{
    private const int BatchSize = 1000;

    private readonly List<GroundTruthLabel> _batch = [];
    private long _recorded;
    private long _refused;

    /// <summary>The id the endpoint returned with the prediction.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("prediction_id", "PredictionUuid", "uuid")]
    [ValidateNotNullOrEmpty]
    public string PredictionId { get; set; } = string.Empty;

    /// <summary>The true class label.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("TrueLabel", "Actual")]
    [AllowEmptyString]
    public string Label { get; set; } = string.Empty;

    /// <summary>Writes each recorded label with the prediction it belongs to.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"prediction {PredictionId}", $"Record the true label '{Label}'"))
        {
            return;
        }

        _batch.Add(new GroundTruthLabel(PredictionId, Label));
        if (_batch.Count >= BatchSize)
        {
            Flush();
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Flush();
        WriteVerbose($"Recorded {_recorded} true labels; refused {_refused}.");
    }

    private void Flush()
    {
        if (_batch.Count == 0)
        {
            return;
        }

        var labels = _batch.ToArray();
        _batch.Clear();
        Try(labels[0].PredictionId, () =>
        {
            foreach (var outcome in new GroundTruthLog(OpenStore()).Record(labels))
            {
                if (outcome.Error is { } error)
                {
                    _refused++;
                    WriteEngineError(error, outcome.Input.PredictionId);
                }
                else
                {
                    _recorded++;
                    if (PassThru)
                    {
                        WriteRecord(outcome.Recorded!);
                    }
                }
            }
        });
    }
}
