using System.Management.Automation;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Reads a run's log: everything the job's script wrote, on every stream, framed by the runner's start and end lines.</summary>
[Cmdlet(VerbsCommon.Get, "MlopsJobRunLog")]
[OutputType(typeof(string))]
public sealed class GetMlopsJobRunLogCommand : MlopsCmdlet
{
    /// <summary>The run.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, long.MaxValue)]
    public long RunId { get; set; }

    /// <summary>Only the last lines.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Tail { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new JobCatalog(OpenStore());
        Try(RunId, () =>
        {
            foreach (var line in catalog.ReadLog(RunId, Tail))
            {
                WriteObject(line);
            }
        });
    }
}
