using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Shows an endpoint's host log: what the host and the manager wrote, across launches.</summary>
[Cmdlet(VerbsCommon.Get, "ModelEndpointLog")]
[OutputType(typeof(string))]
public sealed class GetModelEndpointLogCommand : MlopsCmdlet
{
    /// <summary>The endpoint.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EndpointName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>Only the last N lines.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Tail { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var manager = new EndpointManager(OpenStore());
        Try(Name, () =>
        {
            foreach (var line in manager.ReadLog(Name, MyInvocation.BoundParameters.ContainsKey(nameof(Tail)) ? Tail : null))
            {
                WriteObject(line);
            }
        });
    }
}
