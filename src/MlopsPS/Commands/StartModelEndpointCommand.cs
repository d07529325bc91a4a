using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Starts a stopped endpoint again (after Stop-ModelEndpoint, a crash or a reboot) with the version it served last.</summary>
[Cmdlet(VerbsLifecycle.Start, "ModelEndpoint", SupportsShouldProcess = true)]
[OutputType(typeof(ModelEndpoint))]
public sealed class StartModelEndpointCommand : MlopsCmdlet
{
    /// <summary>Endpoint names; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EndpointName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Seconds to wait for the host and its model.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 60;

    /// <summary>Writes the started endpoint.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var manager = new EndpointManager(OpenStore(), ServingCmdletSupport.HostDirectory(this));
        foreach (var name in ServingCmdletSupport.Expand(Name, manager.ListEndpointNames))
        {
            Try(name, () =>
            {
                if (!ShouldProcess($"endpoint '{name}'", "Start the scoring host with its current version"))
                {
                    return;
                }

                var progress = new CmdletProgress<PublishProgress>(this, ProgressActivity.Scoring, $"Starting endpoint '{name}'", p => (p.PercentComplete, p.Status));
                var endpoint = manager.Start(name, TimeSpan.FromSeconds(TimeoutSec), progress);
                progress.Complete();
                if (PassThru)
                {
                    WriteRecord(endpoint);
                }
            });
        }
    }
}
