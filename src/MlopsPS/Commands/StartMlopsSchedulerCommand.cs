using System.Management.Automation;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Starts the store's cron scheduler: a detached background process that starts a run of each cron job when its
/// tick is due, and keeps running after this shell exits, until Stop-MlopsScheduler.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "MlopsScheduler", SupportsShouldProcess = true)]
[OutputType(typeof(SchedulerInfo))]
public sealed class StartMlopsSchedulerCommand : MlopsCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var store = OpenStore();
        if (!ShouldProcess($"store '{store.Root}'", "Start the cron scheduler"))
        {
            return;
        }

        var control = new JobControl(store, JobCmdletSupport.Runtime(this));
        Try(store.Root, () =>
        {
            var (scheduler, started) = control.StartScheduler();
            if (!started)
            {
                WriteWarning($"The scheduler of this store already runs (pid {scheduler.ProcessId}).");
            }

            WriteRecord(scheduler);
        });
    }
}
