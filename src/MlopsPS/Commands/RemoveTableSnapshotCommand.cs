using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Tables;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Expires old snapshots, like Iceberg's <c>expire_snapshots</c>, and deletes the data files that no remaining
/// snapshot needs. The current snapshot is never expired.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "TableSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ExpireResult))]
public sealed class RemoveTableSnapshotCommand : MlopsCmdlet
{
    /// <summary>The table.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = string.Empty;

    /// <summary>Expire snapshots committed before this time; five days ago by default, as Iceberg.</summary>
    [Parameter]
    public DateTime? OlderThan { get; set; }

    /// <summary>Always keep at least this many of the newest snapshots; 1 by default, as Iceberg.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int RetainLast { get; set; } = 1;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new TableCatalog(OpenStore());
        Try(Table, () =>
        {
            var olderThan = OlderThan?.ToUniversalTime();
            var plan = catalog.ExpireSnapshots(Table, olderThan, RetainLast, dryRun: true);
            if (plan.ExpiredSnapshotIds.Count == 0)
            {
                WriteVerbose($"No snapshot of '{Table}' is old enough to expire.");
                WriteRecord(plan);
                return;
            }

            var action = $"Expire {plan.ExpiredSnapshotIds.Count} snapshot(s) and delete {plan.DeletedFiles.Count} data file(s)";
            if (ShouldProcess($"table '{Table}'", action))
            {
                var progress = new CmdletProgress<MaintenanceProgress>(this, ProgressActivity.Maintenance, $"Expiring snapshots of '{Table}'", p =>
                    (p.PercentComplete, $"Deleting file {p.Done + 1} of {p.Total}: {p.CurrentFile}"));
                try
                {
                    WriteRecord(catalog.ExpireSnapshots(Table, olderThan, RetainLast, dryRun: false, progress));
                }
                finally
                {
                    progress.Complete();
                }
            }
        });
    }
}
