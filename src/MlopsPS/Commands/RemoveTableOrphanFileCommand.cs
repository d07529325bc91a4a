using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Tables;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Deletes data files that no snapshot references, such as those an interrupted append left behind, like
/// Iceberg's <c>remove_orphan_files</c>. With -WhatIf it only lists them.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "TableOrphanFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OrphanResult))]
public sealed class RemoveTableOrphanFileCommand : MlopsCmdlet
{
    /// <summary>The table; all tables when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string? Table { get; set; }

    /// <summary>Only files older than this; three days by default, so a running append's file is never taken.</summary>
    [Parameter]
    public TimeSpan OlderThan { get; set; } = TimeSpan.FromDays(3);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new TableCatalog(OpenStore());
        Try(Table, () =>
        {
            var plan = catalog.RemoveOrphanFiles(Table, OlderThan, dryRun: true);
            var target = Table is null ? "all tables" : $"table '{Table}'";
            if (plan.Files.Count == 0)
            {
                WriteVerbose($"No orphan file older than {OlderThan} in {target}.");
                WriteRecord(plan);
            }
            else if (ShouldProcess(target, $"Delete {plan.Files.Count} orphan file(s): {string.Join(", ", plan.Files.Take(5))}{(plan.Files.Count > 5 ? ", ..." : string.Empty)}"))
            {
                WriteRecord(catalog.RemoveOrphanFiles(Table, OlderThan, dryRun: false));
            }
        });
    }
}
