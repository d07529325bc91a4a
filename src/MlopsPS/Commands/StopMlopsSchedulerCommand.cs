using System.Management.Automation;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Stops the store's cron scheduler. Runs it started go on to their end.</summary>
[Cmdlet(VerbsLifecycle.Stop, "MlopsScheduler", SupportsShouldProcess = true)]
[OutputType(typeof(SchedulerInfo))]
public sealed class StopMlopsSchedulerCommand : MlopsCmdlet
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var store = OpenStore();
        if (!ShouldProcess($"store '{store.Root}'", "Stop the cron scheduler"))
        {
            return;
        }

        var control = new JobControl(store);
        Try(store.Root, () =>
        {
            var (scheduler, stopped) = control.StopScheduler(s_grace);
            if (!stopped)
            {
                WriteWarning("The scheduler of this store was not running.");
            }

            WriteRecord(scheduler);
        });
    }
}
