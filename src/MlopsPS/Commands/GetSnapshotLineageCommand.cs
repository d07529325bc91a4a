using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Monitoring;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// What was built from a table snapshot: the runs that read its rows, the model versions registered from them and
/// the deployments of those versions.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SnapshotLineage")]
[OutputType(typeof(SnapshotLineage))]
public sealed class GetSnapshotLineageCommand : MlopsCmdlet
{
    /// <summary>The table.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = string.Empty;

    /// <summary>The snapshot's id.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public long SnapshotId { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var tracer = new LineageTracer(OpenStore());
        Try($"{Table}@{SnapshotId}", () => WriteRecord(tracer.ForSnapshot(Table, SnapshotId)));
    }
}
