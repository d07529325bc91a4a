using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Monitoring metrics of endpoints from their prediction logs, per endpoint and model version: in windows of
/// -WindowSize predictions or of -Window time, or one window over the range; request counts, latency percentiles,
/// and where true labels have arrived accuracy, precision, recall and F1 (the lab's aggregate metrics and read_metrics).
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelEndpointMetric", DefaultParameterSetName = Whole)]
[OutputType(typeof(PredictionMetricWindow))]
public sealed class GetModelEndpointMetricCommand : MlopsCmdlet
{
    private const string Whole = "Whole";
    private const string ByCount = "ByCount";
    private const string ByTime = "ByTime";

    /// <summary>Endpoint names; wildcards allowed. All endpoints when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EndpointName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only this version of the endpoint's model.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int ModelVersion { get; set; }

    /// <summary>Only predictions made at or after this time.</summary>
    [Parameter]
    public DateTime Start { get; set; }

    /// <summary>Only predictions made before this time.</summary>
    [Parameter]
    public DateTime End { get; set; }

    /// <summary>Windows of this many consecutive predictions.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByCount)]
    [ValidateRange(1, int.MaxValue)]
    public int WindowSize { get; set; }

    /// <summary>Windows of this length, aligned on multiples of it (5 minutes: :00, :05, ...).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByTime)]
    public TimeSpan Window { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (ParameterSetName == ByTime && Window < TimeSpan.FromMilliseconds(1))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Window must be at least 1 millisecond, not {Window}."), "InvalidWindow", ErrorCategory.InvalidArgument, Window));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var store = OpenStore();
        var manager = new EndpointManager(store);
        var metrics = new PredictionMetrics(store);
        var bound = MyInvocation.BoundParameters;
        foreach (var name in Name ?? ["*"])
        {
            Try(name, () =>
            {
                if (!WildcardPattern.ContainsWildcardCharacters(name))
                {
                    manager.GetEndpoint(name, checkHealth: false);
                }

                var query = new PredictionMetricQuery(
                    name,
                    bound.ContainsKey(nameof(ModelVersion)) ? ModelVersion : null,
                    bound.ContainsKey(nameof(Start)) ? Start : null,
                    bound.ContainsKey(nameof(End)) ? End : null,
                    ParameterSetName == ByCount ? WindowSize : null,
                    ParameterSetName == ByTime ? Window : null);
                foreach (var window in metrics.Compute(query))
                {
                    WriteRecord(window);
                }
            });
        }
    }
}
