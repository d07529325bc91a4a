using System.Management.Automation;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Shows whether the store's cron scheduler runs, its process, heartbeat and log, and the next cron tick.</summary>
[Cmdlet(VerbsCommon.Get, "MlopsScheduler")]
[OutputType(typeof(SchedulerInfo))]
public sealed class GetMlopsSchedulerCommand : MlopsCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var store = OpenStore();
        Try(store.Root, () => WriteRecord(new JobCatalog(store).GetScheduler()));
    }
}
