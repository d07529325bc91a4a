using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>The deployment history of endpoints (which version was live when), or the latest deployment of each.</summary>
[Cmdlet(VerbsCommon.Get, "ModelDeployment", DefaultParameterSetName = ByEndpoint)]
[OutputType(typeof(Deployment))]
public sealed class GetModelDeploymentCommand : MlopsCmdlet
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

    /// <summary>Only each endpoint's newest deployment (the lab's "latest deployment details").</summary>
    [Parameter(ParameterSetName = ByEndpoint)]
    public SwitchParameter Latest { get; set; }

    /// <summary>Deployments by id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] DeploymentId { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var manager = new EndpointManager(OpenStore());
        if (ParameterSetName == ById)
        {
            foreach (var id in DeploymentId)
            {
                Try(id, () => WriteRecord(manager.GetDeployment(id)));
            }

            return;
        }

        foreach (var name in ServingCmdletSupport.Expand(Name, manager.ListEndpointNames))
        {
            Try(name, () =>
            {
                if (!WildcardPattern.ContainsWildcardCharacters(name))
                {
                    manager.GetEndpoint(name, checkHealth: false);
                }

                foreach (var deployment in manager.GetDeployments(name, Latest))
                {
                    WriteRecord(deployment);
                }
            });
        }
    }
}
