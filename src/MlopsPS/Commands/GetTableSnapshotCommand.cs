using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Tables;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Lists a table's snapshots, like Iceberg's <c>snapshots</c> metadata table.</summary>
[Cmdlet(VerbsCommon.Get, "TableSnapshot", DefaultParameterSetName = AllSet)]
[OutputType(typeof(Snapshot))]
public sealed class GetTableSnapshotCommand : MlopsCmdlet
{
    private const string AllSet = "All";
    private const string ByIdSet = "ById";
    private const string CurrentSet = "Current";

    /// <summary>The table.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = string.Empty;

    /// <summary>One snapshot by id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    public long SnapshotId { get; set; }

    /// <summary>Only the current snapshot.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CurrentSet)]
    public SwitchParameter Current { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new TableCatalog(OpenStore());
        Try(Table, () =>
        {
            switch (ParameterSetName)
            {
                case ByIdSet:
                    WriteRecord(catalog.GetSnapshot(Table, SnapshotId));
                    break;
                case CurrentSet:
                    WriteRecord(catalog.CurrentSnapshot(Table));
                    break;
                default:
                    foreach (var snapshot in catalog.ListSnapshots(Table))
                    {
                        WriteRecord(snapshot);
                    }

                    break;
            }
        });
    }
}
