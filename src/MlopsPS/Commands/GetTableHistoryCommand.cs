using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Tables;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Shows when each snapshot became current, like Iceberg's <c>history</c> metadata table.</summary>
[Cmdlet(VerbsCommon.Get, "TableHistory")]
[OutputType(typeof(HistoryEntry))]
public sealed class GetTableHistoryCommand : MlopsCmdlet
{
    /// <summary>The table.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new TableCatalog(OpenStore());
        Try(Table, () =>
        {
            foreach (var entry in catalog.History(Table))
            {
                WriteRecord(entry);
            }
        });
    }
}
