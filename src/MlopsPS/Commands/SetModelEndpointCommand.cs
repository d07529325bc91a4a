using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Changes endpoint settings that need no new deployment: for now whether the host records each prediction. A
/// running host applies the change at once, without a restart.
/// </summary>
[Cmdlet(VerbsCommon.Set, "ModelEndpoint", SupportsShouldProcess = true)]
[OutputType(typeof(ModelEndpoint))]
public sealed class SetModelEndpointCommand : MlopsCmdlet
{
    /// <summary>Endpoint names; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EndpointName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>On: the host records each prediction in the store's prediction log; Off: it records none.</summary>
    [Parameter(Mandatory = true)]
    [ValidateSet(ServingCmdletSupport.On, ServingCmdletSupport.Off)]
    public string Tracking { get; set; } = ServingCmdletSupport.On;

    /// <summary>Writes the changed endpoint.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var manager = new EndpointManager(OpenStore());
        var enabled = ServingCmdletSupport.IsOn(Tracking);
        foreach (var name in ServingCmdletSupport.Expand(Name, manager.ListEndpointNames))
        {
            Try(name, () =>
            {
                if (!ShouldProcess($"endpoint '{name}'", $"Switch prediction tracking {Tracking.ToLowerInvariant()}"))
                {
                    return;
                }

                var endpoint = manager.SetTracking(name, enabled);
                if (PassThru)
                {
                    WriteRecord(endpoint);
                }
            });
        }
    }
}
