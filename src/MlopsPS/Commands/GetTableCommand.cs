using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Tables;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Lists the versioned tables of the store.</summary>
[Cmdlet(VerbsCommon.Get, "Table")]
[OutputType(typeof(TableInfo))]
public sealed class GetTableCommand : MlopsCmdlet
{
    /// <summary>Table names or wildcard patterns.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Table")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new TableCatalog(OpenStore());
        WriteNamed(Name, pattern => catalog.ListTables(pattern), catalog.GetTable);
    }
}
