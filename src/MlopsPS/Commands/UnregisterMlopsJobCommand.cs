using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Removes job definitions; their run history and logs stay. A job others depend on, or with runs queued or
/// running, needs -Force: its dependents become manual jobs and its active runs are stopped.
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "MlopsJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class UnregisterMlopsJobCommand : MlopsCmdlet
{
    /// <summary>The jobs to remove.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobName")]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Remove a job even when others depend on it or it has runs in progress.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new JobCatalog(OpenStore());
        foreach (var name in Name)
        {
            if (!ShouldProcess($"job '{name}'", Force ? "Unregister job (dependents become manual, active runs are stopped)" : "Unregister job"))
            {
                continue;
            }

            Try(name, () =>
            {
                var removal = catalog.Remove(name, Force);
                if (removal.DetachedDependents.Count > 0)
                {
                    WriteWarning($"Job '{removal.Job.Name}' is gone; {string.Join(", ", removal.DetachedDependents.Select(d => $"'{d}'"))} no longer run after it and are manual jobs now.");
                }

                if (removal.StoppedRuns.Count > 0)
                {
                    WriteWarning($"Stopped run(s) {string.Join(", ", removal.StoppedRuns)} of job '{removal.Job.Name}'.");
                }
            });
        }
    }
}
