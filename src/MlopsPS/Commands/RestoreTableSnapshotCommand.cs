using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Tables;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Rolls a table back to an ancestor snapshot, like Iceberg's <c>rollback_to_snapshot</c>.</summary>
[Cmdlet(VerbsData.Restore, "TableSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RollbackResult))]
public sealed class RestoreTableSnapshotCommand : MlopsCmdlet
{
    /// <summary>The table.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = string.Empty;

    /// <summary>The ancestor snapshot to make current.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public long SnapshotId { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"table '{Table}'", $"Roll back to snapshot {SnapshotId}"))
        {
            return;
        }

        var catalog = new TableCatalog(OpenStore());
        Try(Table, () => WriteRecord(catalog.Rollback(Table, SnapshotId)));
    }
}
