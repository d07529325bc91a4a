using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Reads endpoints' prediction logs: each prediction with its id, time, inputs, answer, probability, latency and,
/// once sent, its true label.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelEndpointPrediction", DefaultParameterSetName = ByEndpoint)]
[OutputType(typeof(LoggedPrediction))]
public sealed class GetModelEndpointPredictionCommand : MlopsCmdlet
{
    private const string ByEndpoint = "Endpoint";
    private const string ById = "Id";

    /// <summary>Endpoint names; wildcards allowed. All endpoints when omitted.</summary>
    [Parameter(Position = 0, ParameterSetName = ByEndpoint, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EndpointName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Predictions by the ids the endpoint returned.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] PredictionId { get; set; } = [];

    /// <summary>Only predictions made at or after this time.</summary>
    [Parameter(ParameterSetName = ByEndpoint)]
    public DateTime Start { get; set; }

    /// <summary>Only predictions made before this time.</summary>
    [Parameter(ParameterSetName = ByEndpoint)]
    public DateTime End { get; set; }

    /// <summary>Only the newest this many predictions of each endpoint pattern (still oldest first).</summary>
    [Parameter(ParameterSetName = ByEndpoint)]
    [ValidateRange(1, int.MaxValue)]
    public int Last { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var store = OpenStore();
        var log = new PredictionLog(store);
        if (ParameterSetName == ById)
        {
            foreach (var id in PredictionId)
            {
                Try(id, () => WriteRecord(log.Get(id)));
            }

            return;
        }

        var manager = new EndpointManager(store);
        var bound = MyInvocation.BoundParameters;
        foreach (var name in Name ?? ["*"])
        {
            Try(name, () =>
            {
                if (!WildcardPattern.ContainsWildcardCharacters(name))
                {
                    manager.GetEndpoint(name, checkHealth: false);
                }

                var predictions = log.List(
                    name,
                    bound.ContainsKey(nameof(Start)) ? Start : null,
                    bound.ContainsKey(nameof(End)) ? End : null,
                    bound.ContainsKey(nameof(Last)) ? Last : null);
                foreach (var prediction in predictions)
                {
                    WriteRecord(prediction);
                }
            });
        }
    }
}
