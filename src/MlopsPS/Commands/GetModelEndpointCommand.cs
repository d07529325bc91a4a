using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Lists model endpoints with their live health (host process alive, /health answer).</summary>
[Cmdlet(VerbsCommon.Get, "ModelEndpoint")]
[OutputType(typeof(ModelEndpoint))]
public sealed class GetModelEndpointCommand : MlopsCmdlet
{
    /// <summary>Endpoint names; wildcards allowed. All endpoints when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EndpointName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Skips the live check (process and HTTP); Health is then Unknown.</summary>
    [Parameter]
    public SwitchParameter NoHealthCheck { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var manager = new EndpointManager(OpenStore());
        foreach (var name in ServingCmdletSupport.Expand(Name, manager.ListEndpointNames))
        {
            Try(name, () => WriteRecord(manager.GetEndpoint(name, checkHealth: !NoHealthCheck)));
        }
    }
}
