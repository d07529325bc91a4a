using System.Management.Automation;
using MlopsPS.Core.Tracking;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Shows runs side by side: one row per param, metric (and with -IncludeTags, tag), one column per run, as
/// MLflow's compare view. Collects every run from the pipeline before it writes.
/// </summary>
[Cmdlet(VerbsData.Compare, "ExperimentRun")]
[OutputType(typeof(PSObject))]
public sealed class CompareExperimentRunCommand : MlopsCmdlet
{
    private readonly List<string> _runIds = [];

    /// <summary>The runs to compare (two or more).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[0-9a-fA-F]{32}$")]
    public string[] RunId { get; set; } = [];

    /// <summary>Also compare the runs' tags.</summary>
    [Parameter]
    public SwitchParameter IncludeTags { get; set; }

    /// <summary>Only the rows whose values differ between the runs.</summary>
    [Parameter]
    public SwitchParameter DifferentOnly { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => _runIds.AddRange(RunId.Select(id => id.ToLowerInvariant()));

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var tracking = new TrackingStore(OpenStore());
        var runs = new List<Run>();
        foreach (var id in _runIds.Distinct(StringComparer.Ordinal))
        {
            Try(id, () => runs.Add(tracking.GetRun(id)));
        }

        if (runs.Count == 0)
        {
            return;
        }

        var comparison = RunComparison.Of(runs, IncludeTags);
        foreach (var row in comparison.Rows.Where(r => r.Differs || !DifferentOnly))
        {
            var item = new PSObject();
            item.Properties.Add(new PSNoteProperty("Key", row.Key));
            for (var i = 0; i < comparison.Columns.Count; i++)
            {
                item.Properties.Add(new PSNoteProperty(comparison.Columns[i], row.Values[i]));
            }

            WriteObject(item);
        }
    }
}
