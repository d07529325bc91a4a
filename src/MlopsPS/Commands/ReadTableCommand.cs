using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Tables;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Reads a table's rows as objects: the current state, a snapshot, the state at a time, or the rows appended
/// between two snapshots. Rows stream one row group at a time, so a large table is never loaded whole.
/// </summary>
[Cmdlet(VerbsCommunications.Read, "Table", DefaultParameterSetName = CurrentSet)]
[OutputType(typeof(PSObject))]
public sealed class ReadTableCommand : MlopsCmdlet
{
    private const string CurrentSet = "Current";
    private const string AsOfSnapshotSet = "AsOfSnapshot";
    private const string AsOfTimeSet = "AsOfTime";
    private const string IncrementalSet = "Incremental";

    /// <summary>The table.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = string.Empty;

    /// <summary>Read the table as it was at this snapshot (time travel by id).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AsOfSnapshotSet)]
    [Alias("SnapshotId")]
    public long AsOfSnapshot { get; set; }

    /// <summary>Read the table as it was at this time: the last snapshot committed at or before it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AsOfTimeSet)]
    public DateTime AsOfTime { get; set; }

    /// <summary>Read only the rows appended after this snapshot (exclusive).</summary>
    [Parameter(Mandatory = true, ParameterSetName = IncrementalSet)]
    public long FromSnapshot { get; set; }

    /// <summary>With -FromSnapshot: read up to this snapshot (inclusive); the current snapshot by default.</summary>
    [Parameter(ParameterSetName = IncrementalSet)]
    public long? ToSnapshot { get; set; }

    /// <summary>Only these columns, in this order.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Columns { get; set; }

    /// <summary>Stop after this many rows.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? First { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new TableCatalog(OpenStore());
        Try(Table, () =>
        {
            var spec = ParameterSetName switch
            {
                AsOfSnapshotSet => ScanSpec.AsOfSnapshot(AsOfSnapshot),
                AsOfTimeSet => ScanSpec.AsOfTime(AsOfTime.ToUniversalTime()),
                IncrementalSet => ScanSpec.Incremental(FromSnapshot, ToSnapshot),
                _ => ScanSpec.Current,
            };
            if (Columns is not null)
            {
                spec = spec with { Columns = Columns };
            }

            WriteRows(catalog.Scan(Table, spec));
        });
    }

    private void WriteRows(TableScan scan)
    {
        var remaining = First ?? int.MaxValue;
        var names = scan.Schema.Columns.Select(c => c.Name).ToArray();
        foreach (var batch in scan.ReadBatches(CancellationToken.None))
        {
            for (var row = 0; row < batch.RowCount && remaining > 0; row++, remaining--)
            {
                var item = new PSObject();
                for (var column = 0; column < names.Length; column++)
                {
                    item.Properties.Add(new PSNoteProperty(names[column], batch.GetValue(row, column)));
                }

                WriteObject(item);
            }

            if (remaining == 0)
            {
                return;
            }
        }
    }
}
