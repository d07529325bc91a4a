using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Stops an endpoint's host process; the endpoint keeps its settings and version for Start-ModelEndpoint.</summary>
[Cmdlet(VerbsLifecycle.Stop, "ModelEndpoint", SupportsShouldProcess = true)]
[OutputType(typeof(ModelEndpoint))]
public sealed class StopModelEndpointCommand : MlopsCmdlet
{
    /// <summary>Endpoint names; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EndpointName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Writes the stopped endpoint.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var manager = new EndpointManager(OpenStore());
        foreach (var name in ServingCmdletSupport.Expand(Name, manager.ListEndpointNames))
        {
            Try(name, () =>
            {
                if (!ShouldProcess($"endpoint '{name}'", "Stop the scoring host"))
                {
                    return;
                }

                var endpoint = manager.Stop(name);
                if (PassThru)
                {
                    WriteRecord(endpoint);
                }
            });
        }
    }
}
